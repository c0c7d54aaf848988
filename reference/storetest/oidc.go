package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// RunProvider is the conformance suite of reference.ProviderTx, the store extension that
// holds the OpenID Connect provider's state. newStore is as for Run; its stores' Tx must
// implement reference.ProviderTx. It checks put/get/replace, not-found errors, listing by
// kind in id order, deletion by family, by owner and by expiry, read-only views, atomicity,
// copies, a one-winner claim under concurrency and, when the store can be reopened,
// persistence.
func RunProvider(t *testing.T, newStore func(t *testing.T) reference.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, reference.Store)
	}{
		{"Records", testProviderRecords},
		{"Deletions", testProviderDeletions},
		{"ReadOnlyAndAtomic", testProviderReadOnlyAtomic},
		{"ConcurrentClaim", testProviderClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
	t.Run("Reopen", func(t *testing.T) {
		s := newStore(t)
		r, ok := s.(Reopener)
		if !ok {
			t.Skip("store cannot be reopened")
		}
		rec := record("key", "k1", "", "", t0.Add(time.Hour))
		providerUpdate(t, s, func(tx reference.ProviderTx) error { return tx.PutProviderRecord(rec) })
		s2, err := r.Reopen(context.Background())
		require.NoError(t, err)
		providerView(t, s2, func(tx reference.ProviderTx) error {
			got, err := tx.ProviderRecord("key", "k1")
			require.NoError(t, err)
			assert.Equal(t, rec, got)
			return nil
		})
	})
}

func record(kind, id, family, owner string, exp time.Time) *reference.ProviderRecord {
	return &reference.ProviderRecord{Kind: kind, ID: id, Family: family, Owner: owner,
		Data: []byte(`{"k":"` + kind + `","id":"` + id + `"}`), Expires: exp}
}

func providerTx(t *testing.T, tx reference.Tx) reference.ProviderTx {
	ptx, ok := tx.(reference.ProviderTx)
	require.True(t, ok, "the store's Tx %T does not implement reference.ProviderTx", tx)
	return ptx
}

func providerUpdate(t *testing.T, s reference.Store, fn func(reference.ProviderTx) error) {
	t.Helper()
	update(t, s, func(tx reference.Tx) error { return fn(providerTx(t, tx)) })
}

func providerView(t *testing.T, s reference.Store, fn func(reference.ProviderTx) error) {
	t.Helper()
	view(t, s, func(tx reference.Tx) error { return fn(providerTx(t, tx)) })
}

func testProviderRecords(t *testing.T, s reference.Store) {
	exp := t0.Add(time.Hour)
	providerView(t, s, func(tx reference.ProviderTx) error {
		_, err := tx.ProviderRecord("request", "r1")
		require.ErrorIs(t, err, reference.ErrNotFound)
		list, err := tx.ProviderRecords("request")
		require.NoError(t, err)
		assert.Empty(t, list)
		return nil
	})
	providerUpdate(t, s, func(tx reference.ProviderTx) error {
		require.NoError(t, tx.PutProviderRecord(record("request", "r2", "f1", "o1", exp)))
		require.NoError(t, tx.PutProviderRecord(record("request", "r1", "f1", "o1", exp)))
		require.NoError(t, tx.PutProviderRecord(record("code", "r1", "f1", "", exp)))
		require.ErrorIs(t, tx.DeleteProviderRecord("code", "nope"), reference.ErrNotFound)
		return nil
	})
	// Replace: every field changes; the same id of another kind is another record.
	repl := &reference.ProviderRecord{Kind: "request", ID: "r1", Family: "f2", Owner: "o2", Data: []byte("v2"), Expires: exp.Add(time.Minute)}
	providerUpdate(t, s, func(tx reference.ProviderTx) error { return tx.PutProviderRecord(repl) })
	providerView(t, s, func(tx reference.ProviderTx) error {
		got, err := tx.ProviderRecord("request", "r1")
		require.NoError(t, err)
		assert.Equal(t, repl, got)
		got.Data[0] = 'X' // a copy: the store is unchanged
		again, err := tx.ProviderRecord("request", "r1")
		require.NoError(t, err)
		assert.Equal(t, "v2", string(again.Data))
		code, err := tx.ProviderRecord("code", "r1")
		require.NoError(t, err)
		assert.Equal(t, record("code", "r1", "f1", "", exp), code)
		list, err := tx.ProviderRecords("request")
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, []string{"r1", "r2"}, []string{list[0].ID, list[1].ID})
		assert.Equal(t, exp.Add(time.Minute), list[0].Expires)
		return nil
	})
	providerUpdate(t, s, func(tx reference.ProviderTx) error { return tx.DeleteProviderRecord("request", "r1") })
	providerView(t, s, func(tx reference.ProviderTx) error {
		_, err := tx.ProviderRecord("request", "r1")
		require.ErrorIs(t, err, reference.ErrNotFound)
		_, err = tx.ProviderRecord("code", "r1")
		require.NoError(t, err)
		return nil
	})
}

func testProviderDeletions(t *testing.T, s reference.Store) {
	exp := t0.Add(time.Hour)
	providerUpdate(t, s, func(tx reference.ProviderTx) error {
		for _, r := range []*reference.ProviderRecord{
			record("access", "a1", "fam", "sub|bank", exp),
			record("refresh", "t1", "fam", "sub|bank", exp),
			record("code", "c1", "fam", "", exp),
			record("access", "a2", "other", "sub|bank", exp),
			record("refresh", "t2", "other", "sub|portal", exp),
			record("access", "a3", "", "", t0.Add(-time.Second)),
			record("browser", "b1", "", "sub|bank", t0),
		} {
			require.NoError(t, tx.PutProviderRecord(r))
		}
		return nil
	})
	count := func(kind string) int {
		n := 0
		providerView(t, s, func(tx reference.ProviderTx) error {
			list, err := tx.ProviderRecords(kind)
			n = len(list)
			return err
		})
		return n
	}
	var n int64
	providerUpdate(t, s, func(tx reference.ProviderTx) (err error) {
		if n, err = tx.DeleteProviderFamily(""); err == nil {
			assert.Zero(t, n, "family \"\" removes nothing")
			n, err = tx.DeleteProviderFamily("fam")
		}
		return err
	})
	assert.EqualValues(t, 3, n)
	assert.Equal(t, 2, count("access"))
	assert.Equal(t, 1, count("refresh"))
	assert.Zero(t, count("code"))

	providerUpdate(t, s, func(tx reference.ProviderTx) (err error) {
		if n, err = tx.DeleteProviderOwner("access", ""); err == nil {
			assert.Zero(t, n, "owner \"\" removes nothing")
			n, err = tx.DeleteProviderOwner("access", "sub|bank")
		}
		return err
	})
	assert.EqualValues(t, 1, n, "only the access token of that owner; the browser record of the same owner stays")
	assert.Equal(t, 1, count("browser"))
	assert.Equal(t, 1, count("refresh"))

	// Expiry: strictly before t; a record expiring at t stays.
	providerUpdate(t, s, func(tx reference.ProviderTx) (err error) {
		n, err = tx.DeleteExpiredProviderRecords(t0)
		return err
	})
	assert.EqualValues(t, 1, n)
	assert.Equal(t, 1, count("browser"))
	assert.Equal(t, 0, count("access"))
}

func testProviderReadOnlyAtomic(t *testing.T, s reference.Store) {
	exp := t0.Add(time.Hour)
	providerUpdate(t, s, func(tx reference.ProviderTx) error {
		return tx.PutProviderRecord(record("request", "keep", "f", "o", exp))
	})
	providerView(t, s, func(tx reference.ProviderTx) error {
		assert.ErrorIs(t, tx.PutProviderRecord(record("request", "r", "", "", exp)), reference.ErrReadOnly)
		assert.ErrorIs(t, tx.DeleteProviderRecord("request", "keep"), reference.ErrReadOnly)
		_, err := tx.DeleteProviderFamily("f")
		assert.ErrorIs(t, err, reference.ErrReadOnly)
		_, err = tx.DeleteProviderOwner("request", "o")
		assert.ErrorIs(t, err, reference.ErrReadOnly)
		_, err = tx.DeleteExpiredProviderRecords(exp.Add(time.Hour))
		assert.ErrorIs(t, err, reference.ErrReadOnly)
		return nil
	})
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx reference.Tx) error {
		ptx := providerTx(t, tx)
		require.NoError(t, ptx.PutProviderRecord(record("request", "new", "", "", exp)))
		require.NoError(t, ptx.PutProviderRecord(&reference.ProviderRecord{Kind: "request", ID: "keep", Data: []byte("changed"), Expires: exp}))
		_, err := ptx.DeleteProviderFamily("f")
		require.NoError(t, err)
		return boom
	})
	require.ErrorIs(t, err, boom)
	providerView(t, s, func(tx reference.ProviderTx) error {
		_, err := tx.ProviderRecord("request", "new")
		assert.ErrorIs(t, err, reference.ErrNotFound, "a failed Update leaves no record")
		got, err := tx.ProviderRecord("request", "keep")
		require.NoError(t, err)
		assert.Equal(t, record("request", "keep", "f", "o", exp), got, "a failed Update changes no record")
		return nil
	})
}

// testProviderClaim: N goroutines claim one code (read, check unused, mark used); one wins.
func testProviderClaim(t *testing.T, s reference.Store) {
	providerUpdate(t, s, func(tx reference.ProviderTx) error {
		return tx.PutProviderRecord(&reference.ProviderRecord{Kind: "code", ID: "c", Data: []byte("fresh"), Expires: t0.Add(time.Hour)})
	})
	errUsed := errors.New("used")
	var wg sync.WaitGroup
	results := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			results <- s.Update(context.Background(), func(tx reference.Tx) error {
				ptx := tx.(reference.ProviderTx)
				r, err := ptx.ProviderRecord("code", "c")
				if err != nil {
					return err
				}
				if string(r.Data) != "fresh" {
					return errUsed
				}
				r.Data = []byte("used")
				return ptx.PutProviderRecord(r)
			})
		})
	}
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, errUsed)
	}
	assert.Equal(t, 1, won)
}
