package campaign

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// session is a flow in progress; step runs at its time on the virtual clock.
type session struct {
	at      time.Time
	seq     uint64
	idx     int32
	kind    sessionKind
	state   flowState
	polls   uint8
	resends uint8
	typos   uint8
	away    bool // the citizen is in town (coverage) for this session
	ticket  string
}

type eventHeap []*session

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(*session)) }
func (h *eventHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

type poolEntry struct {
	threshold float64
	idx       int32
}

type poolHeap []poolEntry

func (h poolHeap) Len() int { return len(h) }
func (h poolHeap) Less(i, j int) bool {
	if h[i].threshold != h[j].threshold {
		return h[i].threshold < h[j].threshold
	}
	return h[i].idx < h[j].idx
}
func (h poolHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *poolHeap) Push(x any)   { *h = append(*h, x.(poolEntry)) }
func (h *poolHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// homeSession starts a flow at home at the citizen's time of day.
func (s *sim) homeSession(i int32, kind sessionKind) {
	c := &s.cit[i]
	at := s.date(s.day).Add(dayStart + time.Duration(c.u()*float64(daySpan)))
	s.sessionAt(i, kind, at)
}

func (s *sim) sessionAt(i int32, kind sessionKind, at time.Time) *session {
	s.seq++
	ss := &session{at: at, seq: s.seq, idx: i, kind: kind}
	heap.Push(&s.events, ss)
	return ss
}

func (s *sim) counterSession(i int32, kind sessionKind, at time.Time) {
	ss := s.sessionAt(i, kind, at)
	ss.away = true
}

func (s *sim) later(ss *session, d time.Duration) {
	ss.at = ss.at.Add(d)
	s.seq++
	ss.seq = s.seq
	heap.Push(&s.events, ss)
}

// runEvents runs the day's sessions in time order on the virtual clock, until a step fails
// or ctx is cancelled.
func (s *sim) runEvents(ctx context.Context) error {
	end := s.date(s.day).Add(24*time.Hour - 2*time.Second)
	for s.events.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		ss := heap.Pop(&s.events).(*session)
		if ss.at.After(end) {
			ss.at = end
		}
		if ss.at.After(s.clock.Now()) {
			s.clock.Set(ss.at)
		}
		// Deliveries are not advanced here: Messages advances them before reading, and every
		// change of the world a delivery depends on (who holds a number, where the holder is)
		// advances them first (see worldChanging).
		if err := s.step(ctx, ss); err != nil {
			return err
		}
	}
	return nil
}

func code(err error) string { return reference.ErrorCode(err) }

// stopErr is the error that ends the run when a service call failed with err: ctx's error
// once the run is cancelled (the service then answers every call with unavailable), err
// itself when the service failed inside (a store error); nil when err is an outcome of the
// flow the citizen meets.
func stopErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if code(err) == reference.EInternal {
		return err
	}
	return nil
}

// step runs one step of a session; it returns the store's or ctx's error.
func (s *sim) step(ctx context.Context, ss *session) error {
	switch {
	case ss.kind == kindEnrol || ss.kind == kindReset || ss.kind == kindPhoneChange:
		return s.counterStep(ctx, ss)
	case ss.state == flowStart:
		return s.startFlow(ctx, ss)
	}
	return s.awaitOTP(ctx, ss)
}

// startFlow makes the call that starts the session's flow (which sends an OTP).
func (s *sim) startFlow(ctx context.Context, ss *session) error {
	c := &s.cit[ss.idx]
	if ss.away {
		if err := s.inTown(ctx, ss.idx, true); err != nil {
			return err
		}
	}
	var t *reference.Ticket
	var err error
	switch ss.kind {
	case kindRegister:
		if c.phone == "" {
			s.fail(ss.idx, causeNoPhone, true)
			return nil
		}
		t, err = s.svc.Register(ctx, reference.RegisterRequest{CitizenID: c.id, FullName: c.name, BirthDate: c.birth, Phone: c.phone, DeviceID: c.device})
	case kindActivate, kindWebActivate, kindCounterActivate:
		if c.phone == "" {
			if err := s.endAway(ctx, ss); err != nil {
				return err
			}
			s.fail(ss.idx, causeNoPhone, true)
			return nil
		}
		dev := c.device
		if ss.kind == kindWebActivate {
			dev = fmt.Sprintf("web-team-%d", c.village)
		}
		t, err = s.svc.StartActivation(ctx, reference.ActivationRequest{CitizenID: c.id, Phone: c.phone, DeviceID: dev})
	case kindLogin:
		return s.startLogin(ctx, ss)
	case kindRecovery:
		if c.phone == "" {
			s.recoveryFailed(ss, causeNoPhone)
			return nil
		}
		t, err = s.svc.StartRecovery(ctx, reference.RecoveryRequest{CitizenID: c.id, Phone: c.phone, FullName: c.name, BirthDate: c.birth})
	}
	if err != nil {
		if err := s.endAway(ctx, ss); err != nil {
			return err
		}
		return s.startFailed(ctx, ss, err)
	}
	ss.ticket = t.ID
	ss.state = flowAwaitOTP
	s.later(ss, otpFirstPoll)
	return nil
}

// startLogin logs the citizen in on their device: a token, an OTP challenge (a device the
// account is not bound to), or a refusal; a forgotten password is retyped once, then the
// citizen turns to recovery.
func (s *sim) startLogin(ctx context.Context, ss *session) error {
	c := &s.cit[ss.idx]
	pw := c.password
	if c.forgotten {
		pw = c.password + "?" // the password they think it is
	}
	res, err := s.svc.Login(ctx, reference.LoginRequest{CitizenID: c.id, Password: pw, DeviceID: c.device})
	if err != nil {
		if err := stopErr(ctx, err); err != nil {
			return err
		}
	}
	switch {
	case err == nil && res.Token != nil:
		s.today.Logins++
		s.nextLogin(ss.idx)
		return nil
	case err == nil:
		ss.ticket = res.Challenge.ID
		ss.state = flowAwaitOTP
		s.later(ss, otpFirstPoll)
		return nil
	case code(err) == reference.EInvalidCredentials && c.forgotten:
		s.today.LoginFailures++
		ss.typos++
		if ss.typos < 2 {
			s.later(ss, retypeAfter)
			return nil
		}
		ss.kind, ss.typos, ss.state = kindRecovery, 0, flowStart
		s.later(ss, time.Minute)
		return nil
	case code(err) == reference.EAccountLocked:
		s.today.LoginFailures++
		s.fail(ss.idx, causeLocked, false)
		return nil
	default:
		s.today.LoginFailures++
		s.fail(ss.idx, causeOther, false)
		return nil
	}
}

// awaitOTP looks for the OTP in the inbox of the number the handset holds now and types it,
// or asks for it again, or gives up.
func (s *sim) awaitOTP(ctx context.Context, ss *session) error {
	c := &s.cit[ss.idx]
	if c.phone == "" {
		return s.otpFailed(ctx, ss, causeNoPhone)
	}
	msgs, err := s.tel.Messages(ctx, c.phone, c.lastMsg, 0)
	if err != nil {
		return err
	}
	otp := ""
	for _, m := range msgs {
		c.lastMsg = max(c.lastMsg, m.ID)
		if m.OTP != "" {
			otp = m.OTP
		}
	}
	if otp == "" {
		ss.polls++
		if ss.polls < otpPolls {
			s.later(ss, otpPollEvery)
			return nil
		}
		if ss.resends < 1 {
			ss.resends++
			ss.polls = 0
			_, err := s.svc.Resend(ctx, ss.ticket)
			if err == nil {
				s.later(ss, otpFirstPoll)
				return nil
			}
			if err := stopErr(ctx, err); err != nil {
				return err
			}
		}
		cause := causeOTPNotReceived
		switch {
		case c.swapped && (ss.kind == kindRecovery || ss.kind == kindLogin):
			cause = causeSIMSwapped
		case s.coverageNow(ss) == covNone:
			cause = causeNoCoverage
		}
		return s.otpFailed(ctx, ss, cause)
	}
	return s.verify(ctx, ss, otp)
}

func (s *sim) coverageNow(ss *session) uint8 {
	if ss.away {
		return cov4G
	}
	return s.cit[ss.idx].cov
}

// endAway brings the citizen of a session in town back home.
func (s *sim) endAway(ctx context.Context, ss *session) error {
	if ss.away {
		return s.inTown(ctx, ss.idx, false)
	}
	return nil
}

// typed returns what the citizen types for an OTP: a digit wrong with the typo rate.
func (s *sim) typed(c *citizen, otp string) string {
	if c.u() >= float64(c.typo) || otp == "" {
		return otp
	}
	b := []byte(otp)
	k := int(c.u() * float64(len(b)))
	b[k] = '0' + (b[k]-'0'+1)%10
	return string(b)
}

func (s *sim) verify(ctx context.Context, ss *session, otp string) error {
	c := &s.cit[ss.idx]
	entry := s.typed(c, otp)
	var err error
	passcode := "135792"
	switch ss.kind {
	case kindRegister:
		_, err = s.svc.VerifyRegistration(ctx, ss.ticket, reference.VerifyRequest{OTP: entry, Password: c.password, Passcode: passcode})
	case kindActivate, kindWebActivate, kindCounterActivate:
		_, err = s.svc.VerifyActivation(ctx, ss.ticket, reference.VerifyRequest{OTP: entry, Password: c.password, Passcode: passcode})
	case kindLogin:
		_, err = s.svc.VerifyLogin(ctx, ss.ticket, entry)
	case kindRecovery:
		_, err = s.svc.VerifyRecovery(ctx, ss.ticket, reference.RecoveryVerifyRequest{OTP: entry, NewPassword: c.password})
	}
	if err != nil {
		if err := stopErr(ctx, err); err != nil {
			return err
		}
		switch code(err) {
		case reference.EOTPInvalid:
			ss.typos++
			if int(ss.typos) < int(c.patience) {
				s.later(ss, retypeAfter)
				return nil
			}
			return s.otpFailed(ctx, ss, causeOTPTypo)
		case reference.EOTPExpired, reference.EOTPAttemptsExceeded:
			return s.otpFailed(ctx, ss, causeOTPNotReceived)
		case reference.EPhoneInUse:
			return s.otpFailed(ctx, ss, causePhoneInUse)
		case reference.EAccountExists:
			// already active: count as done
		default:
			return s.otpFailed(ctx, ss, causeOther)
		}
	}
	if err := s.endAway(ctx, ss); err != nil {
		return err
	}
	switch ss.kind {
	case kindRegister:
		s.markActivated(ss.idx, 1)
		s.approvedL1++
		s.today.Registrations++
		if c.u() < s.c.Behaviour.UpgradeShare {
			// will go to a counter for level 2 later
			s.scheduleQueue(ss.idx, s.day+1+int(c.exp(s.c.Behaviour.RetryDays*4)), false)
		}
	case kindActivate, kindWebActivate, kindCounterActivate:
		if ss.kind == kindWebActivate {
			s.today.WebActivations++
		}
		s.markActivated(ss.idx, int(c.level))
		c.forgotten = false
	case kindLogin:
		s.today.Logins++
		s.nextLogin(ss.idx)
	case kindRecovery:
		s.today.RecoveryOK++
		c.forgotten = false
		s.nextLogin(ss.idx)
	}
	return nil
}

// startFailed handles an error from the call that starts a flow: the citizen meets its
// barrier, or the run stops (see stopErr).
func (s *sim) startFailed(ctx context.Context, ss *session, err error) error {
	if err := stopErr(ctx, err); err != nil {
		return err
	}
	switch code(err) {
	case reference.EPhoneNotOwner:
		c := &s.cit[ss.idx]
		if c.chipCard && c.u() < s.c.Behaviour.StandardiseShare {
			// to a carrier shop to register the SIM in their own name, then back
			c.cause = causeNonOwnerSIM
			s.today.Failures[causeNonOwnerSIM]++
			s.schedule(ss.idx, s.day+1+int(c.exp(s.c.Behaviour.StandardiseDays)), actStandardise)
			return nil
		}
		s.fail(ss.idx, causeNonOwnerSIM, true)
	case reference.EPhoneInUse:
		s.fail(ss.idx, causePhoneInUse, true)
	case reference.EIdentityMismatch:
		// StartActivation with a phone other than the account's: the SIM changed
		s.fail(ss.idx, causeSIMSwapped, true)
		if s.cit[ss.idx].stage == stPending {
			s.goToCounter(ss.idx, true)
		}
	case reference.ERateLimited, reference.EUnavailable:
		if ss.kind == kindRecovery {
			s.recoveryFailed(ss, causeSMSUnavailable)
			return nil
		}
		s.fail(ss.idx, causeSMSUnavailable, false)
	case reference.EAccountExists:
		s.markActivated(ss.idx, int(s.cit[ss.idx].level))
	default:
		s.fail(ss.idx, causeOther, false)
	}
	return nil
}

// otpFailed ends a flow whose OTP never came or was never typed right.
func (s *sim) otpFailed(ctx context.Context, ss *session, cause uint8) error {
	if err := s.endAway(ctx, ss); err != nil {
		return err
	}
	switch ss.kind {
	case kindRecovery, kindLogin:
		s.recoveryFailed(ss, cause)
	case kindActivate:
		c := &s.cit[ss.idx]
		if cause == causeNoCoverage {
			// the next try is on a trip to town
			s.fail(ss.idx, cause, false)
			if c.stage == stPending && c.nextDay >= 0 && c.action == actActivate {
				s.sessionAtDay(ss.idx, int(c.nextDay))
			}
			return nil
		}
		s.fail(ss.idx, cause, false)
	default:
		s.fail(ss.idx, cause, false)
	}
	return nil
}

// sessionAtDay schedules an activation in town on a later day (marked by the away flag).
func (s *sim) sessionAtDay(i int32, day int) {
	c := &s.cit[i]
	if int(c.nextDay) == day {
		c.townNext = true
	}
}

// recoveryFailed: the citizen could not recover the password at home; the way back is a
// counter (phone change and/or counter password reset).
func (s *sim) recoveryFailed(ss *session, cause uint8) {
	c := &s.cit[ss.idx]
	switch cause {
	case causeSIMSwapped:
		s.today.RecoveryFailedSwap++
	case causeNoCoverage:
		s.today.RecoveryFailedNoCoverage++
	default:
		s.today.RecoveryFailedOther++
	}
	c.cause = cause
	s.today.Failures[cause]++
	c.visits++
	if int(c.visits) > int(c.patience) {
		c.stage = stLocked
		s.blocked[cause] = append(s.blocked[cause], ss.idx)
		return
	}
	c.stage = stLocked
	s.goToCounter(ss.idx, true)
}

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
