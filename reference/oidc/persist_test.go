package oidc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/oidc"
)

// second starts another provider on e's store (a restart, or a second instance behind a load
// balancer) with the same issuer, on its own server; mod changes its Config.
func (e *env) second(t testing.TB, mod func(*oidc.Config)) *httptest.Server {
	t.Helper()
	cfg := oidc.Config{Accounts: e.svc, Clients: testClients(), Store: e.store, Issuer: e.provider.Issuer()}
	if mod != nil {
		mod(&cfg)
	}
	p, err := oidc.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(p.Mount(e.api))
	t.Cleanup(srv.Close)
	return srv
}

// TestStateSurvivesRestart (defects 2, 4, 8): a provider started on the same store keeps sub,
// the signing keys, access and refresh tokens, and completes a login the first one started.
func TestStateSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	f := e.codeFor(t, "bank", "bank-secret")
	tok, err := f.exchange(t)
	require.NoError(t, err)
	raw, _ := tok.Extra("id_token").(string)
	_, before := jwtParts(t, raw)

	other := e.second(t, nil)
	// The ID token verifies against the other instance's JWKS (the key survived).
	keys := gooidc.NewRemoteKeySet(ctx, other.URL+"/oidc/keys")
	_, err = keys.VerifySignature(ctx, raw)
	require.NoError(t, err)
	// The access token works at the other instance, and so does the refresh token.
	assert.Equal(t, http.StatusOK, userinfo(t, other.URL, tok.AccessToken).StatusCode)
	next, err := refresh(bankConf(other.URL, "bank", "bank-secret"), tok.RefreshToken)
	require.NoError(t, err)
	_, after := jwtParts(t, next.Extra("id_token").(string))
	assert.Equal(t, before["sub"], after["sub"], "sub is stable across instances")

	// A login started on the first instance completes on the second: the login page, the
	// callback and the code exchange all on the other one, the same browser cookie.
	c := browser(t)
	conf := bankConf(e.srv.URL, "bank", "bank-secret")
	authURL := conf.AuthCodeURL("st2", oauthS256(f.verifier)...)
	p := get(t, c, authURL)
	id := formID(t, p)
	e2 := &env{srv: other, svc: e.svc, sms: e.sms}
	p = postForm(t, c, other.URL+"/oidc/login", map[string][]string{"id": {id}, "citizen_id": {level2ID}, "password": {level2Password}})
	if p.location == "" {
		p = postForm(t, c, other.URL+"/oidc/login/otp", map[string][]string{"id": {id}, "otp": {e2.sms.otp(level2Phone)}, "action": {"verify"}})
	}
	require.Contains(t, p.location, "code=", p.body)
}

// TestSubjectStableAcrossRestart (defect 2): a new provider on the store without a
// SubjectKey gives the same sub.
func TestSubjectStableAcrossRestart(t *testing.T) {
	e := newEnv(t)
	subOf := func(base string) string {
		env := &env{srv: &httptest.Server{URL: base}, svc: e.svc, sms: e.sms}
		f := env.codeFor(t, "bank", "bank-secret")
		tok, err := f.exchange(t)
		require.NoError(t, err)
		_, cl := jwtParts(t, tok.Extra("id_token").(string))
		return cl["sub"].(string)
	}
	first := subOf(e.srv.URL)
	other := e.second(t, nil)
	assert.Equal(t, first, subOf(other.URL))
}

type jwks struct {
	Keys []struct {
		KID string `json:"kid"`
		Alg string `json:"alg"`
		Kty string `json:"kty"`
	} `json:"keys"`
}

func keySet(t testing.TB, base string) jwks {
	t.Helper()
	res, err := http.Get(base + "/oidc/keys")
	require.NoError(t, err)
	defer res.Body.Close()
	var k jwks
	require.NoError(t, json.NewDecoder(res.Body).Decode(&k))
	return k
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestKeyRotation (defect 4, scope 2): RotateKey makes new active keys; tokens signed before
// still verify for KeyOverlap, then the old keys leave the JWKS. Both algorithms are listed.
func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Now()}
	e := newEnvWith(t, func(c *oidc.Config) { c.Now = clock.Now })
	k := keySet(t, e.srv.URL)
	require.Len(t, k.Keys, 2)
	algs := map[string]string{}
	for _, key := range k.Keys {
		algs[key.Alg] = key.KID
	}
	require.Contains(t, algs, "RS256")
	require.Contains(t, algs, "ES256")

	f := e.codeFor(t, "bank", "bank-secret")
	tok, err := f.exchange(t)
	require.NoError(t, err)
	oldRaw := tok.Extra("id_token").(string)
	h, _ := jwtParts(t, oldRaw)
	assert.Equal(t, algs["RS256"], h["kid"])

	made, err := e.provider.RotateKey(ctx)
	require.NoError(t, err)
	require.Len(t, made, 2)
	assert.Len(t, keySet(t, e.srv.URL).Keys, 4, "old and new keys during the overlap")
	_, err = gooidc.NewRemoteKeySet(ctx, e.srv.URL+"/oidc/keys").VerifySignature(ctx, oldRaw)
	require.NoError(t, err, "a token signed before the rotation still verifies")

	f = e.codeFor(t, "bank", "bank-secret")
	tok, err = f.exchange(t)
	require.NoError(t, err)
	h, _ = jwtParts(t, tok.Extra("id_token").(string))
	assert.Contains(t, made, h["kid"], "new tokens are signed with the new key")

	clock.Add(oidc.KeyOverlap + time.Minute)
	k = keySet(t, e.srv.URL)
	require.Len(t, k.Keys, 2, "after the overlap only the new keys are left")
	for _, key := range k.Keys {
		assert.Contains(t, made, key.KID)
	}
}

// TestES256Client (scope 3): a client registered with ES256 gets ES256 ID tokens, which a
// relying-party library verifies; RS256 stays the default.
func TestES256Client(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, oidc.ClientConfig{ID: "ec-bank", Secret: "ec-secret", RedirectURIs: []string{rpCallback}, IDTokenAlg: "ES256"})
	prov, err := gooidc.NewProvider(ctx, e.srv.URL)
	require.NoError(t, err)
	for _, tc := range []struct{ client, secret, alg string }{{"ec-bank", "ec-secret", "ES256"}, {"bank", "bank-secret", "RS256"}} {
		t.Run(tc.alg, func(t *testing.T) {
			f := e.codeFor(t, tc.client, tc.secret)
			tok, err := f.exchange(t)
			require.NoError(t, err)
			raw := tok.Extra("id_token").(string)
			h, _ := jwtParts(t, raw)
			assert.Equal(t, tc.alg, h["alg"])
			_, err = prov.Verifier(&gooidc.Config{ClientID: tc.client, SupportedSigningAlgs: []string{"RS256", "ES256"}}).Verify(ctx, raw)
			require.NoError(t, err)
		})
	}
	// RFC 6749 §2.3.1: a client id sent form-urlencoded in Basic ("ec%2Dbank", as
	// openid-client sends it) is the same client, and gets its own algorithm.
	t.Run("form-urlencoded Basic", func(t *testing.T) {
		f := e.codeFor(t, "ec-bank", "ec-secret")
		res := postToken(t, e.srv.URL, url.Values{"grant_type": {"authorization_code"}, "code": {f.code},
			"redirect_uri": {rpCallback}, "code_verifier": {f.verifier}}, "ec%2Dbank", "ec%2Dsecret")
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var body struct {
			IDToken string `json:"id_token"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		h, _ := jwtParts(t, body.IDToken)
		assert.Equal(t, "ES256", h["alg"])
	})
}
