package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/oidc"
)

// TestServe_VendorKit: `eidsim serve --clients FILE` serves the OpenID Connect provider beside
// the API (a go-oidc relying party logs a citizen in) and the fault control plane, whose
// journal records every change.
func TestServe_VendorKit(t *testing.T) {
	rs := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--operator-token", "T0K", "--clients", filepath.Join("..", "..", "reference", "oidc", "testdata", "clients.yaml"))
	ctx := context.Background()
	prov, err := gooidc.NewProvider(ctx, rs.url)
	require.NoError(t, err)
	conf := oauth2.Config{ClientID: "load-rp", ClientSecret: "load-secret", Endpoint: prov.Endpoint(),
		RedirectURL: "http://rp.invalid/callback", Scopes: []string{"openid", "profile"}}
	pkce := oauth2.GenerateVerifier()

	// The app's device id planted as the browser's cookie is not a browser binding: the
	// login asks for the OTP (read from the simulated handset).
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(rs.url + "/oidc/")
	jar.SetCookies(u, []*http.Cookie{{Name: oidc.DeviceCookie, Value: "device-57", Path: "/oidc/"}})
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == "rp.invalid" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	res, err := browser.Get(conf.AuthCodeURL("st", oauth2.S256ChallengeOption(pkce), oauth2.SetAuthURLParam("acr_values", "LoA2")))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(string(body))
	require.NotNil(t, m, string(body))
	res, err = browser.PostForm(rs.url+"/oidc/login", url.Values{"id": {m[1]}, "citizen_id": {"001090000057"}, "password": {"Matkhau@57"}})
	require.NoError(t, err)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	require.Contains(t, string(body), `id="otp"`, "a planted device id is a new browser")
	var after int64
	otp := (&client{tb: t, base: rs.url, http: http.DefaultClient, op: "T0K"}).otp("0961000057", &after)
	res, err = browser.PostForm(rs.url+"/oidc/login/otp", url.Values{"id": {m[1]}, "otp": {otp}, "action": {"verify"}})
	require.NoError(t, err)
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.NotEmpty(t, back.Query().Get("code"), back.String())
	tok, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(pkce))
	require.NoError(t, err)
	raw, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&gooidc.Config{ClientID: "load-rp"}).Verify(ctx, raw)
	require.NoError(t, err)
	var cl struct {
		CitizenID string `json:"citizen_id"`
		ACR       string `json:"acr"`
	}
	require.NoError(t, idt.Claims(&cl))
	assert.Equal(t, "001090000057", cl.CitizenID)
	assert.Equal(t, "LoA2", cl.ACR)

	// Faults: the provider made unavailable, then healed; both in the journal.
	r := faults.Remote{Target: rs.url, Token: "T0K"}
	require.NoError(t, r.Set(faults.Spec{ProviderUnavailable: true}, "test"))
	res, err = http.Get(rs.url + "/.well-known/openid-configuration")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.NoError(t, r.Set(faults.Spec{}, "heal"))
	res, err = http.DefaultClient.Do(bearerGet(t, rs.url+"/sim/faults", "T0K"))
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, 2, strings.Count(string(b), `"source"`), string(b))
	metrics, err := http.DefaultClient.Do(bearerGet(t, rs.url+"/metrics", "T0K"))
	require.NoError(t, err)
	mb, _ := io.ReadAll(metrics.Body)
	metrics.Body.Close()
	assert.Contains(t, string(mb), `eidsim_oidc_logins_total{outcome="code"} 1`)
	assert.Contains(t, string(mb), `eidsim_faults_injected_total{kind="provider_unavailable"} 1`)
}

// bearerGet is a GET of url with token as the bearer token.
func bearerGet(t *testing.T, url, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func TestServe_BadClientsFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "clients.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("clients: [{client_id: x}]\n"), 0o644))
	var stderr syncBuffer
	code := runEnv(context.Background(), &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }},
		[]string{"serve", "--population", servePopulation, "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--clients", bad})
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "--clients: "+bad+": clients[0]")
}
