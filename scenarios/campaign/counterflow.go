package campaign

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// counterStep is a counter visit: the officer captures fingerprints and portrait and runs
// the counter flow.
func (s *sim) counterStep(ctx context.Context, ss *session) error {
	c := &s.cit[ss.idx]
	if ss.kind == kindEnrol {
		if c.phone == "" {
			s.fail(ss.idx, causeNoPhone, true)
			return nil
		}
		// The officer captures again (up to maxCaptures) while Enroll answers biometric_mismatch.
		var e *reference.Enrollment
		var err error
		for k := 0; k < maxCaptures; k++ {
			cp, cerr := s.svc.Capture(ctx, c.id)
			if cerr != nil {
				return cerr
			}
			e, err = s.svc.Enroll(ctx, reference.EnrollRequest{CitizenID: c.id, Phone: c.phone, StationID: "counter", Capture: cp})
			if code(err) != reference.EBiometricMismatch {
				break
			}
		}
		switch {
		case code(err) == reference.EBiometricMismatch:
			s.biometricFailed(ss)
			return nil
		case err != nil:
			return s.startFailed(ctx, ss, err)
		}
		pending := e.Status == reference.StatusPendingActivation
		s.markEnrolled(ss.idx, pending)
		if pending && c.handset == hsSmart && c.u() < s.c.Behaviour.CounterActivationShare {
			// the officer helps activate on the spot, in town
			c.nextDay, c.action = -1, actNone
			a := s.sessionAt(ss.idx, kindActivate, ss.at.Add(5*time.Minute))
			a.away = true
		}
		return nil
	}
	capture := ""
	matched := false
	var capErr error
	for k := 0; k < maxCaptures; k++ {
		cp, err := s.svc.Capture(ctx, c.id)
		if err != nil {
			return err
		}
		capture = cp
		if capErr = s.svc.MatchCapture(c.id, cp); capErr == nil {
			matched = true
			break
		}
	}
	if !matched && code(capErr) == reference.EBiometricMismatch {
		if ss.kind == kindPhoneChange {
			s.fail(ss.idx, causeBiometric, false)
			return nil
		}
		s.biometricFailed(ss)
		return nil
	}
	switch ss.kind {
	case kindReset:
		if err := s.drawSwaps(ctx, ss.idx); err != nil {
			return err
		}
		if c.swapped || c.phone == "" {
			if c.phone == "" || !c.owner {
				s.fail(ss.idx, causeNonOwnerSIM, true)
				return nil
			}
			// phone change: batched to the ministry, done in 7–10 days
			c.capture = capture
			c.newPhone = c.phone
			s.schedule(ss.idx, s.day+7+int(c.u()*4), actPhoneChangeDone)
			s.today.PhoneChangesRequested++
			return nil
		}
		return s.counterReset(ctx, ss, capture)
	case kindPhoneChange:
		cp := c.capture
		if cp == "" {
			cp = capture
		}
		if c.phone != c.newPhone || c.phone == "" {
			// the SIM changed again meanwhile: back to the counter
			s.goToCounter(ss.idx, true)
			return nil
		}
		if _, err := s.svc.ChangePhone(ctx, reference.PhoneChangeRequest{CitizenID: c.id, NewPhone: c.phone, Capture: cp}); err != nil {
			return s.startFailed(ctx, ss, err)
		}
		s.today.PhoneChanges++
		c.swapped = false
		c.capture, c.newPhone = "", ""
		return s.counterReset(ctx, ss, capture)
	}
	return nil
}

// biometricFailed: every capture of the visit scored under the minimum; the citizen comes
// back another day, up to their patience.
func (s *sim) biometricFailed(ss *session) {
	c := &s.cit[ss.idx]
	c.visits++
	if int(c.visits) <= int(c.patience) {
		c.cause = causeBiometric
		s.today.Failures[causeBiometric]++
		s.scheduleQueue(ss.idx, s.day+1+int(c.exp(s.c.Behaviour.RetryDays)), ss.kind == kindReset)
		return
	}
	s.fail(ss.idx, causeBiometric, true) // counts the barrier
}

// counterReset resets the password at the counter: the activation OTP goes to the account's
// phone, read there in town.
func (s *sim) counterReset(ctx context.Context, ss *session, capture string) error {
	c := &s.cit[ss.idx]
	acc, err := s.accountStatus(ctx, c.id)
	if err != nil {
		return err
	}
	if acc == reference.StatusPendingActivation || acc == "" {
		// not activated yet: activate in town
		a := s.sessionAt(ss.idx, kindActivate, ss.at.Add(5*time.Minute))
		a.away = true
		return nil
	}
	if err := s.inTown(ctx, ss.idx, true); err != nil {
		return err
	}
	t, err := s.svc.CounterPasswordReset(ctx, reference.CounterRequest{CitizenID: c.id, Capture: capture})
	if err != nil {
		if err := s.inTown(ctx, ss.idx, false); err != nil {
			return err
		}
		return s.startFailed(ctx, ss, err)
	}
	s.today.CounterResets++
	c.stage = stPending
	a := s.sessionAt(ss.idx, kindCounterActivate, ss.at.Add(otpFirstPoll))
	a.state, a.ticket, a.away = flowAwaitOTP, t.ID, true
	return nil
}

// accountStatus is the status of the citizen's account, "" when they have none.
func (s *sim) accountStatus(ctx context.Context, id string) (string, error) {
	st := ""
	err := s.store.View(ctx, func(tx reference.Tx) error {
		a, err := tx.Account(id)
		switch {
		case err == nil:
			st = a.Status
		case !errors.Is(err, reference.ErrNotFound):
			return err
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("account of citizen %s: %w", id, err)
	}
	return st, nil
}
