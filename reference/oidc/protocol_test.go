package oidc_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/eidsim/eidsim/reference/oidc"
)

// TestTokenResponseHeaders (defect 7): token answers are not cached (RFC 6749 §5.1), a 401
// carries WWW-Authenticate (§5.2).
func TestTokenResponseHeaders(t *testing.T) {
	e := newEnv(t)
	f := e.codeFor(t, "bank", "bank-secret")
	res := postToken(t, e.srv.URL, url.Values{"grant_type": {"authorization_code"}, "code": {f.code}, "redirect_uri": {rpCallback},
		"code_verifier": {f.verifier}}, "bank", "bank-secret")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Equal(t, "no-cache", res.Header.Get("Pragma"))

	res = postToken(t, e.srv.URL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}, "bank", "wrong")
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Contains(t, res.Header.Get("WWW-Authenticate"), "Basic")
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
}

// TestTokenEndpointChecks (defect 7): the registered token_endpoint_auth_method is enforced
// and a code_verifier must have 43–128 characters.
func TestTokenEndpointChecks(t *testing.T) {
	e := newEnv(t, oidc.ClientConfig{ID: "post-bank", Secret: "post-secret", RedirectURIs: []string{rpCallback}, AuthMethod: "client_secret_post"})
	tests := []struct {
		name       string
		client     string
		form       url.Values
		basic      [2]string
		wantStatus int
		wantError  string
	}{
		{"basic client sends its secret in the form", "bank", url.Values{"client_id": {"bank"}, "client_secret": {"bank-secret"}}, [2]string{}, http.StatusUnauthorized, "invalid_client"},
		{"post client sends Basic", "post-bank", url.Values{}, [2]string{"post-bank", "post-secret"}, http.StatusUnauthorized, "invalid_client"},
		// RFC 6749 §2.3.1: the id is form-urlencoded in Basic ("-" as %2D, as openid-client
		// sends it); the client must still be recognised and its method enforced.
		{"post client sends Basic, form-urlencoded", "post-bank", url.Values{}, [2]string{"post%2Dbank", "post%2Dsecret"}, http.StatusUnauthorized, "invalid_client"},
		{"public client sends a secret", "portal-spa", url.Values{"client_id": {"portal-spa"}, "client_secret": {"x"}}, [2]string{}, http.StatusUnauthorized, "invalid_client"},
		{"3-character verifier", "bank", url.Values{"code_verifier": {"abc"}}, [2]string{"bank", "bank-secret"}, http.StatusBadRequest, "invalid_request"},
		{"129-character verifier", "bank", url.Values{"code_verifier": {string(make([]byte, 0)) + longVerifier(129)}}, [2]string{"bank", "bank-secret"}, http.StatusBadRequest, "invalid_request"},
		{"post client with post", "post-bank", url.Values{"client_id": {"post-bank"}, "client_secret": {"post-secret"}}, [2]string{}, http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			secret := map[string]string{"bank": "bank-secret", "post-bank": "post-secret"}[tc.client]
			f := e.codeFor(t, tc.client, secret)
			form := url.Values{"grant_type": {"authorization_code"}, "code": {f.code}, "redirect_uri": {rpCallback}, "code_verifier": {f.verifier}}
			for k, v := range tc.form {
				form[k] = v
			}
			res := postToken(t, e.srv.URL, form, tc.basic[0], tc.basic[1])
			defer res.Body.Close()
			var body struct{ Error string }
			_ = json.NewDecoder(res.Body).Decode(&body)
			assert.Equal(t, tc.wantStatus, res.StatusCode)
			assert.Equal(t, tc.wantError, body.Error)
			if tc.wantStatus == http.StatusUnauthorized {
				assert.NotEmpty(t, res.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

func longVerifier(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

// TestUserinfoErrors (defect 7, RFC 6750 §3): no token, an unknown one and a revoked one get
// 401 with WWW-Authenticate: Bearer.
func TestUserinfoErrors(t *testing.T) {
	e := newEnv(t)
	f := e.codeFor(t, "bank", "bank-secret")
	tok, err := f.exchange(t)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, userinfo(t, e.srv.URL, tok.AccessToken).StatusCode)
	res, err := http.PostForm(e.srv.URL+"/oidc/revoke", url.Values{"token": {tok.AccessToken}, "client_id": {"bank"}, "client_secret": {"bank-secret"}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)

	tests := []struct{ name, token, wantAuth string }{
		{"no token", "", `Bearer realm="eidsim"`},
		{"unknown token", "garbage", `error="invalid_token"`},
		{"revoked token", tok.AccessToken, `error="invalid_token"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := userinfo(t, e.srv.URL, tc.token)
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
			assert.Contains(t, res.Header.Get("WWW-Authenticate"), tc.wantAuth)
		})
	}
}

// TestReplayRevokes (defect 7): replaying a code revokes the tokens issued from it (RFC 6749
// §4.1.2); reusing a rotated refresh token revokes the family (RFC 9700 §4.14.2).
func TestReplayRevokes(t *testing.T) {
	e := newEnv(t)
	t.Run("code", func(t *testing.T) {
		f := e.codeFor(t, "bank", "bank-secret")
		tok, err := f.exchange(t)
		require.NoError(t, err)
		_, err = f.exchange(t)
		require.ErrorContains(t, err, "invalid_grant")
		assert.Equal(t, http.StatusUnauthorized, userinfo(t, e.srv.URL, tok.AccessToken).StatusCode)
		_, err = refresh(f.conf, tok.RefreshToken)
		require.ErrorContains(t, err, "invalid_grant")
	})
	t.Run("refresh", func(t *testing.T) {
		f := e.codeFor(t, "bank", "bank-secret")
		tok, err := f.exchange(t)
		require.NoError(t, err)
		next, err := refresh(f.conf, tok.RefreshToken)
		require.NoError(t, err)
		_, err = refresh(f.conf, tok.RefreshToken) // the replay
		require.ErrorContains(t, err, "invalid_grant")
		assert.Equal(t, http.StatusUnauthorized, userinfo(t, e.srv.URL, next.AccessToken).StatusCode, "the current access token is revoked")
		_, err = refresh(f.conf, next.RefreshToken)
		require.ErrorContains(t, err, "invalid_grant", "the current refresh token is revoked")
	})
}

// TestAuthorizeRefusals (defect 7): plain PKCE and acr_values the provider does not know
// come back as errors; LoA3 beside LoA1 is served as LoA1.
func TestAuthorizeRefusals(t *testing.T) {
	e := newEnv(t)
	base := url.Values{"response_type": {"code"}, "client_id": {"bank"}, "redirect_uri": {rpCallback}, "scope": {"openid"}, "state": {"s"}}
	tests := []struct {
		name      string
		set       url.Values
		wantError string
	}{
		{"plain PKCE", url.Values{"code_challenge": {longVerifier(43)}, "code_challenge_method": {"plain"}}, "invalid_request"},
		{"challenge without a method (plain)", url.Values{"code_challenge": {longVerifier(43)}}, "invalid_request"},
		{"LoA3 only", url.Values{"acr_values": {"LoA3"}}, oidc.ErrUnmetAuthenticationRequirements},
		{"LoA3 and LoA1", url.Values{"acr_values": {"LoA3 LoA1"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			for k, x := range base {
				v[k] = x
			}
			for k, x := range tc.set {
				v[k] = x
			}
			p := get(t, browser(t), e.srv.URL+"/oidc/authorize?"+v.Encode())
			if tc.wantError == "" {
				assert.Equal(t, http.StatusOK, p.status)
				assert.Contains(t, p.body, "LoA1")
				return
			}
			u, err := url.Parse(p.location)
			require.NoError(t, err, p.body)
			assert.Equal(t, tc.wantError, u.Query().Get("error"))
			assert.Equal(t, "s", u.Query().Get("state"))
		})
	}
}

// TestLoginPageHeaders (defect 7): the login pages are not sniffed, framed or cached.
func TestLoginPageHeaders(t *testing.T) {
	e := newEnv(t)
	v := url.Values{"response_type": {"code"}, "client_id": {"bank"}, "redirect_uri": {rpCallback}, "scope": {"openid"}, "state": {"s"}}
	res, err := browser(t).Get(e.srv.URL + "/oidc/authorize?" + v.Encode())
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "DENY", res.Header.Get("X-Frame-Options"))
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
}

// TestIssuerIgnoresHost (defect 5): a Host header changes neither discovery nor the ID
// token's iss.
func TestIssuerIgnoresHost(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/.well-known/openid-configuration", nil)
	req.Host = "evil.example"
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var d oidc.Discovery
	require.NoError(t, json.NewDecoder(res.Body).Decode(&d))
	res.Body.Close()
	assert.Equal(t, e.provider.Issuer(), d.Issuer)
	assert.Equal(t, e.provider.Issuer()+"/oidc/token", d.TokenEndpoint)

	f := e.codeFor(t, "bank", "bank-secret")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {f.code}, "redirect_uri": {rpCallback}, "code_verifier": {f.verifier}}
	treq, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oidc/token", nil)
	treq.Host = "evil.example"
	treq.SetBasicAuth("bank", "bank-secret")
	treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	treq.Body = io.NopCloser(stringsReader(form.Encode()))
	res, err = http.DefaultClient.Do(treq)
	require.NoError(t, err)
	var tok struct {
		IDToken string `json:"id_token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
	res.Body.Close()
	_, cl := jwtParts(t, tok.IDToken)
	assert.Equal(t, e.provider.Issuer(), cl["iss"])

	_, err = oidc.New(oidc.Config{Accounts: e.svc, Clients: testClients()})
	require.ErrorContains(t, err, "Issuer is required")
	_, err = oidc.New(oidc.Config{Accounts: e.svc, Clients: testClients(), Issuer: "http://0.0.0.0:8080"})
	require.ErrorContains(t, err, "wildcard")
}

// TestDiscoveryDescribesProvider (defect 6): discovery lists what is served, and its
// claims_supported are exactly the claims the ID token and userinfo return.
func TestDiscoveryDescribesProvider(t *testing.T) {
	e := newEnv(t)
	res, err := http.Get(e.srv.URL + "/.well-known/openid-configuration")
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&raw))
	res.Body.Close()
	list := func(k string) []string {
		var out []string
		for _, v := range raw[k].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	assert.Equal(t, []string{"LoA1", "LoA2"}, list("acr_values_supported"))
	assert.Equal(t, []string{"openid", "profile", "offline_access"}, list("scopes_supported"))
	assert.Equal(t, []string{"code"}, list("response_types_supported"))
	assert.Equal(t, []string{"authorization_code", "refresh_token"}, list("grant_types_supported"))
	assert.Equal(t, []string{"S256"}, list("code_challenge_methods_supported"))
	assert.Equal(t, []string{"RS256", "ES256"}, list("id_token_signing_alg_values_supported"))
	assert.Equal(t, []string{"client_secret_basic", "client_secret_post", "none"}, list("token_endpoint_auth_methods_supported"))
	assert.NotContains(t, raw, "device_authorization_endpoint")

	f := e.codeFor(t, "bank", "bank-secret", oauth2.SetAuthURLParam("nonce", "n1"), oauth2.SetAuthURLParam("acr_values", "LoA2"))
	tok, err := f.exchange(t)
	require.NoError(t, err)
	_, idc := jwtParts(t, tok.Extra("id_token").(string))
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, e.srv.URL+"/oidc/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	ures, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var uc map[string]any
	require.NoError(t, json.NewDecoder(ures.Body).Decode(&uc))
	ures.Body.Close()
	returned := map[string]bool{}
	for k := range idc {
		returned[k] = true
	}
	for k := range uc {
		returned[k] = true
	}
	var got []string
	for k := range returned {
		got = append(got, k)
	}
	sort.Strings(got)
	for _, c := range got {
		assert.Contains(t, list("claims_supported"), c, "a returned claim is listed")
	}
	for _, c := range list("claims_supported") {
		assert.True(t, slices.Contains(got, c), "claims_supported lists %s, which was not returned (returned: %v)", c, got)
	}
}
