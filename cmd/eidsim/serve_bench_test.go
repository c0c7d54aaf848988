package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// benchAccounts are the fixture's level-1 accounts: citizens 41–56.
func benchAccounts() [][]byte {
	var out [][]byte
	for n := 41; n <= 56; n++ {
		g := 0
		if n%2 == 0 {
			g = 1
		}
		out = append(out, fmt.Appendf(nil, `{"citizen_id":"001%d90%06d","password":"Matkhau@%02d","device_id":"device-%02d"}`, g, n, n, n))
	}
	return out
}

// startBenchService starts the real service (SQLite in a temporary directory, the given
// hasher, no access log) on 127.0.0.1 and returns its URL.
func startBenchService(b *testing.B, hash string) string {
	b.Helper()
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	cfg, err := parseServe(commands["serve"], e, []string{"--population", servePopulation, "--data", b.TempDir(),
		"--addr", "127.0.0.1:0", "--hash", hash, "--sms", "fast", "--access-log=false", "--operator-token", "bench"})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := startService(context.Background(), e, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = svc.close() })
	return svc.http.URL()
}

// benchLogins runs full password logins on the bound device (a token issued each time) over
// HTTP keep-alive connections from 16 parallel clients per core and reports logins/s.
func benchLogins(b *testing.B, hash string) {
	benchLoginsOn(b, startBenchService(b, hash), 16)
}

// benchLoginsOn is benchLogins against the service at base, with parallelism × GOMAXPROCS
// clients.
func benchLoginsOn(b *testing.B, base string, parallelism int) {
	url := base + "/v1/sessions"
	bodies := benchAccounts()
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	var next atomic.Uint64
	b.SetParallelism(parallelism)
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := bodies[next.Add(1)%uint64(len(bodies))]
			res, err := hc.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				b.Errorf("login: status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time (user and system) this process has used. CPU time per operation
// is steadier than wall time on a machine shared with other work, so the benchmarks report
// both.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHTTPLoginFast is the HTTP+store ceiling of logins: the fast hasher, SQLite,
// keep-alive clients on 127.0.0.1.
func BenchmarkHTTPLoginFast(b *testing.B) { benchLogins(b, "fast") }

// BenchmarkHTTPLoginArgon2id is logins with the production hasher. Its logins/s over
// BenchmarkArgon2idVerify's hashes/s (or the inverse ratio of their cpu-ms/op) is how close
// the service comes to the hash's own limit.
func BenchmarkHTTPLoginArgon2id(b *testing.B) { benchLogins(b, "argon2id") }

// BenchmarkHTTPLoginArgon2idClients is BenchmarkHTTPLoginArgon2id at 2 to 64 concurrent
// clients (one service for all levels; a level below GOMAXPROCS runs GOMAXPROCS clients).
// Compare each level's logins/s and cpu-ms/op with BenchmarkArgon2idVerify's.
func BenchmarkHTTPLoginArgon2idClients(b *testing.B) {
	base := startBenchService(b, "argon2id")
	for _, clients := range []int{2, 4, 8, 16, 32, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			benchLoginsOn(b, base, max(1, clients/runtime.GOMAXPROCS(0)))
		})
	}
}

// BenchmarkArgon2idVerify is the bare password check of a login, on as many goroutines as
// BenchmarkHTTPLoginArgon2id's clients.
func BenchmarkArgon2idVerify(b *testing.B) {
	h, err := reference.NewHasher("argon2id")
	if err != nil {
		b.Fatal(err)
	}
	enc, err := h.Hash("Matkhau@41")
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(16)
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ok, err := h.Verify(enc, "Matkhau@41")
			if err != nil || !ok {
				b.Error("verify failed", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
}
