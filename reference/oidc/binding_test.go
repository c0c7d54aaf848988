package oidc_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/oidc"
)

// TestLoginBoundToBrowser (defect 1): a sign-in link is useless in another browser, and the
// callback mints one code, once.
func TestLoginBoundToBrowser(t *testing.T) {
	e := newEnv(t)
	v := url.Values{"response_type": {"code"}, "client_id": {"bank"}, "redirect_uri": {rpCallback}, "scope": {"openid"},
		"state": {"attacker-state"}, "code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}
	attacker := browser(t)
	res, err := attacker.Get(e.srv.URL + "/oidc/authorize?" + v.Encode())
	require.NoError(t, err)
	res.Body.Close()
	var cookie *http.Cookie
	for _, c := range res.Request.Response.Cookies() {
		if c.Name == oidc.LoginCookie {
			cookie = c
		}
	}
	require.NotNil(t, cookie, "authorize sets the login cookie")
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
	assert.Equal(t, "/oidc", cookie.Path)
	assert.False(t, cookie.Secure, "an http issuer")
	id := res.Request.URL.Query().Get("id")
	require.NotEmpty(t, id)

	// The victim, in another browser, opens the attacker's link: refused before any password.
	victim := browser(t)
	p := get(t, victim, e.srv.URL+"/oidc/login?id="+id)
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Contains(t, p.body, "another browser")
	p = postForm(t, victim, e.srv.URL+"/oidc/login", url.Values{"id": {id}, "citizen_id": {level2ID}, "password": {level2Password}})
	assert.Equal(t, http.StatusForbidden, p.status)
	assert.Empty(t, p.location)

	// The browser that started it signs in; the callback is its own and works once.
	p = postForm(t, attacker, e.srv.URL+"/oidc/login", url.Values{"id": {id}, "citizen_id": {level2ID}, "password": {level2Password}})
	if strings.Contains(p.body, `id="otp"`) {
		p = postForm(t, attacker, e.srv.URL+"/oidc/login/otp", url.Values{"id": {id}, "otp": {e.sms.otp(level2Phone)}, "action": {"verify"}})
	}
	require.NotEmpty(t, p.location, p.body)
	first, err := url.Parse(p.location)
	require.NoError(t, err)
	require.NotEmpty(t, first.Query().Get("code"))

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cb := e.srv.URL + "/oidc/authorize/callback?id=" + id
	p = get(t, noRedirect, cb)
	assert.Equal(t, http.StatusForbidden, p.status, "a callback without the cookie")
	assert.NotContains(t, p.location, "code=")

	req, _ := http.NewRequest(http.MethodGet, cb, nil)
	req.AddCookie(cookie)
	p = do(t, noRedirect, req)
	assert.Equal(t, http.StatusBadRequest, p.status, "a second callback from the right browser")
	assert.NotContains(t, p.location, "code=")
}

// TestLoginCookieSecureUnderHTTPS: under an https issuer the login and device cookies are
// Secure.
func TestLoginCookieSecureUnderHTTPS(t *testing.T) {
	e := newEnvWith(t, func(c *oidc.Config) { c.Issuer = "https://id.example" })
	v := url.Values{"response_type": {"code"}, "client_id": {"bank"}, "redirect_uri": {rpCallback}, "scope": {"openid"}, "state": {"s"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(e.srv.URL + "/oidc/authorize?" + v.Encode())
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	var found bool
	for _, c := range res.Cookies() {
		if c.Name == oidc.LoginCookie {
			found = true
			assert.True(t, c.Secure)
		}
	}
	assert.True(t, found)
	cookie, err := e.provider.TrustBrowser(t.Context(), level1ID)
	require.NoError(t, err)
	assert.True(t, cookie.Secure)
}
