package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// TestClusterOIDC: the OpenID Connect provider's state lives in the shared store, so a login
// hops instances at every step: authorization on A, password on B, OTP on A, the code
// exchanged on B, the ID token verified with the keys the balancer serves.
func TestClusterOIDC(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, HAProxy and three eidsim processes")
	}
	clients := filepath.Join("..", "..", "reference", "oidc", "testdata", "clients.yaml")
	c := startCluster(t, 2, "--clients", clients)
	a, b := c.instances[0].url, c.instances[1].url
	ctx := context.Background()
	prov, err := gooidc.NewProvider(ctx, c.lbURL)
	require.NoError(t, err)
	conf := oauth2.Config{ClientID: "load-rp", ClientSecret: "load-secret", Endpoint: prov.Endpoint(),
		RedirectURL: "http://rp.invalid/callback", Scopes: []string{"openid", "profile"}}
	on := func(base, u string) string { return strings.Replace(u, c.lbURL, base, 1) }
	pkce := oauth2.GenerateVerifier()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == "rp.invalid" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	res, err := browser.Get(on(a, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(pkce))))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(string(body))
	require.NotNil(t, m, string(body))
	res, err = browser.PostForm(b+"/oidc/login", url.Values{"id": {m[1]}, "citizen_id": {"001090000057"}, "password": {"Matkhau@57"}})
	require.NoError(t, err)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	require.Contains(t, string(body), `id="otp"`, "a new browser is asked for the OTP")
	var after int64
	otp := c.client(t, c.lbURL).otp("0961000057", &after)
	res, err = browser.PostForm(a+"/oidc/login/otp", url.Values{"id": {m[1]}, "otp": {otp}, "action": {"verify"}})
	require.NoError(t, err)
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.NotEmpty(t, back.Query().Get("code"), back.String())
	conf.Endpoint.TokenURL = on(b, conf.Endpoint.TokenURL)
	tok, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(pkce))
	require.NoError(t, err)
	raw, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&gooidc.Config{ClientID: "load-rp"}).Verify(ctx, raw)
	require.NoError(t, err)
	var cl struct {
		CitizenID string `json:"citizen_id"`
	}
	require.NoError(t, idt.Claims(&cl))
	assert.Equal(t, "001090000057", cl.CitizenID)
}
