package oidc_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/oidc"
)

// TestWebLoginKeepsAppBound (defect 3): the app's device id as the browser's cookie is a new
// browser (OTP); the cookie the provider then sets is its own, replaced at the next login;
// and the phone app stays the bound device.
func TestWebLoginKeepsAppBound(t *testing.T) {
	e := newEnv(t)
	c := browser(t)
	u, _ := url.Parse(e.srv.URL + "/oidc/")
	c.Jar.SetCookies(u, []*http.Cookie{{Name: oidc.DeviceCookie, Value: level1Device, Path: "/oidc/"}})
	v := url.Values{"response_type": {"code"}, "client_id": {"bank"}, "redirect_uri": {rpCallback}, "scope": {"openid"}, "state": {"s"}}
	authURL := e.srv.URL + "/oidc/authorize?" + v.Encode()

	p := get(t, c, authURL)
	id := formID(t, p)
	p = postForm(t, c, e.srv.URL+"/oidc/login", url.Values{"id": {id}, "citizen_id": {level1ID}, "password": {level1Password}})
	require.Contains(t, p.body, `id="otp"`, "a planted app device id is not a bound browser")
	p = postForm(t, c, e.srv.URL+"/oidc/login/otp", url.Values{"id": {id}, "otp": {e.sms.otp(level1Phone)}, "action": {"verify"}})
	require.Contains(t, p.location, "code=")
	issued := deviceCookie(c, u)
	require.NotEqual(t, level1Device, issued)

	// The app is still bound: its device logs in without an OTP.
	res, err := e.svc.Login(context.Background(), reference.LoginRequest{CitizenID: level1ID, Password: level1Password, DeviceID: level1Device})
	require.NoError(t, err)
	assert.NotNil(t, res.Token, "a web login leaves the phone app bound")

	// The bound browser signs in without an OTP and gets a new cookie.
	q := e.login(t, c, authURL, level1ID, level1Password, "no-otp-expected")
	require.NotEmpty(t, q.Get("code"))
	assert.NotEqual(t, issued, deviceCookie(c, u), "rotated at each login")
}

func deviceCookie(c *http.Client, u *url.URL) string {
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == oidc.DeviceCookie {
			return k.Value
		}
	}
	return ""
}
