package telco

import (
	"context"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// Message is one SMS in a handset's inbox.
type Message struct {
	// ID orders deliveries: it grows with every message delivered by this network, so a reader
	// passes the last ID it saw as after.
	ID     int64  `json:"id"`
	Sender string `json:"sender"`
	Body   string `json:"body"`
	// Purpose is the flow that sent the message (registration, login, recovery, activation,
	// notice), so a reader can pick the OTP it waits for out of several.
	Purpose     string    `json:"purpose"`
	OTP         string    `json:"otp,omitempty"`
	DeliveredAt time.Time `json:"delivered_at"`
}

// Messages returns the messages with ID > after delivered so far to the number phone (read by
// whoever holds that SIM), oldest first, after advancing deliveries to the clock's now. When
// there are none and wait > 0 it long-polls: it returns as soon as one is delivered, or an
// empty slice when wait (real time) elapses; when ctx is done first it returns ctx's error.
// While waiting it wakes at the number's next due delivery attempt, so it needs no background
// goroutine under the system clock; under a ManualClock it wakes when Advance, run by whoever
// moves the clock, delivers to the number. The result is never nil when err is nil. A phone
// that is not a 10-digit national number is an invalid_input *reference.Error naming "phone".
func (s *Sim) Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]Message, error) {
	if !validPhone(phone) {
		return nil, reference.InvalidField("phone", "%q is not a 10-digit number starting with 0", phone)
	}
	var deadline time.Time
	if wait > 0 {
		deadline = time.Now().Add(wait)
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		s.Advance(ctx)
		s.mu.Lock()
		n := s.numbers[phone]
		if n != nil {
			if out := newer(n.inbox, after); len(out) > 0 {
				s.mu.Unlock()
				return out, nil
			}
		}
		left := time.Until(deadline)
		if wait <= 0 || left <= 0 {
			s.mu.Unlock()
			return []Message{}, nil
		}
		now := s.clock.Now()
		if n == nil {
			n = s.numberLocked(phone, now)
		}
		n.touched = maxTime(n.touched, now)
		if n.wake == nil {
			n.wake = make(chan struct{})
		}
		woken := n.wake
		for _, m := range n.pending {
			if d := m.due.Sub(now); d < left {
				left = max(d, time.Millisecond)
			}
		}
		s.mu.Unlock()

		if timer == nil {
			timer = time.NewTimer(left)
		} else {
			timer.Reset(left)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-woken:
		case <-timer.C:
		}
	}
}

// newer returns a copy of the messages with ID > after.
func newer(inbox []Message, after int64) []Message {
	for i, m := range inbox {
		if m.ID > after {
			return append([]Message(nil), inbox[i:]...)
		}
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
