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

// BenchmarkLogin compares one login of a level-2 citizen on the bound device through the code
// flow (authorize, login form, callback, token with PKCE, userinfo) with one direct login
// (POST /v1/sessions, GET /v1/me), on one in-process server with the fast hasher.
func BenchmarkLogin(b *testing.B) {
	e := newEnv(b)
	b.Run("code_flow", func(b *testing.B) {
		conf := oauth2.Config{ClientID: "bank", ClientSecret: "bank-secret", RedirectURL: rpCallback, Scopes: []string{"openid", "profile"},
			Endpoint: oauth2.Endpoint{AuthURL: e.srv.URL + "/oidc/authorize", TokenURL: e.srv.URL + "/oidc/token", AuthStyle: oauth2.AuthStyleInHeader}}
		u, _ := url.Parse(e.srv.URL + "/oidc/")
		for b.Loop() {
			c := browser(b)
			c.Jar.SetCookies(u, []*http.Cookie{{Name: oidc.DeviceCookie, Value: level2Device, Path: "/oidc/"}})
			pkce := oauth2.GenerateVerifier()
			q := e.login(b, c, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(pkce)), level2ID, level2Password, level2Phone)
			tok, err := conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(pkce))
			require.NoError(b, err)
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/oidc/userinfo", nil)
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			p := do(b, http.DefaultClient, req)
			require.Equal(b, http.StatusOK, p.status)
		}
	})
	b.Run("direct", func(b *testing.B) {
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
