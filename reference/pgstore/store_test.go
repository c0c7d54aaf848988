package pgstore_test

import (
	"context"
	"testing"

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
