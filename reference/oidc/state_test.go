package oidc

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/memstore"
)

// TestState: the provider's state in a store: codes are good once and a replay revokes the
// tokens of the code; a refresh token is good for one rotation and its reuse revokes the
// family; revocation is per client; lifetimes hold.
func TestState(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	s := &state{store: memstore.New()}
	for _, id := range []string{"r0", "r1", "r2"} {
		require.NoError(t, s.putRequest(ctx, &AuthRequest{ID: id, Created: t0, ClientID: "bank"}, t0))
	}

	// A code is live for CodeTTL; a request gets one code; a tampered code is never live.
	require.NoError(t, s.saveCode(ctx, "r0", "c0", t0))
	require.ErrorIs(t, s.saveCode(ctx, "r0", "c0b", t0), errCallbackUsed)
	_, err := s.claimCode(ctx, "c0", t0.Add(CodeTTL+time.Second))
	require.ErrorIs(t, err, errNotFound)
	require.NoError(t, s.updateRequest(ctx, "r1", t0, func(r *AuthRequest) error { r.Tamper.ExpireCode = true; return nil }))
	require.NoError(t, s.saveCode(ctx, "r1", "c1", t0))
	_, err = s.claimCode(ctx, "c1", t0)
	require.ErrorIs(t, err, errNotFound)

	// The code is good once; tokens issued from it end when it is replayed.
	require.NoError(t, s.saveCode(ctx, "r2", "c2", t0))
	r, err := s.claimCode(ctx, "c2", t0.Add(CodeTTL))
	require.NoError(t, err)
	assert.Equal(t, "r2", r.ID)
	at := &accessToken{ID: "a1", ClientID: "bank", Subject: "s", Expires: t0.Add(time.Hour), Family: "r2"}
	rt := &refreshToken{Token: "rt1", ClientID: "bank", Subject: "s", AccessID: "a1", Expires: t0.Add(time.Hour), Family: "r2"}
	require.NoError(t, s.putTokens(ctx, at, rt, t0))
	_, err = s.claimCode(ctx, "c2", t0.Add(time.Second))
	require.ErrorIs(t, err, errReplay)
	_, err = s.token(ctx, "a1", t0)
	require.ErrorIs(t, err, errNotFound, "replaying the code revokes its access token")
	_, err = s.refreshToken(ctx, "rt1", t0)
	require.ErrorIs(t, err, errNotFound, "and its refresh token")

	// Refresh: one rotation; reusing the old token revokes the current one too.
	at = &accessToken{ID: "a2", ClientID: "bank", Subject: "s", Expires: t0.Add(time.Hour), Family: "f2"}
	rt = &refreshToken{Token: "rt2", ClientID: "bank", Subject: "s", AccessID: "a2", Expires: t0.Add(time.Hour), Family: "f2"}
	require.NoError(t, s.putTokens(ctx, at, rt, t0))
	at3 := &accessToken{ID: "a3", ClientID: "bank", Subject: "s", Expires: t0.Add(time.Hour)}
	rt3 := &refreshToken{Token: "rt3", ClientID: "bank", Subject: "s", AccessID: "a3", Expires: t0.Add(time.Hour)}
	require.NoError(t, s.rotateRefresh(ctx, "rt2", at3, rt3, t0))
	assert.Equal(t, "f2", rt3.Family, "the new token joins the family")
	_, err = s.token(ctx, "a2", t0)
	require.ErrorIs(t, err, errNotFound, "rotation ends the old access token")
	_, err = s.refreshToken(ctx, "rt3", t0)
	require.NoError(t, err)
	_, err = s.refreshToken(ctx, "rt2", t0)
	require.ErrorIs(t, err, errReplay)
	_, err = s.refreshToken(ctx, "rt3", t0)
	require.ErrorIs(t, err, errNotFound, "reuse of a rotated token revokes the current one")
	_, err = s.token(ctx, "a3", t0)
	require.ErrorIs(t, err, errNotFound)

	// Revocation is refused for another client's token, done for the owner's.
	require.NoError(t, s.putTokens(ctx, &accessToken{ID: "a4", ClientID: "bank", Subject: "s", Expires: t0.Add(time.Hour), Family: "f4"},
		&refreshToken{Token: "rt4", ClientID: "bank", Subject: "s", AccessID: "a4", Expires: t0.Add(time.Hour), Family: "f4"}, t0))
	ok, err := s.revoke(ctx, "rt4", "portal", t0)
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = s.revoke(ctx, "rt4", "bank", t0)
	require.NoError(t, err)
	assert.True(t, ok)
	_, err = s.token(ctx, "a4", t0)
	require.ErrorIs(t, err, errNotFound, "revoking a refresh token ends the access token of its grant")

	// Lifetimes: a request after AuthRequestTTL, a token after its expiry.
	_, err = s.request(ctx, "r1", t0.Add(AuthRequestTTL+time.Second))
	require.ErrorIs(t, err, errNotFound)
	require.NoError(t, s.putToken(ctx, &accessToken{ID: "a5", ClientID: "bank", Subject: "s", Expires: t0.Add(time.Minute)}, t0))
	_, err = s.token(ctx, "a5", t0.Add(time.Minute+time.Second))
	require.ErrorIs(t, err, errNotFound)
}
