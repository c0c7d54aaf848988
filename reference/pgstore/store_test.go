package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/pgstore"
	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
	"github.com/eidsim/eidsim/reference/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// reopenable lets the conformance suite close the store and open the same database again.
type reopenable struct {
	*pgstore.Store
	t   *testing.T
	url string
}

func (r *reopenable) Reopen(ctx context.Context) (reference.Store, error) {
	if err := r.Store.Close(); err != nil {
		return nil, err
	}
	s, err := pgstore.Open(ctx, r.url, pgstore.Options{})
	if err != nil {
		return nil, err
	}
	r.t.Cleanup(func() { s.Close() })
	return s, nil
}

func open(t *testing.T) *reopenable {
	t.Helper()
	u := pgtest.URL(t)
	s, err := pgstore.Open(context.Background(), u, pgstore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return &reopenable{Store: s, t: t, url: u}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) reference.Store { return open(t) })
}

func TestProviderConformance(t *testing.T) {
	storetest.RunProvider(t, func(t *testing.T) reference.Store { return open(t) })
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	v1, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, v1)
	s2, err := pgstore.Open(ctx, s.url, pgstore.Options{})
	require.NoError(t, err)
	defer s2.Close()
	v2, err := s2.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, v1, v2)
}

// Reset empties the data and keeps the schema; LockImport excludes a second holder until
// the first unlocks.
func TestResetAndImportLock(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	require.NoError(t, s.Update(ctx, func(tx reference.Tx) error { return tx.PutKey("k", []byte("v")) }))
	require.NoError(t, s.Reset(ctx))
	require.NoError(t, s.View(ctx, func(tx reference.Tx) error {
		_, err := tx.Key("k")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		return nil
	}))
	v, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, v)

	other, err := pgstore.Open(ctx, s.url, pgstore.Options{})
	require.NoError(t, err)
	defer other.Close()
	unlock, err := s.LockImport(ctx)
	require.NoError(t, err)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = other.LockImport(short)
	require.Error(t, err, "a second importer waits while the first holds the lock")
	unlock()
	unlock2, err := other.LockImport(ctx)
	require.NoError(t, err)
	unlock2()
}

// A database in which a released migration was applied with other content is refused, and
// so is one with a migration this build does not know.
func TestMigrationsRefuseEditedOrNewer(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	_, err := s.Pool().Exec(ctx, "UPDATE schema_version SET sha256 = 'edited' WHERE version = 2")
	require.NoError(t, err)
	_, err = pgstore.Open(ctx, s.url, pgstore.Options{})
	assert.ErrorContains(t, err, "migration 0002_events.sql was applied with other content")

	s2 := open(t)
	_, err = s2.Pool().Exec(ctx, "INSERT INTO schema_version (version, name, sha256) VALUES (999, '0999_future.sql', 'x')")
	require.NoError(t, err)
	_, err = pgstore.Open(ctx, s2.url, pgstore.Options{})
	assert.ErrorContains(t, err, "migration 0999, which this build does not know")
}

// A statement PostgreSQL refused aborts the transaction even when fn swallows the error:
// Update returns it and nothing fn wrote is kept.
func TestSwallowedStatementErrorAborts(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	err := s.Update(ctx, func(tx reference.Tx) error {
		require.NoError(t, tx.PutKey("k", []byte("v")))
		bad := &reference.Citizen{ID: "001090000001", FullName: "nul\x00byte"}
		assert.Error(t, tx.PutCitizen(bad), "PostgreSQL refuses a NUL in text")
		return nil
	})
	require.Error(t, err)
	require.NoError(t, s.View(ctx, func(tx reference.Tx) error {
		_, err := tx.Key("k")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		return nil
	}))
	// The connection went back to the pool usable.
	require.NoError(t, s.Update(ctx, func(tx reference.Tx) error { return tx.PutKey("k", []byte("v")) }))
}
