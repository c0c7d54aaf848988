package campaign

import (
	"container/heap"
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// Session kinds: one citizen going through one reference flow.
const (
	kindRegister        uint8 = iota // level 1 in the app: Register, OTP, VerifyRegistration
	kindActivate                     // StartActivation, OTP, VerifyActivation in the app
	kindWebActivate                  // the same, by a community digital team on the web
	kindLogin                        // Login on the bound device; forgotten password → recovery
	kindRecovery                     // StartRecovery, OTP, VerifyRecovery
	kindEnrol                        // at the counter: Capture, Enroll (and activation there)
	kindReset                        // at the counter: phone change request or CounterPasswordReset
	kindPhoneChange                  // 7–10 days after the request: ChangePhone, then a counter reset
	kindCounterActivate              // activation OTP finished after a counter reset
)

// session is a flow in progress; step runs at its time on the virtual clock.
type session struct {
	at      time.Time
	seq     uint64
	idx     int32
	kind    uint8
	state   uint8
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
func (s *sim) homeSession(i int32, kind uint8) {
	c := &s.cit[i]
	at := s.date(s.day).Add(dayStart + time.Duration(c.u()*float64(daySpan)))
	s.sessionAt(i, kind, at)
}

func (s *sim) sessionAt(i int32, kind uint8, at time.Time) *session {
	s.seq++
	ss := &session{at: at, seq: s.seq, idx: i, kind: kind}
	heap.Push(&s.events, ss)
	return ss
}

func (s *sim) counterSession(i int32, kind uint8, at time.Time) {
	ss := s.sessionAt(i, kind, at)
	ss.away = true
}

func (s *sim) later(ss *session, d time.Duration) {
	ss.at = ss.at.Add(d)
	s.seq++
	ss.seq = s.seq
	heap.Push(&s.events, ss)
}

// runEvents runs the day's sessions in time order on the virtual clock.
func (s *sim) runEvents() error {
	end := s.date(s.day).Add(24*time.Hour - 2*time.Second)
	for s.events.Len() > 0 {
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
		if err := s.step(ss); err != nil {
			return err
		}
	}
	return nil
}

// inTown sets the coverage the telco sees for the citizen's handset: the counter's town has
// 4G; home is the village's coverage.
func (s *sim) inTown(i int32, town bool) {
	c := &s.cit[i]
	if c.cov == cov4G {
		return
	}
	s.worldChanging()
	cov := coverageNames[c.cov]
	if town {
		cov = coverageNames[cov4G]
	}
	_ = s.store.Update(s.ctx, func(tx reference.Tx) error {
		z, err := tx.Citizen(c.id)
		if err != nil {
			return err
		}
		z.Coverage = cov
		return tx.PutCitizen(z)
	})
}

// worldChanging delivers what is due before a change of the world that deliveries depend on,
// so every delivery attempt sees the world as it was at its time.
func (s *sim) worldChanging() { s.tel.Advance(s.ctx) }

func code(err error) string { return reference.ErrorCode(err) }

// step runs one step of a session.
func (s *sim) step(ss *session) error {
	c := &s.cit[ss.idx]
	ctx := s.ctx
	switch ss.kind {
	case kindEnrol, kindReset, kindPhoneChange:
		return s.counterStep(ss)
	}
	if ss.state == 0 { // start the flow
		if ss.away {
			s.inTown(ss.idx, true)
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
				s.endAway(ss)
				s.fail(ss.idx, causeNoPhone, true)
				return nil
			}
			dev := c.device
			if ss.kind == kindWebActivate {
				dev = fmt.Sprintf("web-team-%d", c.village)
			}
			t, err = s.svc.StartActivation(ctx, reference.ActivationRequest{CitizenID: c.id, Phone: c.phone, DeviceID: dev})
		case kindLogin:
			pw := c.password
			if c.forgotten {
				pw = c.password + "?" // the password they think it is
			}
			res, err := s.svc.Login(ctx, reference.LoginRequest{CitizenID: c.id, Password: pw, DeviceID: c.device})
			switch {
			case err == nil && res.Token != nil:
				s.today.Logins++
				s.nextLogin(ss.idx)
				return nil
			case err == nil:
				ss.ticket = res.Challenge.ID
				ss.state = 1
				s.later(ss, otpFirstPoll)
				return nil
			case code(err) == reference.EInvalidCredentials && c.forgotten:
				s.today.LoginFailures++
				ss.typos++
				if ss.typos < 2 {
					s.later(ss, retypeAfter)
					return nil
				}
				ss.kind, ss.typos, ss.state = kindRecovery, 0, 0
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
		case kindRecovery:
			if c.phone == "" {
				s.recoveryFailed(ss, causeNoPhone)
				return nil
			}
			t, err = s.svc.StartRecovery(ctx, reference.RecoveryRequest{CitizenID: c.id, Phone: c.phone, FullName: c.name, BirthDate: c.birth})
		}
		if err != nil {
			s.endAway(ss)
			return s.startFailed(ss, err)
		}
		ss.ticket = t.ID
		ss.state = 1
		s.later(ss, otpFirstPoll)
		return nil
	}
	// state 1: look for the OTP in the inbox of the number the handset holds now
	if c.phone == "" {
		return s.otpFailed(ss, causeNoPhone)
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
			if _, err := s.svc.Resend(ctx, ss.ticket); err == nil {
				s.later(ss, otpFirstPoll)
				return nil
			}
		}
		cause := causeOTPNotReceived
		switch {
		case c.swapped && (ss.kind == kindRecovery || ss.kind == kindLogin):
			cause = causeSIMSwapped
		case s.coverageNow(ss) == covNone:
			cause = causeNoCoverage
		}
		return s.otpFailed(ss, cause)
	}
	return s.verify(ss, otp)
}

func (s *sim) coverageNow(ss *session) uint8 {
	if ss.away {
		return cov4G
	}
	return s.cit[ss.idx].cov
}

func (s *sim) endAway(ss *session) {
	if ss.away {
		s.inTown(ss.idx, false)
	}
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

func (s *sim) verify(ss *session, otp string) error {
	c := &s.cit[ss.idx]
	ctx := s.ctx
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
		switch code(err) {
		case reference.EOTPInvalid:
			ss.typos++
			if int(ss.typos) < int(c.patience) {
				s.later(ss, retypeAfter)
				return nil
			}
			return s.otpFailed(ss, causeOTPTypo)
		case reference.EOTPExpired, reference.EOTPAttemptsExceeded:
			return s.otpFailed(ss, causeOTPNotReceived)
		case reference.EPhoneInUse:
			return s.otpFailed(ss, causePhoneInUse)
		case reference.EAccountExists:
			// already active: count as done
		default:
			return s.otpFailed(ss, causeOther)
		}
	}
	s.endAway(ss)
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

// startFailed handles an error from the call that starts a flow.
func (s *sim) startFailed(ss *session, err error) error {
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
	case reference.EInternal:
		return err
	default:
		s.fail(ss.idx, causeOther, false)
	}
	return nil
}

// otpFailed ends a flow whose OTP never came or was never typed right.
func (s *sim) otpFailed(ss *session, cause uint8) error {
	s.endAway(ss)
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
func (s *sim) counterStep(ss *session) error {
	c := &s.cit[ss.idx]
	ctx := s.ctx
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
			return s.startFailed(ss, err)
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
		s.drawSwaps(ss.idx)
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
		return s.counterReset(ss, capture)
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
			return s.startFailed(ss, err)
		}
		s.today.PhoneChanges++
		c.swapped = false
		c.capture, c.newPhone = "", ""
		return s.counterReset(ss, capture)
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
func (s *sim) counterReset(ss *session, capture string) error {
	c := &s.cit[ss.idx]
	acc := s.accountStatus(c.id)
	if acc == reference.StatusPendingActivation || acc == "" {
		// not activated yet: activate in town
		a := s.sessionAt(ss.idx, kindActivate, ss.at.Add(5*time.Minute))
		a.away = true
		return nil
	}
	s.inTown(ss.idx, true)
	t, err := s.svc.CounterPasswordReset(s.ctx, reference.CounterRequest{CitizenID: c.id, Capture: capture})
	if err != nil {
		s.inTown(ss.idx, false)
		return s.startFailed(ss, err)
	}
	s.today.CounterResets++
	c.stage = stPending
	a := s.sessionAt(ss.idx, kindCounterActivate, ss.at.Add(otpFirstPoll))
	a.state, a.ticket, a.away = 1, t.ID, true
	return nil
}

func (s *sim) accountStatus(id string) string {
	st := ""
	_ = s.store.View(s.ctx, func(tx reference.Tx) error {
		a, err := tx.Account(id)
		if err == nil {
			st = a.Status
		}
		return nil
	})
	return st
}
