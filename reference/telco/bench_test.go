package telco

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// benchNumbers is the pool of numbers benchmarks send to.
func benchNumbers(w *fakeWorld, n int) []string {
	out := make([]string, 0, n)
	for _, prefix := range []string{"098", "090", "091", "092"} {
		out = append(out, w.numbers(prefix, n/4, "4g")...)
	}
	return out
}

// BenchmarkSend measures accepted submissions per second from parallel senders.
func BenchmarkSend(b *testing.B) {
	w := newWorld()
	phones := benchNumbers(w, 100_000)
	cfg := DefaultConfig()
	cfg.MaxPending = 1 << 30
	s := New(cfg, w, reference.NewManualClock(t0), 1)
	ctx := context.Background()
	var i atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := i.Add(1)
			if err := s.Send(ctx, otp(phones[k%int64(len(phones))], "123456")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSendDeliver measures the whole path per message: submit, then, every 10,000
// messages, one minute of clock time and an Advance that looks up the holder and delivers.
func BenchmarkSendDeliver(b *testing.B) {
	w := newWorld()
	phones := benchNumbers(w, 100_000)
	clock := reference.NewManualClock(t0)
	s := New(DefaultConfig(), w, clock, 1)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := s.Send(ctx, otp(phones[i%len(phones)], "123456")); err != nil {
			b.Fatal(err)
		}
		if i%10_000 == 9_999 {
			clock.Advance(time.Minute)
			s.Advance(ctx)
		}
	}
	clock.Advance(time.Hour)
	s.Advance(ctx)
	b.StopTimer()
	st := s.Stats()
	if st.Total.Delivered != int64(b.N) {
		b.Fatalf("delivered %d of %d", st.Total.Delivered, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
