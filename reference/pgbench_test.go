package reference_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/pgstore"
	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
	"github.com/eidsim/eidsim/reference/sqlite"
)

// BenchmarkImportStores imports one generated population of EIDSIM_BENCH_IMPORT_N citizens
// (default 100,000, fast hasher) into SQLite and into PostgreSQL (a private cluster with
// PostgreSQL's default durability: fsync and synchronous_commit on) side by side, a fresh
// database per iteration, and reports citizens/s for each:
//
//	go test -run '^$' -bench ImportStores -benchtime 1x ./reference/
func BenchmarkImportStores(b *testing.B) {
	n := 100000
	if v := os.Getenv("EIDSIM_BENCH_IMPORT_N"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(b, err)
	}
	dir := b.TempDir()
	path := writePopulation(b, dir, n, 1)
	if _, err := pgtest.BinDir(); err != nil {
		b.Skip(err)
	}
	cluster, err := pgtest.Start(context.Background(), pgtest.Options{Durable: true})
	require.NoError(b, err)
	b.Cleanup(func() { cluster.Stop() })
	stores := []struct {
		name string
		open func(i int) (reference.Store, func())
	}{
		{"sqlite", func(i int) (reference.Store, func()) {
			p := filepath.Join(dir, "bench-"+strconv.Itoa(i)+".db")
			st, err := sqlite.Open(context.Background(), p)
			require.NoError(b, err)
			return st, func() { st.Close(); os.Remove(p) }
		}},
		{"postgres", func(int) (reference.Store, func()) {
			u, err := cluster.CreateDatabase(context.Background())
			require.NoError(b, err)
			st, err := pgstore.Open(context.Background(), u, pgstore.Options{})
			require.NoError(b, err)
			return st, func() { st.Close() }
		}},
	}
	h, _ := reference.NewHasher(reference.HashFast)
	for _, sto := range stores {
		b.Run(sto.name, func(b *testing.B) {
			var citizens int64
			var secs float64
			for i := range b.N {
				b.StopTimer()
				st, done := sto.open(i)
				svc, err := reference.NewService(reference.Config{Store: st, Clock: reference.NewManualClock(fixtureTime),
					Hasher: h, Gateway: &recordingGateway{}, Seed: 42})
				require.NoError(b, err)
				b.StartTimer()
				stats, err := assemble.ImportFile(context.Background(), svc, path, reference.ImportOptions{})
				b.StopTimer()
				require.NoError(b, err)
				citizens += stats.Citizens
				secs += stats.Duration.Seconds()
				done()
				b.StartTimer()
			}
			b.ReportMetric(float64(citizens)/secs, "citizens/s")
		})
	}
}
