package oidc_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOTPPage: on a new device the login page asks for the SMS OTP; a wrong OTP stays on the
// page with the attempts left, a resend too soon is refused, the right OTP completes the login.
func TestOTPPage(t *testing.T) {
	e := newEnv(t)
	c := browser(t)
	v := url.Values{"response_type": {"code"}, "client_id": {"bank"}, "redirect_uri": {rpCallback}, "scope": {"openid"}, "state": {"s"}}
	p := get(t, c, e.srv.URL+"/oidc/authorize?"+v.Encode())
	id := formID(t, p)
	p = postForm(t, c, e.srv.URL+"/oidc/login", url.Values{"id": {id}, "citizen_id": {level1ID}, "password": {level1Password}})
	require.Equal(t, http.StatusOK, p.status)
	require.Contains(t, p.body, `id="otp"`)
	otp := e.sms.otp(level1Phone)
	require.Len(t, otp, 6)
	wrong := "000000"
	if otp == wrong {
		wrong = "111111"
	}

	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"wrong OTP", url.Values{"otp": {wrong}, "action": {"verify"}}, http.StatusUnprocessableEntity, "Attempts left: 4."},
		{"malformed OTP", url.Values{"otp": {"12ab"}, "action": {"verify"}}, http.StatusBadRequest, "Invalid input"},
		{"resend too soon", url.Values{"action": {"resend"}}, http.StatusTooManyRequests, "try again later"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("id", id)
			p := postForm(t, c, e.srv.URL+"/oidc/login/otp", tc.form)
			assert.Equal(t, tc.status, p.status)
			assert.Contains(t, p.body, tc.want)
			assert.Empty(t, p.location)
		})
	}
	p = postForm(t, c, e.srv.URL+"/oidc/login/otp", url.Values{"id": {id}, "otp": {otp}, "action": {"verify"}})
	u, err := url.Parse(p.location)
	require.NoError(t, err)
	assert.NotEmpty(t, u.Query().Get("code"))

	// An unknown or finished request is an expired link, not an error.
	p = postForm(t, c, e.srv.URL+"/oidc/login/otp", url.Values{"id": {"nope"}, "otp": {otp}})
	assert.Equal(t, http.StatusBadRequest, p.status)
	assert.Contains(t, p.body, "expired")
}
