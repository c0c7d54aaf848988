package oidc_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// flow is one code-flow login of the bank client by a browser, up to the code.
type flow struct {
	e        *env
	browser  *http.Client
	conf     oauth2.Config
	verifier string
	code     string
	state    string
}

func bankConf(base, client, secret string) oauth2.Config {
	return oauth2.Config{ClientID: client, ClientSecret: secret, RedirectURL: rpCallback,
		Scopes:   []string{"openid", "profile", "offline_access"},
		Endpoint: oauth2.Endpoint{AuthURL: base + "/oidc/authorize", TokenURL: base + "/oidc/token", AuthStyle: oauth2.AuthStyleInHeader}}
}

// codeFor logs the level-2 citizen in through client (secret "" for a public client) and
// returns the flow with its code. All flows of an env share one browser, so only the first
// asks for an OTP.
func (e *env) codeFor(t testing.TB, client, secret string, opts ...oauth2.AuthCodeOption) *flow {
	t.Helper()
	if e.web == nil {
		e.web = browser(t)
	}
	f := &flow{e: e, browser: e.web, conf: bankConf(e.srv.URL, client, secret), verifier: oauth2.GenerateVerifier(), state: "st-" + client}
	if secret == "" {
		f.conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	q := e.login(t, f.browser, f.conf.AuthCodeURL(f.state, append(opts, oauth2.S256ChallengeOption(f.verifier))...), level2ID, level2Password, level2Phone)
	require.NotEmpty(t, q.Get("code"), q.Encode())
	f.code = q.Get("code")
	return f
}

// exchange redeems the code.
func (f *flow) exchange(t testing.TB) (*oauth2.Token, error) {
	return f.conf.Exchange(context.Background(), f.code, oauth2.VerifierOption(f.verifier))
}

// refresh uses a refresh token once.
func refresh(conf oauth2.Config, rt string) (*oauth2.Token, error) {
	return conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
}

// userinfo calls the userinfo endpoint with an access token.
func userinfo(t testing.TB, base, access string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/oidc/userinfo", nil)
	require.NoError(t, err)
	if access != "" {
		req.Header.Set("Authorization", "Bearer "+access)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res
}

// postToken posts a raw token request.
func postToken(t testing.TB, base string, form url.Values, basicUser, basicPass string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/oidc/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(basicUser, basicPass)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return res
}

// jwtParts decodes a JWT's header and payload without checking it.
func jwtParts(t testing.TB, raw string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, dst))
	}
	return header, payload
}

// oauthS256 is the PKCE option of a verifier.
func oauthS256(verifier string) []oauth2.AuthCodeOption {
	return []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
