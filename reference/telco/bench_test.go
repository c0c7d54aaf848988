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

// BenchmarkLongPoll measures the virtual user's round trip under the system clock: 256
// goroutines each send an OTP to their own number and long-poll its inbox until it arrives.
// Every carrier's latency is a constant 1 ms, so the figure is the machinery's (timers,
// wake-ups, Advance) more than the latency's.
func BenchmarkLongPoll(b *testing.B) {
	const users = 256
	w := newWorld()
	phones := w.numbers("097", users, "4g")
	cfg := FastConfig()
	cfg.Carriers = map[string]CarrierConfig{} // every carrier on Default
	cfg.Default = CarrierConfig{Latency: Latency{P50: time.Millisecond}}
	s := New(cfg, w, reference.SystemClock{}, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var next atomic.Int64
	errc := make(chan error, users)
	b.ResetTimer()
	for _, p := range phones {
		go func() {
			var after int64
			for next.Add(1) <= int64(b.N) {
				if err := s.Send(ctx, otp(p, "123456")); err != nil {
					errc <- err
					return
				}
				for {
					msgs, err := s.Messages(ctx, p, after, 10*time.Second)
					if err != nil {
						errc <- err
						return
					}
					if len(msgs) > 0 {
						after = msgs[len(msgs)-1].ID
						break
					}
				}
			}
			errc <- nil
		}()
	}
	for range users {
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
