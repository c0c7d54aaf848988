package oidc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryState(t *testing.T) {
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	m := NewMemoryState()
	require.NoError(t, m.putRequest(&AuthRequest{ID: "r1", Created: t0}, t0))

	// A code is live for CodeTTL, then gone; a tampered code is never live.
	require.NoError(t, m.saveCode("r1", "c1", t0))
	_, err := m.requestByCode("c1", t0.Add(CodeTTL))
	require.NoError(t, err)
	_, err = m.requestByCode("c1", t0.Add(CodeTTL+time.Second))
	require.ErrorIs(t, err, errNotFound)
	require.NoError(t, m.updateRequest("r1", t0, func(r *AuthRequest) error { r.Tamper.ExpireCode = true; return nil }))
	_, err = m.requestByCode("c1", t0)
	require.ErrorIs(t, err, errNotFound)
	// Deleting the request (after the exchange) deletes its code.
	m.deleteRequest("r1")
	_, _, codes, _ := m.Size()
	assert.Zero(t, codes)

	// An authorization request expires after AuthRequestTTL.
	require.NoError(t, m.putRequest(&AuthRequest{ID: "r2", Created: t0}, t0))
	_, err = m.request("r2", t0.Add(AuthRequestTTL+time.Second))
	require.ErrorIs(t, err, errNotFound)

	// A refresh token is good for one rotation.
	require.NoError(t, m.putToken(&accessToken{ID: "a1", ClientID: "bank", Subject: "s", Expires: t0.Add(time.Hour)}, t0))
	require.NoError(t, m.putRefresh(&refreshToken{Token: "rt1", ClientID: "bank", Subject: "s", AccessID: "a1", Expires: t0.Add(time.Hour)}, t0))
	require.NoError(t, m.rotateRefresh("rt1", &refreshToken{Token: "rt2", ClientID: "bank", Subject: "s", Expires: t0.Add(time.Hour)}, t0))
	require.ErrorIs(t, m.rotateRefresh("rt1", &refreshToken{Token: "rt3"}, t0), errNotFound)
	_, err = m.token("a1", t0)
	require.ErrorIs(t, err, errNotFound, "rotation ends the old access token")

	// Revocation is refused for another client's token, done for the owner's.
	assert.False(t, m.revoke("rt2", "portal"))
	assert.True(t, m.revoke("rt2", "bank"))
	_, err = m.refreshToken("rt2", t0)
	require.ErrorIs(t, err, errNotFound)

	// Sweeps drop expired entries.
	for i := range pruneEvery + 1 {
		require.NoError(t, m.putToken(&accessToken{ID: string(rune('A'+i%26)) + time.Duration(i).String(), Expires: t0.Add(time.Minute)}, t0))
	}
	require.NoError(t, m.putToken(&accessToken{ID: "late", Expires: t0.Add(time.Hour)}, t0))
	_, _, tokens, _ := m.Size()
	require.Greater(t, tokens, pruneEvery)
	for range pruneEvery {
		require.NoError(t, m.putRequest(&AuthRequest{ID: newID(), Created: t0.Add(2 * time.Minute)}, t0.Add(2*time.Minute)))
	}
	_, _, tokens, _ = m.Size()
	assert.Equal(t, 1, tokens, "only the unexpired token is left after a sweep")
}
