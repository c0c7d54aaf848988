package reference

import (
	"context"
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// challengeSpec is what a flow decides, inside the store transaction, about the challenge it
// opens.
type challengeSpec struct {
	citizenID string
	// phone receives the OTP and is charged with the send.
	phone    string
	deviceID string
	// deliver is false when no code must ever match (a recovery whose data did not match):
	// the challenge and the send are recorded all the same, but no SMS goes out.
	deliver bool
	// undo reverts the flow's own changes when the gateway refuses the message.
	undo func(tx Tx) error
}

// newCode returns a uniformly random code of OTPLength digits.
func (s *Service) newCode() (string, error) {
	limit := uint64(math.Pow10(s.policy.OTPLength))
	// Rejection sampling: draw from the largest multiple of limit below 2^64.
	bound := math.MaxUint64 - math.MaxUint64%limit
	var b [8]byte
	for {
		if err := s.readRand(b[:]); err != nil {
			return "", err
		}
		if v := binary.BigEndian.Uint64(b[:]); v < bound {
			return fmt.Sprintf("%0*d", s.policy.OTPLength, v%limit), nil
		}
	}
}

func (s *Service) codeMAC(challengeID, code string) []byte {
	return mac(s.otpKey, "otp", challengeID, code)
}

// allowSend enforces the per-phone send limit across all flows on budget (a phone, or a
// phone's recovery budget): rate_limited with retry_after (the send window, the longest the
// oldest send can take to leave it).
func (s *Service) allowSend(tx Tx, budget string, now time.Time) error {
	n, err := tx.CountSends(budget, now.Add(-s.policy.SendWindow))
	if err != nil {
		return err
	}
	if n >= s.policy.SendsPerPhone {
		return Errorf(ERateLimited, "too many codes sent to this phone; at most %d per %v",
			s.policy.SendsPerPhone, s.policy.SendWindow).With("retry_after", ceilSeconds(s.policy.SendWindow))
	}
	return nil
}

// recoveryBudget is the send-record key of a phone's recovery budget.
func recoveryBudget(phone string) string { return "recovery:" + phone }

// chargeSend enforces the send limits of a send for purpose to phone inside tx, records it,
// and reports whether the code may go out. A recovery is charged to the phone's recovery
// budget whatever its data, so its answer tells nothing, and to the phone's own budget only
// when its code goes out, which it silently does not when that budget is spent: recoveries
// with made-up data exhaust at most the phone's recovery budget, never silence its
// registration, login or activation codes. Other flows are charged to the phone's budget.
func (s *Service) chargeSend(tx Tx, purpose, phone, challengeID string, deliver bool, now time.Time) (bool, error) {
	if purpose != PurposeRecovery {
		if err := s.allowSend(tx, phone, now); err != nil {
			return false, err
		}
		return deliver, tx.AddSend(phone, now, challengeID)
	}
	budget := recoveryBudget(phone)
	if err := s.allowSend(tx, budget, now); err != nil {
		return false, err
	}
	if err := tx.AddSend(budget, now, challengeID); err != nil || !deliver {
		return false, err
	}
	n, err := tx.CountSends(phone, now.Add(-s.policy.SendWindow))
	if err != nil || n >= s.policy.SendsPerPhone {
		return false, err
	}
	return true, tx.AddSend(phone, now, challengeID)
}

// failedChallengesKey is the event key of a citizen's challenges that ended in
// otp_attempts_exceeded.
func failedChallengesKey(citizenID string) string { return "otp-failed:" + citizenID }

// checkFailedChallenges refuses a new challenge for a citizen with MaxFailedChallenges failed
// ones in the last FailedChallengeWindow: otp_challenges_exceeded with retry_after (the
// window).
func (s *Service) checkFailedChallenges(tx Tx, citizenID string, now time.Time) error {
	n, err := tx.CountEvents(failedChallengesKey(citizenID), now.Add(-s.policy.FailedChallengeWindow))
	if err != nil {
		return err
	}
	if n >= s.policy.MaxFailedChallenges {
		return Errorf(EOTPChallengesExceeded, "too many codes entered wrong for this citizen; at most %d failed codes per %v",
			s.policy.MaxFailedChallenges, s.policy.FailedChallengeWindow).
			With("retry_after", ceilSeconds(s.policy.FailedChallengeWindow))
	}
	return nil
}

// startAgain is the retry_after of a challenge that cannot go on (too many wrong codes, no
// more resends): the least pause between two sends before starting again.
func (s *Service) startAgain() int { return max(1, ceilSeconds(s.policy.ResendAfter)) }

// openChallenge opens an OTP challenge for purpose. prepare runs inside the store
// transaction: it checks the flow's preconditions (returning a domain error to refuse) and
// says where the code goes. In the same transaction a citizen with too many failed challenges
// is refused (otp_challenges_exceeded; a recovery silently sends no code instead, so that its
// answer stays the same) and the send limits are enforced and the send recorded (chargeSend);
// the SMS goes out after the commit, and if the gateway refuses it the challenge, the send
// records and the flow's own changes (spec.undo) are removed again and the caller gets
// unavailable.
func (s *Service) openChallenge(ctx context.Context, purpose string, prepare func(tx Tx, now time.Time) (challengeSpec, error)) (*Ticket, error) {
	id, err := s.newID()
	if err != nil {
		return nil, internal(err)
	}
	code, err := s.newCode()
	if err != nil {
		return nil, internal(err)
	}
	now := s.now()
	var ch *Challenge
	var spec challengeSpec
	err = s.store.Update(ctx, func(tx Tx) error {
		var err error
		if spec, err = prepare(tx, now); err != nil {
			return err
		}
		if spec.deliver && spec.citizenID != "" {
			if err := s.checkFailedChallenges(tx, spec.citizenID, now); err != nil {
				if purpose != PurposeRecovery {
					return err
				}
				spec.deliver = false
			}
		}
		if spec.deliver, err = s.chargeSend(tx, purpose, spec.phone, id, spec.deliver, now); err != nil {
			return err
		}
		ch = &Challenge{ID: id, Purpose: purpose, CitizenID: spec.citizenID, Phone: spec.phone,
			DeviceID: spec.deviceID, CreatedAt: now, SentAt: now, ExpiresAt: now.Add(s.policy.OTPValidity)}
		if spec.deliver {
			ch.CodeMAC = s.codeMAC(id, code)
		}
		return tx.CreateChallenge(ch)
	})
	if err != nil {
		return nil, internal(err)
	}
	if spec.deliver {
		if err := s.sendOTP(ctx, spec.phone, purpose, code); err != nil {
			uerr := s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
				if err := tx.DeleteChallenge(id); err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
				if spec.undo != nil {
					return spec.undo(tx)
				}
				return nil
			})
			if uerr != nil {
				s.log.Error("undo after gateway refusal failed", "challenge", id, "err", uerr)
			}
			return nil, err
		}
	}
	if s.opened.Add(1)%pruneEvery == 0 {
		s.prune(ctx, now)
	}
	return &Ticket{ID: id, ExpiresAt: ch.ExpiresAt}, nil
}

// prune deletes challenges that expired more than a send window ago (none of their sends can
// count any more) and events older than the failed-challenge window.
func (s *Service) prune(ctx context.Context, now time.Time) {
	var n int64
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if n, err = tx.DeleteExpiredChallenges(now.Add(-s.policy.SendWindow)); err != nil {
			return err
		}
		_, err = tx.DeleteEvents("", now.Add(-s.policy.FailedChallengeWindow))
		return err
	})
	if err != nil {
		s.log.Warn("pruning expired challenges failed", "err", err)
		return
	}
	s.log.Debug("pruned expired challenges", "count", n)
}

// otpBodies are the SMS texts per purpose, in the unaccented Vietnamese that carriers' SMS
// templates use; %s is the code, %d the validity in minutes.
var otpBodies = map[string]string{
	PurposeRegistration: "VNeID: Ma OTP dang ky tai khoan dinh danh dien tu cua ban la %s. Ma co hieu luc trong %d phut. Tuyet doi khong cung cap ma nay cho bat ky ai.",
	PurposeLogin:        "VNeID: Ma OTP dang nhap tren thiet bi moi la %s. Ma co hieu luc trong %d phut. Neu khong phai ban dang nhap, hay doi mat khau ngay.",
	PurposeRecovery:     "VNeID: Ma OTP khoi phuc mat khau la %s. Ma co hieu luc trong %d phut. Tuyet doi khong cung cap ma nay cho bat ky ai.",
	PurposeActivation:   "VNeID: Ma OTP kich hoat tai khoan dinh danh dien tu la %s. Ma co hieu luc trong %d phut. Tuyet doi khong cung cap ma nay cho bat ky ai.",
}

// SMSSender is the sender name of every message.
const SMSSender = "VNeID"

func (s *Service) sendOTP(ctx context.Context, phone, purpose, code string) error {
	minutes := int(math.Ceil(s.policy.OTPValidity.Minutes()))
	msg := SMS{To: phone, Sender: SMSSender, Body: fmt.Sprintf(otpBodies[purpose], code, minutes), OTP: code, Purpose: purpose}
	if err := s.gw.Send(ctx, msg); err != nil {
		s.log.Warn("SMS gateway refused an OTP", "purpose", purpose, "to", phone, "err", err)
		return &Error{Code: EUnavailable, Message: "the SMS gateway is unavailable; try again later", Err: err}
	}
	return nil
}

// sendNotice sends an informational SMS; a refusal is logged, not returned: the operation it
// reports has happened.
func (s *Service) sendNotice(ctx context.Context, phone, body string) {
	msg := SMS{To: phone, Sender: SMSSender, Body: body, Purpose: PurposeNotice}
	if err := s.gw.Send(ctx, msg); err != nil {
		s.log.Warn("SMS gateway refused a notice", "to", phone, "err", err)
	}
}

// challengeState returns the error a challenge in its current state gives for purpose at now,
// or nil when a code may be tried.
func (s *Service) challengeState(ch *Challenge, purpose string, now time.Time) error {
	switch {
	case ch.Purpose != purpose:
		return Errorf(ENotFound, "no such %s challenge", purpose)
	case !ch.ConsumedAt.IsZero():
		return Errorf(EOTPExpired, "the code was already used")
	case ch.Attempts >= s.policy.OTPMaxAttempts:
		return Errorf(EOTPAttemptsExceeded, "too many wrong codes; start again").With("retry_after", s.startAgain())
	case !now.Before(ch.ExpiresAt):
		return Errorf(EOTPExpired, "the code has expired; ask for a new one")
	}
	return nil
}

func (s *Service) getChallenge(tx Tx, id, purpose string) (*Challenge, error) {
	ch, err := tx.Challenge(id)
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENotFound, "no such %s challenge", purpose)
	}
	return ch, err
}

// peekChallenge checks, without changing anything, that a code may be tried on the
// challenge; flows call it before slow work (password hashing).
func (s *Service) peekChallenge(ctx context.Context, id, purpose string) error {
	return internal(s.store.View(ctx, func(tx Tx) error {
		ch, err := s.getChallenge(tx, id, purpose)
		if err != nil {
			return err
		}
		return s.challengeState(ch, purpose, s.now())
	}))
}

// useOTP checks code against challenge id inside tx. On success it marks the challenge used
// and returns it. A wrong code is counted in tx and reported as otpErr (otp_invalid with
// attempts_left, or otp_attempts_exceeded at the last allowed attempt): the caller must commit
// tx and then return otpErr. err is any other failure, which aborts tx.
func (s *Service) useOTP(tx Tx, id, purpose, code string, now time.Time) (ch *Challenge, otpErr, err error) {
	ch, err = s.getChallenge(tx, id, purpose)
	if err != nil {
		return nil, nil, err
	}
	if err := s.challengeState(ch, purpose, now); err != nil {
		return nil, nil, err
	}
	if ch.CodeMAC == nil || !hmac.Equal(ch.CodeMAC, s.codeMAC(id, code)) {
		ch.Attempts++
		if err := tx.UpdateChallenge(ch); err != nil {
			return nil, nil, err
		}
		left := s.policy.OTPMaxAttempts - ch.Attempts
		if left <= 0 {
			if ch.CodeMAC != nil && ch.CitizenID != "" { // a challenge no code could match counts for no one
				if err := tx.AddEvent(failedChallengesKey(ch.CitizenID), now); err != nil {
					return nil, nil, err
				}
			}
			return nil, Errorf(EOTPAttemptsExceeded, "too many wrong codes; start again").With("retry_after", s.startAgain()), nil
		}
		return nil, Errorf(EOTPInvalid, "wrong code").With("attempts_left", left), nil
	}
	ch.ConsumedAt = now
	if err := tx.UpdateChallenge(ch); err != nil {
		return nil, nil, err
	}
	return ch, nil, nil
}

// verifyChallenge runs useOTP and, on success, then(tx, ch) in one transaction: the code is
// consumed exactly when then succeeds. Wrong codes are counted even though the call fails.
func (s *Service) verifyChallenge(ctx context.Context, id, purpose, code string, then func(tx Tx, ch *Challenge, now time.Time) error) error {
	if err := s.checkOTPFormat(code); err != nil {
		return err
	}
	now := s.now()
	var otpErr error
	err := s.store.Update(ctx, func(tx Tx) error {
		ch, oe, err := s.useOTP(tx, id, purpose, code, now)
		if err != nil {
			return err
		}
		if oe != nil {
			otpErr = oe
			return nil
		}
		return then(tx, ch, now)
	})
	if err != nil {
		return internal(err)
	}
	return otpErr
}

// Resend sends a fresh code for a challenge: not before ResendAfter since the last send, at
// most MaxResends times, within the phone's send limit (chargeSend; a recovery whose phone's
// own budget is spent keeps its previous code and sends nothing). The challenge keeps its id
// and its count of wrong entries; the new code gets a new validity period.
func (s *Service) Resend(ctx context.Context, id string) (time.Time, error) {
	code, err := s.newCode()
	if err != nil {
		return time.Time{}, internal(err)
	}
	now := s.now()
	var prev, ch Challenge
	var deliver bool
	err = s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Challenge(id)
		if errors.Is(err, ErrNotFound) {
			return Errorf(ENotFound, "no such challenge")
		} else if err != nil {
			return err
		}
		switch {
		case !c.ConsumedAt.IsZero():
			return Errorf(EOTPExpired, "the code was already used")
		case c.Attempts >= s.policy.OTPMaxAttempts:
			return Errorf(EOTPAttemptsExceeded, "too many wrong codes; start again").With("retry_after", s.startAgain())
		case c.Resends >= s.policy.MaxResends:
			return Errorf(EResendLimit, "no more resends for this challenge; start again").With("retry_after", s.startAgain())
		}
		if next := c.SentAt.Add(s.policy.ResendAfter); now.Before(next) {
			wait := int(math.Ceil(next.Sub(now).Seconds()))
			return Errorf(EResendTooSoon, "wait %d s before asking for a new code", wait).With("retry_after", wait)
		}
		if deliver, err = s.chargeSend(tx, c.Purpose, c.Phone, id, c.CodeMAC != nil, now); err != nil {
			return err
		}
		prev = *c
		if deliver {
			c.CodeMAC = s.codeMAC(id, code)
		}
		c.Resends++
		c.SentAt = now
		c.ExpiresAt = now.Add(s.policy.OTPValidity)
		if err := tx.UpdateChallenge(c); err != nil {
			return err
		}
		ch = *c
		return nil
	})
	if err != nil {
		return time.Time{}, internal(err)
	}
	if deliver {
		if err := s.sendOTP(ctx, ch.Phone, ch.Purpose, code); err != nil {
			uerr := s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
				cur, err := tx.Challenge(id)
				if err != nil {
					return err
				}
				if hmac.Equal(cur.CodeMAC, ch.CodeMAC) { // nothing newer happened: restore
					cur.CodeMAC, cur.Resends, cur.SentAt, cur.ExpiresAt = prev.CodeMAC, prev.Resends, prev.SentAt, prev.ExpiresAt
					if err := tx.UpdateChallenge(cur); err != nil {
						return err
					}
				}
				_, err = tx.DeleteSend(id, now)
				return err
			})
			if uerr != nil && !errors.Is(uerr, ErrNotFound) {
				s.log.Error("undo of a refused resend failed", "challenge", id, "err", uerr)
			}
			return time.Time{}, err
		}
	}
	return ch.ExpiresAt, nil
}
