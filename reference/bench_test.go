package reference_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/sqlite"
)

// BenchmarkArgon2idHash is the bare argon2id hash rate (default cost) with GOMAXPROCS
// goroutines: the ceiling for password logins. Compare BenchmarkServiceLoginArgon2id with it
// in the same run.
func BenchmarkArgon2idHash(b *testing.B) {
	h, err := reference.NewHasher(reference.HashArgon2id)
	require.NoError(b, err)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Hash("Matkhau@2024"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func benchLogin(b *testing.B, hasher string) {
	h, err := reference.NewHasher(hasher)
	require.NoError(b, err)
	e := newEnv(b, func(c *reference.Config) { c.Hasher = h })
	req := reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := e.svc.Login(context.Background(), req)
			if err != nil || res.Token == nil {
				b.Errorf("login: %v", err)
				return
			}
		}
	})
}

// BenchmarkServiceLoginArgon2id is an in-process password login on the bound device with the
// default argon2id cost (a store read, one hash verification, a signed token).
func BenchmarkServiceLoginArgon2id(b *testing.B) { benchLogin(b, reference.HashArgon2id) }

// BenchmarkServiceLoginFast is the same login with the fast hasher: the service's own cost.
func BenchmarkServiceLoginFast(b *testing.B) { benchLogin(b, reference.HashFast) }

// BenchmarkArgon2idLoginVsHash interleaves a bare argon2id hash and an in-process login in
// every goroutine, so both see the same machine load (identical runs on a shared 2-core
// machine differ by far more than the difference sought), and reports the login rate as a
// fraction of the bare hash rate ("login/hash").
func BenchmarkArgon2idLoginVsHash(b *testing.B) {
	h, err := reference.NewHasher(reference.HashArgon2id)
	require.NoError(b, err)
	e := newEnv(b, func(c *reference.Config) { c.Hasher = h })
	req := reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"}
	var hashNs, loginNs atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			t0 := time.Now()
			if _, err := h.Hash(pwAn); err != nil {
				b.Error(err)
				return
			}
			t1 := time.Now()
			if res, err := e.svc.Login(context.Background(), req); err != nil || res.Token == nil {
				b.Errorf("login: %v", err)
				return
			}
			hashNs.Add(int64(t1.Sub(t0)))
			loginNs.Add(int64(time.Since(t1)))
		}
	})
	b.ReportMetric(float64(hashNs.Load())/float64(loginNs.Load()), "login/hash")
	b.ReportMetric(float64(hashNs.Load())/float64(b.N)/1e6, "hash-ms")
	b.ReportMetric(float64(loginNs.Load())/float64(b.N)/1e6, "login-ms")
}

// BenchmarkServiceMe checks an access token (signature, one store read).
func BenchmarkServiceMe(b *testing.B) {
	h, _ := reference.NewHasher(reference.HashFast)
	e := newEnv(b, func(c *reference.Config) { c.Hasher = h })
	res, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.svc.Me(context.Background(), res.Token.AccessToken); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkImport imports a generated population of EIDSIM_BENCH_IMPORT_N citizens (default
// 100,000) with the fast hasher into a fresh SQLite file per iteration and reports citizens/s
// and allocation per citizen. For the 1,000,000-citizen goal:
//
//	EIDSIM_BENCH_IMPORT_N=1000000 go test -run '^$' -bench Import -benchtime 1x ./reference/
//
// EIDSIM_BENCH_IMPORT_FILE=path imports that file instead (e.g. one from eidsim generate).
func BenchmarkImport(b *testing.B) {
	n := 100000
	if v := os.Getenv("EIDSIM_BENCH_IMPORT_N"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(b, err)
	}
	dir := b.TempDir()
	path := os.Getenv("EIDSIM_BENCH_IMPORT_FILE")
	if path == "" {
		path = writePopulation(b, dir, n, 1)
	}
	h, _ := reference.NewHasher(reference.HashFast)
	var ms0, ms1 runtime.MemStats
	var citizens int64
	var secs, cpu float64
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		st, err := sqlite.Open(context.Background(), filepath.Join(dir, "bench-"+strconv.Itoa(i)+".db"))
		require.NoError(b, err)
		e := newEnvOn(b, st, false, func(c *reference.Config) { c.Hasher = h })
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		cpu0 := cpuTime()
		b.StartTimer()
		stats, err := assemble.ImportFile(context.Background(), e.svc, path, reference.ImportOptions{})
		b.StopTimer()
		cpu += cpuTime() - cpu0
		runtime.ReadMemStats(&ms1)
		require.NoError(b, err)
		citizens += stats.Citizens
		secs += stats.Duration.Seconds()
		st.Close()
		os.Remove(filepath.Join(dir, "bench-"+strconv.Itoa(i)+".db"))
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(citizens)/secs, "citizens/s")
	// CPU time per citizen (user+system, all threads) is what a busy shared machine does not
	// distort: with the reader and the writer on two cores, wall time ≈ the larger of the two.
	b.ReportMetric(cpu/float64(citizens)*1e6, "cpu-µs/citizen")
	per := float64(citizens) / float64(b.N)
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/per, "B/citizen")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/per, "allocs/citizen")
	b.ReportMetric(float64(ms1.HeapInuse)/(1<<20), "heap-MiB")
}
