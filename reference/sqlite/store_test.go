package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/sqlite"
	"github.com/eidsim/eidsim/reference/storetest"
)

// reopenable lets the conformance suite close a file store and open the same file again.
type reopenable struct {
	*sqlite.Store
	t    *testing.T
	path string
}

func (r *reopenable) Reopen(ctx context.Context) (reference.Store, error) {
	if err := r.Store.Close(); err != nil {
		return nil, err
	}
	s, err := sqlite.Open(ctx, r.path)
	if err != nil {
		return nil, err
	}
	r.t.Cleanup(func() { s.Close() })
	return s, nil
}

func openFile(t *testing.T) *reopenable {
	t.Helper()
	path := filepath.Join(t.TempDir(), "eid.db")
	s, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	r := &reopenable{Store: s, t: t, path: path}
	t.Cleanup(func() { r.Store.Close() })
	return r
}

func TestConformanceFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) reference.Store { return openFile(t) })
}

func TestConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) reference.Store {
		s, err := sqlite.Open(context.Background(), ":memory:")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestProviderConformance(t *testing.T) {
	storetest.RunProvider(t, func(t *testing.T) reference.Store { return openFile(t) })
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "odd ?#% name.db")
	s, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	v1, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Positive(t, v1)
	require.NoError(t, s.Close())
	s, err = sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	v2, err := s.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, v1, v2)
	assert.FileExists(t, path)
	assert.Equal(t, "sqlite:"+path, s.Name())
}

func TestPragmas(t *testing.T) {
	s := openFile(t)
	mode, sync, err := s.Pragmas(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "wal", mode)
	assert.Equal(t, 1, sync, "synchronous=NORMAL")
}
