package oidc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/eidsim/eidsim/reference/oidc"
)

// BenchmarkLogin compares one login of a level-2 citizen through the code flow (authorize,
// login form, callback, token with PKCE, userinfo) on a browser bound before (its cookie
// rotating at each login) with one direct login on the app's bound device (POST /v1/sessions,
// GET /v1/me), on one in-process server per hasher (fast, argon2id), the ID token signed with
// RS256 or ES256 (one client each).
func BenchmarkLogin(b *testing.B) {
	for _, hash := range []string{"fast", "argon2id"} {
		e := newEnvHash(b, hash, nil, oidc.ClientConfig{ID: "bank-es", Secret: "bank-es-secret", RedirectURIs: []string{rpCallback}, IDTokenAlg: oidc.AlgES256})
		for _, alg := range []struct{ name, client, secret string }{{"RS256", "bank", "bank-secret"}, {"ES256", "bank-es", "bank-es-secret"}} {
			b.Run(hash+"/code_flow/"+alg.name, func(b *testing.B) {
				conf := oauth2.Config{ClientID: alg.client, ClientSecret: alg.secret, RedirectURL: rpCallback, Scopes: []string{"openid", "profile"},
					Endpoint: oauth2.Endpoint{AuthURL: e.srv.URL + "/oidc/authorize", TokenURL: e.srv.URL + "/oidc/token", AuthStyle: oauth2.AuthStyleInHeader}}
				u, _ := url.Parse(e.srv.URL + "/oidc/")
				c := browser(b)
				cookie, err := e.provider.TrustBrowser(context.Background(), level2ID)
				require.NoError(b, err)
				c.Jar.SetCookies(u, []*http.Cookie{cookie})
				for b.Loop() {
					pkce := oauth2.GenerateVerifier()
					q := e.login(b, c, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(pkce)), level2ID, level2Password, "no-otp-expected")
					tok, err := conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(pkce))
					require.NoError(b, err)
					req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/oidc/userinfo", nil)
					req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
					p := do(b, http.DefaultClient, req)
					require.Equal(b, http.StatusOK, p.status)
				}
			})
		}
		b.Run(hash+"/direct", func(b *testing.B) {
			body := `{"citizen_id":"` + level2ID + `","password":"` + level2Password + `","device_id":"` + level2Device + `"}`
			for b.Loop() {
				res, err := http.Post(e.srv.URL+"/v1/sessions", "application/json", strings.NewReader(body))
				require.NoError(b, err)
				var tok struct {
					AccessToken string `json:"access_token"`
				}
				require.NoError(b, json.NewDecoder(res.Body).Decode(&tok))
				res.Body.Close()
				require.Equal(b, http.StatusCreated, res.StatusCode)
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v1/me", nil)
				req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
				p := do(b, http.DefaultClient, req)
				require.Equal(b, http.StatusOK, p.status)
			}
		})
	}
}
