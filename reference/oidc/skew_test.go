package oidc_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/eidsim/eidsim/reference/oidc"
)

// TestClockSkew: with an injected skew the ID token's times are those of a provider clock
// that far ahead (or behind), the validity window unchanged.
func TestClockSkew(t *testing.T) {
	for _, skew := range []time.Duration{0, 2 * time.Minute, -3 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			e := newEnvWith(t, func(c *oidc.Config) { c.Skew = func() time.Duration { return skew } })
			conf := oauth2.Config{ClientID: "bank", ClientSecret: "bank-secret", RedirectURL: rpCallback, Scopes: []string{"openid"},
				Endpoint: oauth2.Endpoint{AuthURL: e.srv.URL + "/oidc/authorize", TokenURL: e.srv.URL + "/oidc/token", AuthStyle: oauth2.AuthStyleInHeader}}
			pkce := oauth2.GenerateVerifier()
			q := e.login(t, browser(t), conf.AuthCodeURL("st", oauth2.S256ChallengeOption(pkce)), level2ID, level2Password, level2Phone)
			before := time.Now()
			tok, err := conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(pkce))
			require.NoError(t, err)
			raw, _ := tok.Extra("id_token").(string)
			parts := strings.Split(raw, ".")
			require.Len(t, parts, 3)
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			require.NoError(t, err)
			var cl struct{ Iat, Exp int64 }
			require.NoError(t, json.Unmarshal(payload, &cl))
			iat := time.Unix(cl.Iat, 0)
			assert.WithinDuration(t, before.Add(skew), iat, 5*time.Second)
			assert.Equal(t, int64(oidc.IDTokenTTL/time.Second), cl.Exp-cl.Iat)
		})
	}
}
