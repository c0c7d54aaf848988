package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
)

// BenchmarkSizing measures password logins per second (bound device: one store read, one
// hash verification, the lockout's two writes, a signed token) through HAProxy, for SQLite ×1
// and PostgreSQL ×1, ×2 and ×4 instances (one shared telco), with the fast and the argon2id
// hasher, one point after another in one run. PostgreSQL is a private cluster with its default
// durability (fsync, synchronous_commit on); the postgres-async points turn synchronous_commit
// off for the database, which is SQLite's durability here (WAL with synchronous=NORMAL: a power
// loss may take the last commits). With EIDSIM_SIZING_PROFILES=DIR every instance
// writes its CPU profile to DIR/HASH-POINT/instance-N.pprof (go tool pprof reads them). 16 closed-loop clients (one account each) log in
// for EIDSIM_SIZING_DURATION (default 4s) per point. Beside logins/s and latency it reports
// the CPU cores each part used (instances, postgres, telco, haproxy, the load generator) and
// the rest of the machine ("others": other work on a shared machine), from /proc:
//
//	go test -run '^$' -bench Sizing -benchtime 1x ./cmd/eidsim/
func BenchmarkSizing(b *testing.B) {
	haproxyBin(b)
	if _, err := pgtest.BinDir(); err != nil {
		b.Skip(err)
	}
	dur := 4 * time.Second
	if v := os.Getenv("EIDSIM_SIZING_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(b, err)
		dur = d
	}
	bin := clusterBin(b)
	pg, err := pgtest.Start(context.Background(), pgtest.Options{Durable: true})
	require.NoError(b, err)
	b.Cleanup(func() { pg.Stop() })
	type point struct {
		name  string
		pg    bool
		n     int
		async bool // synchronous_commit off: commits not flushed one by one (as SQLite's synchronous=NORMAL)
	}
	points := []point{{"sqlite-x1", false, 1, false}, {"postgres-x1", true, 1, false}, {"postgres-x2", true, 2, false},
		{"postgres-x4", true, 4, false}}
	for _, hash := range []string{"fast", "argon2id"} {
		ps := points
		if hash == "fast" {
			ps = append(ps, point{"postgres-async-x1", true, 1, true}, point{"postgres-async-x2", true, 2, true},
				point{"postgres-async-x4", true, 4, true})
		}
		for _, p := range ps {
			b.Run(hash+"/"+p.name, func(b *testing.B) {
				db := ""
				if p.pg {
					db, err = pg.CreateDatabase(context.Background())
					require.NoError(b, err)
				}
				if p.async {
					require.NoError(b, asyncCommit(db))
				}
				if db != "" {
					db += os.Getenv("EIDSIM_SIZING_DBPARAMS") // e.g. &pool_max_conns=16
				}
				var profiles string
				if dir := os.Getenv("EIDSIM_SIZING_PROFILES"); dir != "" {
					profiles = filepath.Join(dir, hash+"-"+p.name)
					require.NoError(b, os.MkdirAll(profiles, 0o755))
				}
				c := startClusterProfiled(b, bin, db, profiles, p.n, "--hash", hash)
				pgPid := 0
				if p.pg {
					pgPid = pg.Pid()
				}
				r := measureLogins(b, c, pgPid, dur)
				b.ReportMetric(r.rate, "logins/s")
				b.ReportMetric(r.p50, "p50-ms")
				b.ReportMetric(r.p95, "p95-ms")
				b.ReportMetric(float64(r.shed), "shed")
				for _, part := range []string{"instances", "postgres", "telco", "haproxy", "loadgen", "others"} {
					b.ReportMetric(r.cores[part], part+"-cores")
				}
			})
		}
	}
}

// asyncCommit sets synchronous_commit off for every later session on database url.
func asyncCommit(url string) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" SET synchronous_commit = off")
	return err
}

// loginResult is one sizing point.
type loginResult struct {
	rate, p50, p95 float64
	shed           int
	cores          map[string]float64
}

// measureLogins drives 16 closed-loop clients through the balancer for dur.
func measureLogins(b *testing.B, c *testCluster, pgPid int, dur time.Duration) loginResult {
	parts := func() map[string]time.Duration {
		m := map[string]time.Duration{"loadgen": selfCPU(), "haproxy": procCPU(c.lb.Process.Pid), "machine": machineBusy()}
		for _, in := range c.instances {
			m["instances"] += procCPU(in.cmd.Process.Pid)
		}
		if c.telco != nil {
			m["telco"] = procCPU(c.telco.cmd.Process.Pid)
		}
		if pgPid != 0 {
			m["postgres"] = treeCPU(pgPid)
		}
		return m
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var mu sync.Mutex
	var lat []float64
	var shed, failed int
	var wg sync.WaitGroup
	before, start := parts(), time.Now()
	for w := range 16 {
		id, pw, dev := fixtureAccount(41 + w)
		wg.Go(func() {
			hc := &http.Client{Timeout: 30 * time.Second}
			for ctx.Err() == nil {
				t0 := time.Now()
				code, _, err := call(context.Background(), hc, "POST", c.lbURL+"/v1/sessions",
					map[string]string{"citizen_id": id, "password": pw, "device_id": dev})
				ms := float64(time.Since(t0).Microseconds()) / 1000
				mu.Lock()
				switch {
				case err == nil && code == 201:
					lat = append(lat, ms)
				case err == nil && code == 503:
					shed++
				default:
					failed++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	after := parts()
	require.Zero(b, failed, "failed logins")
	slices.Sort(lat)
	r := loginResult{rate: float64(len(lat)) / secs, shed: shed, cores: map[string]float64{}}
	if len(lat) > 0 {
		r.p50, r.p95 = lat[len(lat)/2], lat[len(lat)*95/100]
	}
	ours := 0.0
	for k := range before {
		if k == "machine" {
			continue
		}
		r.cores[k] = (after[k] - before[k]).Seconds() / secs
		ours += r.cores[k]
	}
	r.cores["others"] = max(0, (after["machine"]-before["machine"]).Seconds()/secs-ours)
	b.Logf("%s", fmt.Sprintf("%.0f logins/s, p50 %.1f ms, p95 %.1f ms, shed %d, cores %v", r.rate, r.p50, r.p95, r.shed, r.cores))
	return r
}
