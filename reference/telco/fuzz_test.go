package telco

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzSend submits arbitrary destinations: a valid number is accepted and ends in exactly one
// receipt; anything else is refused with ErrInvalidDestination; nothing panics.
func FuzzSend(f *testing.F) {
	for _, s := range []string{"0981234567", "0111111111", "", "09812345678", "+84981234567", "098123456\x00", "０９８１２３４５６７"} {
		f.Add(s, "123456")
	}
	f.Fuzz(func(t *testing.T, phone, code string) {
		s, w, clock := newSim(t, DefaultConfig(), 1)
		w.set("0981234567", "C", "4g")
		err := s.Send(context.Background(), otp(phone, code))
		if !validPhone(phone) {
			if !errors.Is(err, ErrInvalidDestination) {
				t.Fatalf("Send(%q) = %v, want ErrInvalidDestination", phone, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Send(%q) = %v", phone, err)
		}
		clock.Advance(time.Hour)
		if rs := s.Receipts(0); len(rs) != 1 || rs[0].Phone != phone {
			t.Fatalf("receipts after sending to %q: %+v", phone, rs)
		}
	})
}
