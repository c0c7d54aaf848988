package pgtest

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"
)

// One cluster per test binary, started by the first test that asks for it.

var (
	sharedMu  sync.Mutex
	shared    *Cluster
	sharedErr error
)

// Main runs the tests of m, then the cleanups, and stops the shared cluster, if one was
// started, before exiting. Call it from TestMain.
func Main(m *testing.M, cleanups ...func()) {
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	sharedMu.Lock()
	if shared != nil {
		shared.Stop()
	}
	sharedMu.Unlock()
	os.Exit(code)
}

// Shared returns the test binary's cluster, starting it on first use; it skips t when the
// binaries are missing (fails under CI).
func Shared(t testing.TB) *Cluster {
	t.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && sharedErr == nil {
		start := time.Now()
		shared, sharedErr = Start(context.Background(), Options{})
		if sharedErr == nil {
			t.Logf("pgtest: PostgreSQL started in %v on port %d", time.Since(start).Round(time.Millisecond), shared.port)
		}
	}
	if sharedErr != nil {
		if errors.Is(sharedErr, ErrNoBinaries) && os.Getenv("CI") == "" {
			t.Skipf("pgtest: %v", sharedErr)
		}
		t.Fatalf("pgtest: %v", sharedErr)
	}
	return shared
}

// URL returns the URL of a new empty database on the shared cluster, for t alone.
func URL(t testing.TB) string {
	t.Helper()
	u, err := Shared(t).CreateDatabase(context.Background())
	if err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	return u
}
