package oidc_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/eidsim/eidsim/reference/oidc"
)

// claims are the ID token claims a relying party reads.
type claims struct {
	Subject   string `json:"sub"`
	CitizenID string `json:"citizen_id"`
	Name      string `json:"name"`
	Birthdate string `json:"birthdate"`
	Level     int    `json:"level"`
	ACR       string `json:"acr"`
	Nonce     string `json:"nonce"`
}

// TestRelyingPartyLibrary completes logins against the provider with coreos/go-oidc and
// golang.org/x/oauth2, as a relying party written elsewhere would: discovery, authorization
// code with PKCE, ID token verification against the JWKS, userinfo, refresh, end session.
func TestRelyingPartyLibrary(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	prov, err := gooidc.NewProvider(ctx, e.srv.URL)
	require.NoError(t, err)
	var disc struct {
		EndSession string   `json:"end_session_endpoint"`
		Methods    []string `json:"code_challenge_methods_supported"`
	}
	require.NoError(t, prov.Claims(&disc))
	assert.Contains(t, disc.Methods, "S256")
	verifier := prov.Verifier(&gooidc.Config{ClientID: "bank"})

	tests := []struct {
		name              string
		acr               string
		citizen, password string
		phone, device     string
		wantLevel         int
		wantACR           string
		wantName          string
	}{
		{name: "LoA1, level-1 citizen on a new device (OTP)", acr: "LoA1", citizen: level1ID, password: level1Password, phone: level1Phone, wantLevel: 1, wantACR: "LoA1", wantName: "Trần Văn Minh"},
		{name: "LoA2, level-2 citizen on a bound browser", acr: "LoA2", citizen: level2ID, password: level2Password, phone: level2Phone, device: level2Device, wantLevel: 2, wantACR: "LoA2", wantName: "Trần Văn Sơn"},
		{name: "LoA1 asked, level-2 citizen reports LoA2", acr: "LoA1", citizen: level2ID, password: level2Password, phone: level2Phone, device: level2Device, wantLevel: 2, wantACR: "LoA2", wantName: "Trần Văn Sơn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conf := oauth2.Config{ClientID: "bank", ClientSecret: "bank-secret", Endpoint: prov.Endpoint(),
				RedirectURL: rpCallback, Scopes: []string{gooidc.ScopeOpenID, "profile", gooidc.ScopeOfflineAccess}}
			pkce := oauth2.GenerateVerifier()
			state, nonce := "st-"+tc.citizen, "n-"+tc.citizen
			authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(pkce), gooidc.Nonce(nonce),
				oauth2.SetAuthURLParam("acr_values", tc.acr))
			c := browser(t)
			if tc.device != "" { // a browser the citizen signed in with before
				u, _ := url.Parse(e.srv.URL + "/oidc/")
				cookie, err := e.provider.TrustBrowser(ctx, tc.citizen)
				require.NoError(t, err)
				c.Jar.SetCookies(u, []*http.Cookie{cookie})
			}
			q := e.login(t, c, authURL, tc.citizen, tc.password, tc.phone)
			require.Equal(t, state, q.Get("state"))
			require.NotEmpty(t, q.Get("code"), q.Encode())

			tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pkce))
			require.NoError(t, err)
			raw, _ := tok.Extra("id_token").(string)
			idt, err := verifier.Verify(ctx, raw)
			require.NoError(t, err)
			var cl claims
			require.NoError(t, idt.Claims(&cl))
			assert.Equal(t, nonce, cl.Nonce)
			assert.Equal(t, tc.citizen, cl.CitizenID)
			assert.Equal(t, tc.wantLevel, cl.Level)
			assert.Equal(t, tc.wantACR, cl.ACR)
			assert.Equal(t, tc.wantName, cl.Name)
			assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, cl.Birthdate)
			assert.NotEqual(t, tc.citizen, cl.Subject, "sub is a pseudonym, not the citizen ID")

			ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
			require.NoError(t, err)
			var uc claims
			require.NoError(t, ui.Claims(&uc))
			assert.Equal(t, cl.Subject, ui.Subject)
			assert.Equal(t, tc.citizen, uc.CitizenID)
			assert.Equal(t, tc.wantLevel, uc.Level)

			// Refresh rotates the refresh token; the refreshed ID token carries acr.
			require.NotEmpty(t, tok.RefreshToken)
			old := *tok
			old.Expiry = old.Expiry.Add(-24 * 3600e9)
			next, err := conf.TokenSource(ctx, &old).Token()
			require.NoError(t, err)
			assert.NotEqual(t, tok.RefreshToken, next.RefreshToken)
			raw2, _ := next.Extra("id_token").(string)
			idt2, err := verifier.Verify(ctx, raw2)
			require.NoError(t, err)
			var cl2 claims
			require.NoError(t, idt2.Claims(&cl2))
			assert.Equal(t, tc.wantACR, cl2.ACR, "refreshed ID token")
			assert.Equal(t, cl.Subject, cl2.Subject)
			_, err = prov.UserInfo(ctx, oauth2.StaticTokenSource(next))
			require.NoError(t, err)

			// End session: the tokens of the session stop working.
			res := get(t, browser(t), disc.EndSession+"?"+url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {"http://rp.example/bye"}, "client_id": {"bank"}}.Encode())
			require.Equal(t, "http://rp.example/bye", res.location, res.body)
			_, err = prov.UserInfo(ctx, oauth2.StaticTokenSource(next))
			require.Error(t, err)
		})
	}
}

// TestRefusalsReachTheRelyingParty: refusals come back to the redirect URI as OAuth errors
// with the state, so the relying party can show them.
func TestRefusalsReachTheRelyingParty(t *testing.T) {
	e := newEnv(t)
	authURL := func(client, acr string) string {
		v := url.Values{"response_type": {"code"}, "client_id": {client}, "redirect_uri": {rpCallback}, "scope": {"openid profile"},
			"state": {"s1"}, "nonce": {"n1"}, "acr_values": {acr}, "code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}
		return e.srv.URL + "/oidc/authorize?" + v.Encode()
	}
	t.Run("LoA2 asked of a level-1 account", func(t *testing.T) {
		q := e.login(t, browser(t), authURL("bank", "LoA2"), level1ID, level1Password, level1Phone)
		assert.Equal(t, oidc.ErrUnmetAuthenticationRequirements, q.Get("error"))
		assert.Contains(t, q.Get("error_description"), "level 1")
		assert.Equal(t, "s1", q.Get("state"))
		assert.Empty(t, q.Get("code"))
	})
	t.Run("the citizen cancels", func(t *testing.T) {
		c := browser(t)
		p := get(t, c, authURL("bank", "LoA1"))
		p = postForm(t, c, e.srv.URL+"/oidc/login", url.Values{"id": {formID(t, p)}, "action": {"cancel"}})
		u, err := url.Parse(p.location)
		require.NoError(t, err)
		assert.Equal(t, "access_denied", u.Query().Get("error"))
		assert.Equal(t, "s1", u.Query().Get("state"))
	})
	t.Run("wrong password stays on the page with 401", func(t *testing.T) {
		c := browser(t)
		p := get(t, c, authURL("bank", "LoA1"))
		p = postForm(t, c, e.srv.URL+"/oidc/login", url.Values{"id": {formID(t, p)}, "citizen_id": {level1ID}, "password": {"Wrong@123"}})
		assert.Equal(t, http.StatusUnauthorized, p.status)
		assert.Contains(t, p.body, `id="error"`)
		assert.Empty(t, p.location)
	})
	t.Run("a public client without PKCE is refused", func(t *testing.T) {
		v := url.Values{"response_type": {"code"}, "client_id": {"portal-spa"}, "redirect_uri": {rpCallback}, "scope": {"openid"}, "state": {"s2"}}
		p := get(t, browser(t), e.srv.URL+"/oidc/authorize?"+v.Encode())
		u, err := url.Parse(p.location)
		require.NoError(t, err)
		assert.Equal(t, "invalid_request", u.Query().Get("error"))
	})
	t.Run("injected provider error", func(t *testing.T) {
		c := browser(t)
		p := get(t, c, authURL("bank", "LoA1"))
		id := formID(t, p)
		require.NoError(t, e.provider.Tamper(id, oidc.Tamper{ProviderError: true}))
		p = postForm(t, c, e.srv.URL+"/oidc/login", url.Values{"id": {id}, "citizen_id": {level2ID}, "password": {level2Password}})
		if p.location == "" {
			p = postForm(t, c, e.srv.URL+"/oidc/login/otp", url.Values{"id": {id}, "otp": {e.sms.otp(level2Phone)}})
		}
		u, err := url.Parse(p.location)
		require.NoError(t, err)
		assert.Equal(t, "server_error", u.Query().Get("error"))
	})
}
