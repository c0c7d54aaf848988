package pgstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/pgstore"
	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
)

// Instances opening one fresh database at once all succeed: each migration runs once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := pgstore.Open(ctx, u, pgstore.Options{})
			if err == nil {
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// Read-modify-writes from two instances (two pools on one database) never lose an update,
// and a count-then-insert limit holds across them: of 2×10 concurrent sends under a limit
// of 5 per phone, exactly 5 are recorded.
func TestTwoInstancesSerialise(t *testing.T) {
	ctx := context.Background()
	a := open(t)
	b, err := pgstore.Open(ctx, a.url, pgstore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	t0 := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	require.NoError(t, a.Update(ctx, func(tx reference.Tx) error {
		return tx.CreateChallenge(&reference.Challenge{ID: "ch", Phone: "0912345678", CreatedAt: t0, SentAt: t0, ExpiresAt: t0.Add(time.Hour)})
	}))
	const per = 10
	var wg sync.WaitGroup
	for _, s := range []*pgstore.Store{a.Store, b} {
		for range per {
			wg.Go(func() {
				assert.NoError(t, s.Update(ctx, func(tx reference.Tx) error {
					c, err := tx.Challenge("ch")
					if err != nil {
						return err
					}
					c.Attempts++
					return tx.UpdateChallenge(c)
				}))
				assert.NoError(t, s.Update(ctx, func(tx reference.Tx) error {
					n, err := tx.CountSends("0912345678", t0)
					if err != nil || n >= 5 {
						return err
					}
					return tx.AddSend("0912345678", t0, "ch")
				}))
			})
		}
	}
	wg.Wait()
	require.NoError(t, a.View(ctx, func(tx reference.Tx) error {
		c, err := tx.Challenge("ch")
		require.NoError(t, err)
		assert.Equal(t, 2*per, c.Attempts)
		n, err := tx.CountSends("0912345678", t0)
		require.NoError(t, err)
		assert.Equal(t, 5, n)
		return nil
	}))
	t.Logf("serialization retries: %d + %d", a.Retries(), b.Retries())
}
