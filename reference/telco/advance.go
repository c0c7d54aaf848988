package telco

import (
	"container/heap"
	"context"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// SMPP 3.4 delivery receipt stat values this network produces.
const (
	StatDelivered   = "DELIVRD"
	StatExpired     = "EXPIRED"
	StatUndelivered = "UNDELIV"
)

// GSM MAP error causes carried in a receipt's err field (three decimal digits).
const (
	errNone              = "000"
	errUnknownSubscriber = "001" // the number is not in service
	errAbsentSubscriber  = "027" // no coverage: the handset did not answer paging
	errDeliveryFailure   = "032" // sm-DeliveryFailure: a weak-signal attempt failed
	errSystemFailure     = "034" // the SMSC lost the message, or the subscriber lookup failed
)

// batchSize bounds how many messages one round of Advance takes out of the queue.
const batchSize = 1024

// verdict is the result of one delivery attempt.
type verdict struct {
	stat  string // "" = retry later
	err   string
	cause string
}

// Advance performs every delivery attempt due at or before the clock's now, in (due time,
// message id) order, and returns how many attempts it made. Each attempt looks up the holder of
// the number through World (with ctx's values but not its cancellation, so an attempt is never
// half done). Attempts are bounded: every failed one is rescheduled strictly later and no later
// than the message's expiry.
func (s *Sim) Advance(ctx context.Context) int {
	ctx = context.WithoutCancel(ctx)
	now := s.clock.Now()
	// Fast path: nothing due and no pruning due, so no need to queue behind another Advance.
	s.mu.Lock()
	first := s.queue.peek()
	idle := (first == nil || first.due.After(now)) && now.Sub(s.lastPrune) < s.cfg.Retention/8
	s.mu.Unlock()
	if idle {
		return 0
	}
	s.advMu.Lock()
	defer s.advMu.Unlock()
	now = s.clock.Now()
	attempts := 0
	for {
		batch := s.popDue(now)
		if len(batch) == 0 {
			break
		}
		verdicts := make([]verdict, len(batch))
		handsets := map[string]handsetLookup{}
		for i, m := range batch {
			verdicts[i] = s.attempt(ctx, m, handsets)
		}
		s.apply(batch, verdicts)
		attempts += len(batch)
	}
	s.maybePrune(now)
	return attempts
}

// popDue takes up to batchSize due messages out of the queue.
func (s *Sim) popDue(now time.Time) []*message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var batch []*message
	for len(batch) < batchSize {
		m := s.queue.peek()
		if m == nil || m.due.After(now) {
			break
		}
		batch = append(batch, heap.Pop(&s.queue).(*message))
	}
	return batch
}

type handsetLookup struct {
	h   *reference.Handset
	err error
}

// attempt decides one delivery attempt of m at m.due.
func (s *Sim) attempt(ctx context.Context, m *message, handsets map[string]handsetLookup) verdict {
	if !m.due.Before(m.expires) {
		return verdict{stat: StatExpired, err: m.lastErr(), cause: "validity period ended"}
	}
	m.attempts++
	if m.lost {
		return verdict{stat: StatUndelivered, err: errSystemFailure, cause: "dropped by the SMSC (injected loss)"}
	}
	look, ok := handsets[m.phone]
	if !ok {
		h, err := s.world.Handset(ctx, m.phone)
		look = handsetLookup{h, err}
		handsets[m.phone] = look
	}
	switch {
	case look.err != nil && reference.ErrorCode(look.err) == reference.ENotFound:
		return verdict{stat: StatUndelivered, err: errUnknownSubscriber, cause: "number not in service"}
	case look.err != nil:
		return verdict{err: errSystemFailure, cause: "subscriber lookup failed: " + look.err.Error()}
	case look.h == nil:
		return verdict{stat: StatUndelivered, err: errUnknownSubscriber, cause: "number not in service"}
	}
	switch look.h.Coverage {
	case "none":
		return verdict{err: errAbsentSubscriber, cause: "absent subscriber (no coverage)"}
	case "2g":
		if uniform(m.key, streamAttempt+uint64(m.attempts)) < s.cfg.WeakSignalFailure {
			return verdict{err: errDeliveryFailure, cause: "delivery failure (weak 2G signal)"}
		}
	}
	return verdict{stat: StatDelivered, err: errNone}
}

// lastErr is the err of a message that expired: why its last attempt failed ("000" when its
// route was so slow that no attempt fell inside the validity period).
func (m *message) lastErr() string {
	if m.lastCause == "" {
		return errNone
	}
	return m.lastCause
}

// apply records the verdicts of a batch.
func (s *Sim) apply(batch []*message, verdicts []verdict) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range batch {
		v := verdicts[i]
		if v.stat == "" {
			m.lastCause = v.err
			m.due = minTime(m.due.Add(s.backoff(m.attempts)), m.expires)
			heap.Push(&s.queue, m)
			continue
		}
		n := s.numberLocked(m.phone, m.due)
		n.removePending(m)
		c := s.counterLocked(m.carrier)
		c.Pending--
		done := m.due
		switch v.stat {
		case StatDelivered:
			s.nextInbox++
			n.inbox = append(n.inbox, Message{ID: s.nextInbox, Sender: m.sms.Sender, Body: m.sms.Body, Purpose: m.sms.Purpose, OTP: m.sms.OTP, DeliveredAt: done})
			if over := len(n.inbox) - s.cfg.InboxSize; over > 0 {
				n.inbox = append(n.inbox[:0], n.inbox[over:]...)
			}
			if done.After(n.touched) {
				n.touched = done
			}
			n.wakeLocked()
			c.Delivered++
			c.mDelivered.Inc()
			c.mSeconds.Observe(done.Sub(m.submitted).Seconds())
		case StatExpired:
			done = m.expires
			c.Expired++
			c.mExpired.Inc()
		case StatUndelivered:
			c.Undelivered++
			c.mUndelivered.Inc()
		}
		s.receipts.add(Receipt{
			MessageID: m.id,
			Phone:     m.phone,
			Carrier:   m.carrier,
			Purpose:   m.sms.Purpose,
			Status:    v.stat,
			Err:       v.err,
			Cause:     v.cause,
			Attempts:  m.attempts,
			Submitted: m.submitted,
			Done:      done,
		})
	}
}

// backoff is the wait after the k-th failed attempt: RetryInterval doubling up to
// MaxRetryInterval.
func (s *Sim) backoff(k int) time.Duration {
	d := s.cfg.RetryInterval
	for i := 1; i < k && d < s.cfg.MaxRetryInterval; i++ {
		d *= 2
	}
	return min(d, s.cfg.MaxRetryInterval)
}

// maybePrune drops messages and idle numbers older than Retention, at most every eighth of
// Retention of clock time.
func (s *Sim) maybePrune(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastPrune) < s.cfg.Retention/8 {
		return
	}
	s.lastPrune = now
	horizon := now.Add(-s.cfg.Retention)
	for phone, n := range s.numbers {
		old := 0
		for old < len(n.inbox) && n.inbox[old].DeliveredAt.Before(horizon) {
			old++
		}
		if old > 0 {
			n.inbox = append([]Message(nil), n.inbox[old:]...)
		}
		if len(n.inbox) == 0 && len(n.pending) == 0 && n.wake == nil && n.touched.Before(horizon) {
			delete(s.numbers, phone)
		}
	}
}

// Run keeps deliveries, receipts and metrics current under a real clock: it calls Advance
// whenever the earliest pending message falls due (and at least once a minute), until ctx is
// done. It is not needed for correctness: Messages, Receipts and Stats advance on their own.
func (s *Sim) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		case <-s.kick:
		}
		s.Advance(ctx)
		wait := time.Minute
		s.mu.Lock()
		if m := s.queue.peek(); m != nil {
			wait = min(max(m.due.Sub(s.clock.Now()), time.Millisecond), time.Minute)
		}
		s.mu.Unlock()
		timer.Reset(wait)
	}
}
