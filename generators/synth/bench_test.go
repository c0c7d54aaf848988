package synth

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkGenerateJSONL measures citizens per second written to a JSONL file (Điện Biên,
// all CPUs), chunk by chunk as `eidsim generate --out` does.
func BenchmarkGenerateJSONL(b *testing.B) {
	pop := build(b, "dien-bien", 1, 50_000_000)
	path := filepath.Join(b.TempDir(), "pop.jsonl")
	f, err := os.Create(path)
	require.NoError(b, err)
	defer f.Close()
	w := f
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	b.ResetTimer()
	// b.N citizens from the start of a 50 M population.
	_, err = pop.Write(context.Background(), w, Options{Shard: 1, Shards: max(1, 50_000_000/max(b.N, 1))})
	require.NoError(b, err)
	b.StopTimer()
	st, _ := f.Stat()
	lo, hi := ShardRange(50_000_000, 1, max(1, 50_000_000/max(b.N, 1)))
	b.ReportMetric(float64(hi-lo)/b.Elapsed().Seconds(), "citizens/s")
	b.ReportMetric(float64(st.Size())/float64(hi-lo), "bytes/citizen")
	b.ReportMetric(float64(st.Size())/1e6/b.Elapsed().Seconds(), "MB/s")
	// CPU time (user+system, all threads, including the kernel's file writes) per citizen is
	// what a busy shared machine does not distort; 2 cores / this = the rate on an idle machine.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(hi-lo)*1e6, "cpu-µs/citizen")
}

// cpuSeconds returns the process's user+system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// BenchmarkGenerateDiscard is BenchmarkGenerateJSONL without the file: generation and
// encoding only, all CPUs.
func BenchmarkGenerateDiscard(b *testing.B) {
	pop := build(b, "dien-bien", 1, 50_000_000)
	shards := max(1, 50_000_000/max(b.N, 1))
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	b.ResetTimer()
	_, err := pop.Write(context.Background(), io.Discard, Options{Shard: 1, Shards: shards})
	require.NoError(b, err)
	b.StopTimer()
	lo, hi := ShardRange(50_000_000, 1, shards)
	b.ReportMetric(float64(hi-lo)/b.Elapsed().Seconds(), "citizens/s")
	b.ReportMetric((cpuSeconds()-cpu0)/float64(hi-lo)*1e6, "cpu-µs/citizen")
}

// BenchmarkCitizen measures generating and encoding one citizen on one goroutine.
func BenchmarkCitizen(b *testing.B) {
	pop := build(b, "dien-bien", 1, 10_000_000)
	g := newGen(pop)
	var c citizen
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		g.generate(int64(i%10_000_000), &c)
		buf = pop.appendJSON(buf[:0], &c)
	}
}
