package memstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/memstore"
	"github.com/eidsim/eidsim/reference/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) reference.Store { return memstore.New() })
}

func TestProviderConformance(t *testing.T) {
	storetest.RunProvider(t, func(t *testing.T) reference.Store { return memstore.New() })
}

// A failed Update that pruned challenges and changed an expiry leaves both as they were, and a
// later prune still finds them.
func TestRollbackKeepsExpiryIndex(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ch := &reference.Challenge{ID: "a", Purpose: reference.PurposeLogin, Phone: "0912345678", CreatedAt: t0, SentAt: t0,
		ExpiresAt: t0.Add(time.Minute)}
	require.NoError(t, s.Update(ctx, func(tx reference.Tx) error {
		require.NoError(t, tx.CreateChallenge(ch))
		return tx.AddSend(ch.Phone, t0, ch.ID)
	}))
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx reference.Tx) error {
		n, err := tx.DeleteExpiredChallenges(t0.Add(time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.NoError(t, s.Update(ctx, func(tx reference.Tx) error {
		k, err := tx.CountSends(ch.Phone, t0)
		require.NoError(t, err)
		assert.Equal(t, 1, k, "send record restored")
		n, err := tx.DeleteExpiredChallenges(t0.Add(time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 1, n, "challenge still found by the expiry index")
		return nil
	}))
}

// Extending an expiry moves the challenge in the index: a prune before the new expiry keeps it.
func TestExtendedExpiryNotPruned(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ch := &reference.Challenge{ID: "a", Phone: "0912345678", ExpiresAt: t0.Add(time.Minute)}
	require.NoError(t, s.Update(ctx, func(tx reference.Tx) error { return tx.CreateChallenge(ch) }))
	ch.ExpiresAt = t0.Add(time.Hour)
	require.NoError(t, s.Update(ctx, func(tx reference.Tx) error {
		require.NoError(t, tx.UpdateChallenge(ch))
		n, err := tx.DeleteExpiredChallenges(t0.Add(10 * time.Minute))
		require.NoError(t, err)
		assert.Zero(t, n)
		n, err = tx.DeleteExpiredChallenges(t0.Add(2 * time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		return nil
	}))
}
