package telco

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func otp(to, code string) reference.SMS {
	return reference.SMS{To: to, Sender: "VNeID", Body: "Ma OTP cua ban la " + code, OTP: code, Purpose: "registration"}
}

func notice(to string) reference.SMS {
	return reference.SMS{To: to, Sender: "VNeID", Body: "Tai khoan cua ban da duoc kich hoat", Purpose: "notice"}
}

func newSim(t testing.TB, cfg Config, seed uint64) (*Sim, *fakeWorld, *reference.ManualClock) {
	t.Helper()
	w := newWorld()
	clock := reference.NewManualClock(t0)
	return New(cfg, w, clock, seed), w, clock
}

// step moves the clock in steps of d until cond holds or limit is reached, advancing the
// simulator after each step; it reports whether cond held.
func step(ctx context.Context, s *Sim, clock *reference.ManualClock, d, limit time.Duration, cond func() bool) bool {
	for elapsed := time.Duration(0); elapsed <= limit; elapsed += d {
		s.Advance(ctx)
		if cond() {
			return true
		}
		clock.Advance(d)
	}
	return false
}

func TestDeliveryAfterLatency(t *testing.T) {
	ctx := context.Background()
	s, w, clock := newSim(t, DefaultConfig(), 7)
	w.set("0912345678", "C1", "4g")
	require.NoError(t, s.Send(ctx, otp("0912345678", "123456")))

	got, err := s.Messages(ctx, "0912345678", 0, 0)
	require.NoError(t, err)
	assert.Empty(t, got, "nothing is delivered at the submit instant")
	assert.Equal(t, int64(1), s.Stats().Total.Pending)

	var msgs []Message
	require.True(t, step(ctx, s, clock, 100*time.Millisecond, time.Minute, func() bool {
		msgs, _ = s.Messages(ctx, "0912345678", 0, 0)
		return len(msgs) > 0
	}))
	require.Len(t, msgs, 1)
	m := msgs[0]
	assert.Equal(t, "123456", m.OTP)
	assert.Equal(t, "VNeID", m.Sender)
	latency := m.DeliveredAt.Sub(t0)
	assert.Positive(t, latency)
	assert.False(t, m.DeliveredAt.After(clock.Now()), "delivered at its due time, not later")
	assert.Greater(t, clock.Now().Sub(m.DeliveredAt), -time.Nanosecond)
	assert.Less(t, clock.Now().Sub(m.DeliveredAt), 100*time.Millisecond, "delivered within one step of its due time")

	// The same submission replayed on a twin: not delivered an instant before the due time.
	twin, w2, clock2 := newSim(t, DefaultConfig(), 7)
	w2.set("0912345678", "C1", "4g")
	require.NoError(t, twin.Send(ctx, otp("0912345678", "123456")))
	clock2.Set(m.DeliveredAt.Add(-time.Nanosecond))
	got, err = twin.Messages(ctx, "0912345678", 0, 0)
	require.NoError(t, err)
	assert.Empty(t, got)
	clock2.Set(m.DeliveredAt)
	got, err = twin.Messages(ctx, "0912345678", 0, 0)
	require.NoError(t, err)
	assert.Equal(t, msgs, got)

	rs := s.Receipts(0)
	require.Len(t, rs, 1)
	assert.Equal(t, StatDelivered, rs[0].Status)
	assert.Equal(t, "000", rs[0].Err)
	assert.Equal(t, "VinaPhone", rs[0].Carrier)
	assert.Equal(t, 1, rs[0].Attempts)
	assert.Equal(t, t0, rs[0].Submitted)
	assert.Equal(t, m.DeliveredAt, rs[0].Done)
	st := s.Stats()
	assert.Equal(t, CarrierStats{Submitted: 1, Delivered: 1}, st.Carriers["VinaPhone"])
}

// TestLatencyDistribution checks the drawn latencies against each carrier's configured
// percentiles over many messages.
func TestLatencyDistribution(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	s, w, clock := newSim(t, cfg, 42)
	const n = 3000
	for _, tc := range []struct{ carrier, prefix string }{{"Viettel", "098"}, {"Gmobile", "099"}, {"MobiFone", "090"}} {
		for _, p := range w.numbers(tc.prefix, n, "4g") {
			require.NoError(t, s.Send(ctx, notice(p)))
		}
	}
	clock.Advance(time.Hour)
	byCarrier := map[string][]float64{}
	for _, r := range s.Receipts(0) {
		require.Equal(t, StatDelivered, r.Status)
		byCarrier[r.Carrier] = append(byCarrier[r.Carrier], r.Done.Sub(r.Submitted).Seconds())
	}
	for carrier, lat := range byCarrier {
		require.Len(t, lat, n, carrier)
		slices.Sort(lat)
		want := cfg.Carriers[carrier].Latency
		p50, p95 := lat[n/2], lat[n*95/100]
		assert.InEpsilon(t, want.P50.Seconds(), p50, 0.1, "%s p50", carrier)
		assert.InEpsilon(t, want.P95.Seconds(), p95, 0.15, "%s p95", carrier)
		assert.Less(t, lat[n*99/100], 30.0, "%s p99 under 30 s", carrier)
	}
}

func TestNoCoverageHoldsThenExpires(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		msg      reference.SMS
		validity time.Duration
	}{
		{"otp", otp("0981234567", "654321"), 10 * time.Minute},
		{"notice", notice("0981234567"), 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, w, clock := newSim(t, DefaultConfig(), 1)
			w.set("0981234567", "C1", "none")
			require.NoError(t, s.Send(ctx, tc.msg))

			clock.Set(t0.Add(tc.validity - time.Nanosecond))
			got, err := s.Messages(ctx, "0981234567", 0, 0)
			require.NoError(t, err)
			assert.Empty(t, got, "held while the holder has no coverage")
			assert.Empty(t, s.Receipts(0), "no receipt before the validity period ends")
			assert.Equal(t, int64(1), s.Stats().Total.Pending)

			clock.Set(t0.Add(tc.validity))
			rs := s.Receipts(0)
			require.Len(t, rs, 1)
			assert.Equal(t, StatExpired, rs[0].Status)
			assert.Equal(t, "027", rs[0].Err, "absent subscriber")
			assert.Equal(t, t0.Add(tc.validity), rs[0].Done)
			assert.Greater(t, rs[0].Attempts, 1, "retried while held")
			st := s.Stats().Carriers["Viettel"]
			assert.Equal(t, CarrierStats{Submitted: 1, Expired: 1}, st)

			w.set("0981234567", "C1", "4g")
			clock.Advance(time.Hour)
			got, err = s.Messages(ctx, "0981234567", 0, 0)
			require.NoError(t, err)
			assert.Empty(t, got, "an expired message is never delivered")
		})
	}
}

func TestDeliveryResumesWhenCoverageReturns(t *testing.T) {
	ctx := context.Background()
	s, w, clock := newSim(t, DefaultConfig(), 3)
	w.set("0901234567", "C1", "none")
	require.NoError(t, s.Send(ctx, otp("0901234567", "111222")))
	clock.Advance(3 * time.Minute)
	s.Advance(ctx)
	got, err := s.Messages(ctx, "0901234567", 0, 0)
	require.NoError(t, err)
	require.Empty(t, got)

	w.set("0901234567", "C1", "4g")
	var msgs []Message
	require.True(t, step(ctx, s, clock, 10*time.Second, 7*time.Minute, func() bool {
		msgs, _ = s.Messages(ctx, "0901234567", 0, 0)
		return len(msgs) > 0
	}), "delivered at a retry before the 10-minute validity ends")
	assert.Equal(t, "111222", msgs[0].OTP)
	assert.True(t, msgs[0].DeliveredAt.After(t0.Add(3*time.Minute)))
	rs := s.Receipts(0)
	require.Len(t, rs, 1)
	assert.Equal(t, StatDelivered, rs[0].Status)
	assert.Greater(t, rs[0].Attempts, 1)
}

func TestMessageGoesToWhoeverHoldsTheNumber(t *testing.T) {
	ctx := context.Background()
	s, w, clock := newSim(t, DefaultConfig(), 5)
	// Citizen A used to hold 0912000001 and now holds 0987000002; the old number was recycled
	// to B, who has coverage while A has none.
	w.set("0912000001", "B", "4g")
	w.set("0987000002", "A", "none")
	require.NoError(t, s.Send(ctx, otp("0912000001", "999000")))
	clock.Advance(time.Hour)

	got, err := s.Messages(ctx, "0912000001", 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 1, "the number's current holder reads it")
	assert.Equal(t, "999000", got[0].OTP)
	got, err = s.Messages(ctx, "0987000002", 0, 0)
	require.NoError(t, err)
	assert.Empty(t, got, "the former holder's new number gets nothing")
}

func TestUnknownNumberUndeliverable(t *testing.T) {
	ctx := context.Background()
	s, _, clock := newSim(t, DefaultConfig(), 5)
	require.NoError(t, s.Send(ctx, otp("0355555555", "000111")))
	clock.Advance(time.Minute)
	rs := s.Receipts(0)
	require.Len(t, rs, 1)
	assert.Equal(t, StatUndelivered, rs[0].Status)
	assert.Equal(t, "001", rs[0].Err)
}

func TestInvalidDestination(t *testing.T) {
	s, _, _ := newSim(t, DefaultConfig(), 5)
	for _, phone := range []string{"", "912345678", "09123456789", "+84912345678", "09123x5678", "1912345678"} {
		err := s.Send(context.Background(), otp(phone, "1"))
		require.ErrorIs(t, err, ErrInvalidDestination, phone)
		var se *SubmitError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, StatusInvalidDestination, se.Status)
		_, err = s.Messages(context.Background(), phone, 0, 0)
		assert.Equal(t, reference.EInvalidInput, reference.ErrorCode(err), phone)
	}
}

func TestWeakSignalRetries(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.WeakSignalFailure = 0.5
	s, w, clock := newSim(t, cfg, 9)
	phones := w.numbers("086", 400, "2g")
	for _, p := range phones {
		require.NoError(t, s.Send(ctx, notice(p)))
	}
	clock.Advance(3 * time.Hour)
	attempts := map[int]int{}
	for _, r := range s.Receipts(0) {
		require.Equal(t, StatDelivered, r.Status)
		attempts[r.Attempts]++
	}
	assert.InDelta(t, 200, attempts[1], 40, "about half delivered at the first attempt: %v", attempts)
	assert.InDelta(t, 100, attempts[2], 30, "about a quarter at the second: %v", attempts)
}

func TestInboxKeepsTheLatest(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.InboxSize = 3
	s, w, clock := newSim(t, cfg, 2)
	w.set("0987654321", "C", "4g")
	for i := range 5 {
		require.NoError(t, s.Send(ctx, otp("0987654321", string(rune('a'+i)))))
		clock.Advance(time.Minute)
		s.Advance(ctx)
	}
	got, err := s.Messages(ctx, "0987654321", 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"c", "d", "e"}, []string{got[0].OTP, got[1].OTP, got[2].OTP})
	after, err := s.Messages(ctx, "0987654321", got[1].ID, 0)
	require.NoError(t, err)
	require.Len(t, after, 1)
	assert.Equal(t, "e", after[0].OTP)
}

func TestRetentionDropsOldState(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.Retention = time.Hour
	s, w, clock := newSim(t, cfg, 2)
	w.set("0987654321", "C", "4g")
	require.NoError(t, s.Send(ctx, notice("0987654321")))
	clock.Advance(time.Minute)
	assert.Equal(t, 1, s.Stats().Numbers)
	clock.Advance(2 * time.Hour)
	assert.Equal(t, 0, s.Stats().Numbers)
	got, err := s.Messages(ctx, "0987654321", 0, 0)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestDeterminism(t *testing.T) {
	ctx := context.Background()
	run := func(seed uint64) []Receipt {
		s, w, clock := newSim(t, DefaultConfig(), seed)
		phones := w.numbers("097", 50, "4g")
		w.numbers("094", 50, "2g")
		for i, p := range phones {
			require.NoError(t, s.Send(ctx, otp(p, "1")))
			require.NoError(t, s.Send(ctx, otp(p, "2")), "a second message to the same number at the same instant")
			require.NoError(t, s.Send(ctx, notice("094"+p[3:])))
			clock.Advance(time.Duration(i) * time.Millisecond)
		}
		clock.Advance(time.Hour)
		return s.Receipts(0)
	}
	a, b, c := run(11), run(11), run(12)
	require.Len(t, a, 150)
	assert.Equal(t, a, b, "same seed, same deliveries")
	dones := func(rs []Receipt) []time.Time {
		out := make([]time.Time, len(rs))
		for i, r := range rs {
			out[i] = r.Done
		}
		return out
	}
	assert.NotEqual(t, dones(a), dones(c), "another seed, other delivery times")
	same := map[int64]time.Time{}
	for _, r := range a {
		same[r.MessageID] = r.Done
	}
	assert.NotEqual(t, same[1], same[2], "two messages to one number at one instant draw apart")
}

func TestLossFaultOnlyThatCarrier(t *testing.T) {
	ctx := context.Background()
	s, w, clock := newSim(t, DefaultConfig(), 4)
	require.NoError(t, s.SetFaults(Faults{Carriers: map[string]CarrierFaults{"Viettel": {Loss: 1}, "Mobi-Fone": {Loss: 0.3}}}))
	for _, prefix := range []string{"098", "090", "091"} {
		for _, p := range w.numbers(prefix, 200, "4g") {
			require.NoError(t, s.Send(ctx, notice(p)))
		}
	}
	clock.Advance(time.Hour)
	got := map[string]map[string]int{}
	for _, r := range s.Receipts(0) {
		if got[r.Carrier] == nil {
			got[r.Carrier] = map[string]int{}
		}
		got[r.Carrier][r.Status]++
		if r.Status == StatUndelivered {
			assert.Equal(t, "034", r.Err)
		}
	}
	assert.Equal(t, map[string]int{StatUndelivered: 200}, got["Viettel"])
	assert.Equal(t, map[string]int{StatDelivered: 200}, got["VinaPhone"])
	assert.InDelta(t, 60, got["MobiFone"][StatUndelivered], 20)
	assert.Equal(t, 200, got["MobiFone"][StatUndelivered]+got["MobiFone"][StatDelivered])
	st := s.Stats()
	assert.Equal(t, int64(200), st.Carriers["Viettel"].Undelivered)
	assert.Equal(t, int64(0), st.Total.Pending)
	for _, p := range []string{"0980000000", "0980000199"} {
		msgs, err := s.Messages(ctx, p, 0, 0)
		require.NoError(t, err)
		assert.Empty(t, msgs, "a lost message never reaches the handset")
	}
}

func TestExtraDelayFault(t *testing.T) {
	ctx := context.Background()
	s, w, clock := newSim(t, DefaultConfig(), 4)
	require.NoError(t, s.SetFaults(Faults{Carriers: map[string]CarrierFaults{"*": {ExtraDelay: Latency{P50: time.Minute, P95: 2 * time.Minute}}}}))
	for _, p := range w.numbers("091", 100, "4g") {
		require.NoError(t, s.Send(ctx, notice(p)))
	}
	clock.Advance(time.Hour)
	rs := s.Receipts(0)
	require.Len(t, rs, 100)
	var slow int
	for _, r := range rs {
		require.Equal(t, StatDelivered, r.Status)
		if r.Done.Sub(r.Submitted) > time.Minute {
			slow++
		}
	}
	assert.InDelta(t, 55, slow, 20, "about half are slower than the extra delay's median plus some")

	// A P50 alone is a constant delay, for one carrier only.
	require.NoError(t, s.SetFaults(Faults{Carriers: map[string]CarrierFaults{"vinaphone": {ExtraDelay: Latency{P50: 5 * time.Minute}}}}))
	submitted := clock.Now()
	require.NoError(t, s.Send(ctx, notice("0910000001")))
	require.NoError(t, s.Send(ctx, notice("0980000001")))
	w.set("0980000001", "C", "4g")
	clock.Advance(time.Hour)
	rs = s.Receipts(rs[len(rs)-1].Seq)
	require.Len(t, rs, 2)
	for _, r := range rs {
		require.Equal(t, StatDelivered, r.Status)
		if r.Carrier == "VinaPhone" {
			assert.Greater(t, r.Done.Sub(submitted), 5*time.Minute)
		} else {
			assert.Less(t, r.Done.Sub(submitted), time.Minute)
		}
	}
}

func TestOutageRefusesSubmits(t *testing.T) {
	ctx := context.Background()
	s, _, clock := newSim(t, DefaultConfig(), 4)
	require.NoError(t, s.SetFaults(Faults{Outages: []Outage{{Carrier: "VinaPhone", From: t0.Add(time.Minute), Until: t0.Add(11 * time.Minute)}}}))
	require.NoError(t, s.Send(ctx, otp("0912345678", "1")), "before the window")
	clock.Advance(time.Minute)
	err := s.Send(ctx, otp("0912345678", "2"))
	require.ErrorIs(t, err, ErrOutage)
	var se *SubmitError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 10*time.Minute, se.RetryAfter)
	assert.Equal(t, "VinaPhone", se.Carrier)
	require.NoError(t, s.Send(ctx, otp("0981234567", "3")), "another carrier is up")
	clock.Advance(10 * time.Minute)
	require.NoError(t, s.Send(ctx, otp("0912345678", "4")), "after the window")
	assert.Equal(t, int64(1), s.Stats().Carriers["VinaPhone"].RefusedOutage)
	assert.Equal(t, "VinaPhone", s.Faults().Outages[0].Carrier, "returned as set")
	require.ErrorIs(t, s.Send(canceled(), otp("0981234567", "5")), context.Canceled)
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestThrottle(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.Carriers[reference.CarrierViettel] = CarrierConfig{Latency: cfg.Carriers[reference.CarrierViettel].Latency, SubmitRate: 10}
	s, _, clock := newSim(t, cfg, 4)
	for i := range 10 {
		require.NoError(t, s.Send(ctx, otp("0981234567", "1")), "within the burst: %d", i)
	}
	err := s.Send(ctx, otp("0981234567", "1"))
	require.ErrorIs(t, err, ErrThrottled)
	var se *SubmitError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, StatusThrottled, se.Status)
	assert.Equal(t, 100*time.Millisecond, se.RetryAfter)
	require.NoError(t, s.Send(ctx, otp("0901234567", "1")), "another carrier is not limited")
	clock.Advance(100 * time.Millisecond)
	require.NoError(t, s.Send(ctx, otp("0981234567", "1")))
	require.ErrorIs(t, s.Send(ctx, otp("0981234567", "1")), ErrThrottled)

	// A fault lowers the rate further.
	require.NoError(t, s.SetFaults(Faults{Carriers: map[string]CarrierFaults{"mobifone": {SubmitRate: 1}}}))
	clock.Advance(time.Second)
	require.NoError(t, s.Send(ctx, otp("0901234567", "1")))
	require.ErrorIs(t, s.Send(ctx, otp("0901234567", "1")), ErrThrottled)
	assert.Equal(t, int64(2), s.Stats().Carriers["Viettel"].Throttled)
}

func TestQueueFull(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.MaxPending = 2
	s, w, clock := newSim(t, cfg, 4)
	w.set("0981234567", "C", "4g")
	require.NoError(t, s.Send(ctx, otp("0981234567", "1")))
	require.NoError(t, s.Send(ctx, otp("0981234567", "2")))
	require.ErrorIs(t, s.Send(ctx, otp("0981234567", "3")), ErrQueueFull)
	clock.Advance(time.Hour)
	s.Advance(ctx)
	require.NoError(t, s.Send(ctx, otp("0981234567", "4")), "room again once delivered")
}

func TestLongPollRealClock(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	w.set("0912345678", "C", "4g")
	s := New(FastConfig(), w, reference.SystemClock{}, 1)

	type result struct {
		msgs []Message
		err  error
	}
	done := make(chan result, 1)
	go func() {
		msgs, err := s.Messages(ctx, "0912345678", 0, 20*time.Second)
		done <- result{msgs, err}
	}()
	require.NoError(t, s.Send(ctx, otp("0912345678", "424242")))
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("long poll did not return")
	}
	require.NoError(t, r.err)
	require.Len(t, r.msgs, 1)
	assert.Equal(t, "424242", r.msgs[0].OTP)

	// Nothing newer: an empty answer after the wait, not an error.
	msgs, err := s.Messages(ctx, "0912345678", r.msgs[0].ID, 30*time.Millisecond)
	require.NoError(t, err)
	assert.NotNil(t, msgs)
	assert.Empty(t, msgs)

	// A cancelled request ends the poll with its error.
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = s.Messages(cctx, "0912345678", r.msgs[0].ID, 20*time.Second)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestLongPollWokenByAdvanceUnderManualClock(t *testing.T) {
	ctx := context.Background()
	s, w, clock := newSim(t, DefaultConfig(), 1)
	w.set("0912345678", "C", "4g")
	require.NoError(t, s.Send(ctx, otp("0912345678", "1")))
	done := make(chan []Message, 1)
	go func() {
		msgs, _ := s.Messages(ctx, "0912345678", 0, 20*time.Second)
		done <- msgs
	}()
	time.Sleep(10 * time.Millisecond)
	clock.Advance(time.Minute)
	s.Advance(ctx)
	select {
	case msgs := <-done:
		require.Len(t, msgs, 1)
	case <-time.After(30 * time.Second):
		t.Fatal("long poll not woken by the delivery")
	}
}

func TestRunDeliversWithoutPolls(t *testing.T) {
	w := newWorld()
	w.set("0912345678", "C", "4g")
	s := New(FastConfig(), w, reference.SystemClock{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	require.NoError(t, s.Send(ctx, otp("0912345678", "1")))
	deadline := time.Now().Add(20 * time.Second)
	for {
		s.mu.Lock()
		delivered := s.receipts.next > 1
		s.mu.Unlock()
		if delivered || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.Equal(t, int64(2), s.receipts.next, "Run delivered the message without anyone polling")
}

func TestConcurrentUse(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWorld()
	phones := w.numbers("033", 64, "4g")
	s := New(FastConfig(), w, reference.SystemClock{}, 1)
	go func() { _ = s.Run(ctx) }()
	errc := make(chan error, 8)
	for g := range 4 {
		go func() {
			var err error
			for i := range 200 {
				if err = s.Send(ctx, otp(phones[(g*200+i)%len(phones)], "1")); err != nil {
					break
				}
			}
			errc <- err
		}()
		go func() {
			var err error
			for i := range 50 {
				if _, err = s.Messages(ctx, phones[(g+i)%len(phones)], 0, time.Millisecond); err != nil {
					break
				}
				s.Stats()
				s.Receipts(int64(i))
				if err = s.SetFaults(Faults{Carriers: map[string]CarrierFaults{"*": {ExtraDelay: Latency{P50: time.Duration(i) * time.Millisecond}}}}); err != nil {
					break
				}
				s.Faults()
			}
			errc <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errc)
	}
	assert.Equal(t, int64(800), s.Stats().Total.Submitted)
}

func TestReceiptString(t *testing.T) {
	r := Receipt{MessageID: 42, Status: StatExpired, Err: "027",
		Submitted: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), Done: time.Date(2026, 3, 1, 8, 10, 0, 0, time.UTC)}
	assert.Equal(t, "id:0000000042 sub:001 dlvrd:000 submit date:2603010800 done date:2603010810 stat:EXPIRED err:027 text:", r.String())
	r.Status, r.Err = StatDelivered, "000"
	assert.Contains(t, r.String(), "dlvrd:001")
}

func TestReceiptRing(t *testing.T) {
	r := newRing(3)
	assert.Empty(t, r.since(0))
	for i := range 5 {
		r.add(Receipt{MessageID: int64(i + 1)})
	}
	seqs := func(rs []Receipt) []int64 {
		out := []int64{}
		for _, x := range rs {
			out = append(out, x.Seq)
		}
		return out
	}
	assert.Equal(t, []int64{3, 4, 5}, seqs(r.since(0)))
	assert.Equal(t, []int64{5}, seqs(r.since(4)))
	assert.Equal(t, []int64{}, seqs(r.since(5)))
	assert.Equal(t, []int64{}, seqs(r.since(9)))
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"default is valid", func(*Config) {}, ""},
		{"fast is valid", func(c *Config) { *c = FastConfig() }, ""},
		{"zero is valid", func(c *Config) { *c = Config{} }, ""},
		{"p95 below p50", func(c *Config) {
			c.Carriers["Viettel"] = CarrierConfig{Latency: Latency{P50: 5 * time.Second, P95: time.Second}}
		}, "carriers.Viettel.latency"},
		{"negative rate", func(c *Config) { c.Default.SubmitRate = -1 }, "default.submit_rate"},
		{"negative validity", func(c *Config) { c.Validity = -time.Second }, "validity"},
		{"retry range", func(c *Config) { c.MaxRetryInterval = time.Second }, "max_retry_interval"},
		{"weak signal", func(c *Config) { c.WeakSignalFailure = 1 }, "weak_signal_failure"},
		{"inbox", func(c *Config) { c.InboxSize = -1 }, "inbox_size"},
		{"empty name", func(c *Config) { c.Carriers[" "] = CarrierConfig{} }, "carriers"},
		{"same carrier twice", func(c *Config) { c.Carriers["viettel"] = CarrierConfig{} }, "carriers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.field+":")
			assert.Panics(t, func() { New(c, newWorld(), reference.SystemClock{}, 1) })
		})
	}
}

func TestFaultsValidate(t *testing.T) {
	s, _, _ := newSim(t, DefaultConfig(), 1)
	for _, tc := range []struct {
		name  string
		f     Faults
		field string
	}{
		{"zero", Faults{}, ""},
		{"loss over 1", Faults{Carriers: map[string]CarrierFaults{"viettel": {Loss: 1.5}}}, "carriers.viettel.loss"},
		{"loss NaN", Faults{Carriers: map[string]CarrierFaults{"viettel": {Loss: math.NaN()}}}, "carriers.viettel.loss"},
		{"delay", Faults{Carriers: map[string]CarrierFaults{"x": {ExtraDelay: Latency{P50: 2, P95: 1}}}}, "carriers.x.extra_delay"},
		{"rate", Faults{Carriers: map[string]CarrierFaults{"x": {SubmitRate: -2}}}, "carriers.x.submit_rate"},
		{"same carrier twice", Faults{Carriers: map[string]CarrierFaults{"Viettel": {}, "VIETTEL": {}}}, "carriers"},
		{"window", Faults{Outages: []Outage{{From: t0, Until: t0}}}, "outages[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.SetFaults(tc.f)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.field+":")
		})
	}
}

func TestCarrierOf(t *testing.T) {
	for phone, want := range map[string]string{
		"0981234567": "Viettel", "0321234567": "Viettel", "0701234567": "MobiFone", "0891234567": "MobiFone",
		"0881234567": "VinaPhone", "0521234567": "Vietnamobile", "0591234567": "Gmobile", "0871234567": "Itelecom",
		"0551234567": "Reddi", "0111234567": "unknown", "": "unknown", "098123456": "unknown",
	} {
		assert.Equal(t, want, carrierOf(phone), phone)
	}
}

func TestSubmitErrorMessage(t *testing.T) {
	err := error(&SubmitError{Phone: "0981234567", Carrier: "Viettel", Status: StatusThrottled, RetryAfter: time.Second, Err: ErrThrottled})
	assert.Equal(t, "telco: submit to 0981234567 (Viettel) refused: throttled (command_status 0x58), retry after 1s", err.Error())
	assert.True(t, errors.Is(err, ErrThrottled))
}
