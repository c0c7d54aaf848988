package telco

import (
	"container/heap"
	"context"
	"math"
	"time"

	"github.com/eidsim/eidsim/reference"
)

var _ reference.Gateway = (*Sim)(nil)

// Send submits msg to the SMSC of the carrier of msg.To. It returns nil when the message is
// accepted (delivery is asynchronous; its outcome is a Receipt), or a *SubmitError wrapping
// ErrInvalidDestination, ErrOutage (an outage window covers now), ErrThrottled (the carrier's
// submit rate is exceeded) or ErrQueueFull; or ctx's error when ctx is already done.
func (s *Sim) Send(ctx context.Context, msg reference.SMS) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	phone := msg.To
	carrier := carrierOf(phone)
	if !validPhone(phone) {
		s.metrics.refused.WithLabelValues(carrier, "invalid_destination").Inc()
		return &SubmitError{Phone: phone, Carrier: carrier, Status: StatusInvalidDestination, Err: ErrInvalidDestination}
	}
	now := s.clock.Now()

	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counterLocked(carrier)
	if until := s.faults.OutageEnd(c.key, now); !until.IsZero() {
		c.RefusedOutage++
		c.mRefusedOutage.Inc()
		return &SubmitError{Phone: phone, Carrier: carrier, Status: StatusSubmitFailed, RetryAfter: until.Sub(now), Err: ErrOutage}
	}
	if len(s.queue) >= s.cfg.MaxPending {
		c.RefusedQueueFull++
		c.mRefusedQueue.Inc()
		return &SubmitError{Phone: phone, Carrier: carrier, Status: StatusQueueFull, Err: ErrQueueFull}
	}
	cf := s.faults.ForCarrier(c.key)
	route := s.cfg.route(c.key)
	rate := route.SubmitRate
	if cf.SubmitRate > 0 && (rate == 0 || cf.SubmitRate < rate) {
		rate = cf.SubmitRate
	}
	if rate > 0 {
		b := s.buckets[carrier]
		if b == nil {
			b = &bucket{tokens: math.Max(rate, 1), last: now}
			s.buckets[carrier] = b
		}
		if wait := b.take(rate, now); wait > 0 {
			c.Throttled++
			c.mThrottled.Inc()
			return &SubmitError{Phone: phone, Carrier: carrier, Status: StatusThrottled, RetryAfter: wait, Err: ErrThrottled}
		}
	}

	n := s.numberLocked(phone, now)
	key := messageKey(s.seed, phone, n.sends, now)
	n.sends++
	n.touched = now
	validity := s.cfg.Validity
	if msg.OTP != "" {
		validity = s.cfg.OTPMessageValidity
	}
	latency := route.Latency.Quantile(normal(key, streamLatency))
	if !cf.ExtraDelay.Zero() {
		latency += cf.ExtraDelay.Quantile(normal(key, streamExtraDelay))
	}
	s.nextID++
	m := &message{
		id:        s.nextID,
		phone:     phone,
		carrier:   carrier,
		sms:       msg,
		key:       key,
		submitted: now,
		expires:   now.Add(validity),
		lost:      cf.Loss > 0 && uniform(key, streamLoss) < cf.Loss,
	}
	m.due = minTime(now.Add(latency), m.expires)
	heap.Push(&s.queue, m)
	n.pending = append(n.pending, m)
	n.wakeLocked()
	if m.index == 0 {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	c.Submitted++
	c.Pending++
	c.mSubmitted.Inc()
	return nil
}

// bucket is a token bucket holding at most one second of submissions.
type bucket struct {
	tokens float64
	last   time.Time
}

// take refills the bucket up to now and takes one token; when none is left it returns how long
// until one is.
func (b *bucket) take(rate float64, now time.Time) time.Duration {
	if el := now.Sub(b.last); el > 0 {
		b.tokens = math.Min(math.Max(rate, 1), b.tokens+el.Seconds()*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
