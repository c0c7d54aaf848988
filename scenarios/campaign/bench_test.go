package campaign

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
)

// BenchmarkSimulateDienBien runs the Điện Biên campaign over 365 days on EIDSIM_BENCH_COUNT
// citizens (default 5,000; the full province is about 431,000 aged 14+) and reports
// citizen-days per second and heap bytes per citizen.
func BenchmarkSimulateDienBien(b *testing.B) {
	count := 5000
	if v := os.Getenv("EIDSIM_BENCH_COUNT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		count = n
	}
	c, err := Load("dien-bien-2023")
	if err != nil {
		b.Fatal(err)
	}
	c = c.Truncate(365)
	w, err := PrepareWorld(c, count, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(400)) // as the command does
	var before, after runtime.MemStats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&before)
		r, err := Run(context.Background(), c, w.Pop, w.Scale, 1, i)
		if err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		_ = r
	}
	b.StopTimer()
	cd := float64(len(w.Pop)) * float64(c.Days) * float64(b.N)
	b.ReportMetric(cd/b.Elapsed().Seconds(), "citizen-days/s")
	b.ReportMetric(float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/float64(len(w.Pop)), "heap-bytes/citizen")
}
