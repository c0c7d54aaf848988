package oidc_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/eidsim/eidsim/reference/oidc"
)

// tamperedIDToken logs in at a client signing with alg, marks the code with kind and
// exchanges it through TestTokens, returning the ID token of the answer and the provider's
// key set.
func tamperedIDToken(t *testing.T, alg string, kind oidc.IDTokenTamper) (string, jose.JSONWebKeySet) {
	e := newEnv(t, oidc.ClientConfig{ID: "es-bank", Secret: "bank-secret", RedirectURIs: []string{rpCallback}, IDTokenAlg: "ES256"})
	tt := e.provider.NewTestTokens()
	clientID := map[string]string{"RS256": "bank", "ES256": "es-bank"}[alg]
	verifier := oauth2.GenerateVerifier()
	v := url.Values{"client_id": {clientID}, "redirect_uri": {rpCallback}, "response_type": {"code"}, "scope": {"openid profile"},
		"state": {"state-1"}, "nonce": {"nonce-1"}, "code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}}
	q := e.login(t, browser(t), e.srv.URL+"/oidc/authorize?"+v.Encode(), level1ID, level1Password, level1Phone)
	require.NoError(t, tt.Mark(q.Get("code"), kind))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {rpCallback},
		"code_verifier": {verifier}}
	req := httptest.NewRequest(http.MethodPost, e.srv.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, "bank-secret")
	rec := httptest.NewRecorder()
	tt.Wrap(e.provider).ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var tok struct {
		IDToken string `json:"id_token"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &tok))
	require.NotEmpty(t, tok.IDToken)

	res, err := http.Get(e.srv.URL + "/oidc/keys")
	require.NoError(t, err)
	defer res.Body.Close()
	var keys jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(res.Body).Decode(&keys))
	return tok.IDToken, keys
}

// verify checks the token's signature against the key set and returns its claims and
// algorithm.
func verify(t *testing.T, raw string, keys jose.JSONWebKeySet) (map[string]any, string, error) {
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.ES256})
	if err != nil {
		return nil, "", err
	}
	var lastErr error
	for _, k := range keys.Keys {
		payload, err := jws.Verify(k)
		if err != nil {
			lastErr = err
			continue
		}
		var claims map[string]any
		require.NoError(t, json.Unmarshal(payload, &claims))
		return claims, jws.Signatures[0].Header.Algorithm, nil
	}
	return nil, "", lastErr
}

// TestTestTokensSpoilOneThing checks each tamper kind at an RS256 and an ES256 client: the
// claim kinds keep a valid signature of the client's algorithm by a key of the JWKS (so a
// relying party that refuses them refuses for the claim), the signature kinds do not verify.
func TestTestTokensSpoilOneThing(t *testing.T) {
	tests := []struct {
		kind  oidc.IDTokenTamper
		check func(t *testing.T, claims map[string]any)
	}{
		{oidc.TamperIssuer, func(t *testing.T, c map[string]any) { assert.Equal(t, oidc.WrongIssuer, c["iss"]) }},
		{oidc.TamperAudience, func(t *testing.T, c map[string]any) {
			assert.Equal(t, []any{"another-relying-party"}, c["aud"])
			assert.NotContains(t, c, "azp")
		}},
		{oidc.TamperExpired, func(t *testing.T, c map[string]any) {
			assert.Less(t, c["exp"].(float64), float64(time.Now().Unix()))
		}},
		{oidc.TamperACRLoA1, func(t *testing.T, c map[string]any) { assert.Equal(t, "LoA1", c["acr"]) }},
		{oidc.TamperSignature, nil},
		{oidc.TamperAlgNone, nil},
	}
	for _, alg := range []string{"RS256", "ES256"} {
		for _, tc := range tests {
			t.Run(alg+"/"+string(tc.kind), func(t *testing.T) {
				raw, keys := tamperedIDToken(t, alg, tc.kind)
				claims, hdrAlg, err := verify(t, raw, keys)
				if tc.check == nil {
					assert.Error(t, err, "a %s token must not verify", tc.kind)
					return
				}
				require.NoError(t, err, "a %s token keeps a valid signature", tc.kind)
				assert.Equal(t, alg, hdrAlg, "signed with the client's algorithm")
				assert.Equal(t, "nonce-1", claims["nonce"])
				tc.check(t, claims)
			})
		}
	}
}

func TestTestTokensMark(t *testing.T) {
	tt := newEnv(t).provider.NewTestTokens()
	assert.ErrorContains(t, tt.Mark("c", "bogus"), "unknown ID-token tamper")
	assert.ErrorContains(t, tt.Mark("", oidc.TamperIssuer), "empty code")
	assert.NoError(t, tt.Mark("c", oidc.TamperIssuer))
}
