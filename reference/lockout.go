package reference

import (
	"context"
	"errors"
	"math"
	"time"
)

// The lockout. A password attempt on an account is counted as failed, inside one write
// transaction, before its hash runs (reserve); a right password refunds it (settle). So
// however many attempts run at once, at most MaxFailedLogins hashes of the real password run
// per lock window (Lockout "lock"), or one per delay once throttling has started (Lockout
// "throttle"). A store that cannot record the attempt refuses the login with unavailable
// (fail closed): no hash runs, so a full disk is not an unlimited guessing oracle.

// attempt is a password attempt reserved on an account.
type attempt struct {
	acc *Account // the account as the reservation left it
	// until is the LockedUntil this reservation set (zero when it set none): the lock or
	// throttle delay a wrong password would have caused.
	until time.Time
}

// refusal returns the error a password attempt on a gets at now before any hash (an
// administrative lock, a lock, a throttle delay), or nil when the attempt may go on.
func (s *Service) refusal(a *Account, now time.Time) *Error {
	if a.Status == StatusLocked {
		return Errorf(EAccountLocked, "the account is locked; it can be unlocked at a police counter")
	}
	if s.policy.Lockout == LockoutThrottle {
		if a.FailedLogins >= s.policy.ThrottleMaxFailures {
			return Errorf(EAccountLocked, "%d consecutive wrong passwords; recover the password or have the account unlocked at a police counter",
				a.FailedLogins)
		}
		if now.Before(a.LockedUntil) {
			wait := ceilSeconds(a.LockedUntil.Sub(now))
			return Errorf(ERateLimited, "too many wrong passwords; wait %d s before the next attempt", wait).
				With("retry_after", wait)
		}
		return nil
	}
	if now.Before(a.LockedUntil) {
		return Errorf(EAccountLocked, "too many wrong passwords; the account is locked until %s",
			a.LockedUntil.Format(time.RFC3339)).With("locked_until", a.LockedUntil)
	}
	return nil
}

// lockedErr returns account_locked when a is locked at now (a throttle delay is not a lock);
// flows other than the password check (finishing a new-device login) use it.
func (s *Service) lockedErr(a *Account, now time.Time) error {
	if err := s.refusal(a, now); err != nil && err.Code == EAccountLocked {
		return err
	}
	return nil
}

// throttleDelay is the wait after the n-th consecutive failure under LockoutThrottle:
// ThrottleDelay × 2^(n−MaxFailedLogins), at most ThrottleMaxDelay.
func (s *Service) throttleDelay(n int) time.Duration {
	shift := n - s.policy.MaxFailedLogins
	if shift < 0 {
		return 0
	}
	if shift > 40 {
		return s.policy.ThrottleMaxDelay
	}
	return min(s.policy.ThrottleMaxDelay, s.policy.ThrottleDelay<<shift)
}

// reserve counts an attempt on citizenID as failed before its hash runs. It returns the
// attempt, or nil when there is no password to try (no account, not active, no password), or
// the refusal of a locked or throttled account. err is the store's failure, already mapped
// to unavailable.
func (s *Service) reserve(ctx context.Context, citizenID string) (at *attempt, refused *Error, err error) {
	now := s.now()
	err = s.store.Update(ctx, func(tx Tx) error {
		at, refused = nil, nil
		a, err := tx.Account(citizenID)
		if err != nil {
			return ignoreNotFound(err)
		}
		if refused = s.refusal(a, now); refused != nil {
			return nil
		}
		if a.Status != StatusActive || a.PasswordHash == "" {
			return nil
		}
		a.FailedLogins++
		var until time.Time
		if a.FailedLogins >= s.policy.MaxFailedLogins {
			if s.policy.Lockout == LockoutThrottle {
				until = now.Add(s.throttleDelay(a.FailedLogins))
			} else {
				until = now.Add(s.policy.LockDuration)
				a.FailedLogins = 0
			}
			a.LockedUntil = until
		}
		a.UpdatedAt = now
		if err := tx.UpdateAccount(a); err != nil {
			return err
		}
		at = &attempt{acc: a, until: until}
		return nil
	})
	if err != nil {
		return nil, nil, failClosed(err)
	}
	return at, refused, nil
}

// wrong is the answer to a wrong password whose attempt at was reserved: account_locked when
// this attempt locked the account, invalid_credentials otherwise (with retry_after when it
// started a throttle delay).
func (s *Service) wrong(at *attempt) *Error {
	err := Errorf(EInvalidCredentials, "wrong citizen ID or password")
	if at.until.IsZero() {
		return err
	}
	if s.policy.Lockout == LockoutLock {
		return s.refusal(at.acc, s.now())
	}
	if wait := ceilSeconds(at.until.Sub(s.now())); wait > 0 {
		err = err.With("retry_after", wait)
	}
	return err
}

// settle refunds the reserved attempt of a right password: the count goes back to zero and
// the lock or delay this attempt set is lifted; rehash, when not "", replaces the stored hash.
// A lock or delay set by another attempt meanwhile, a lock imposed since, or a password
// changed since refuses the login.
func (s *Service) settle(ctx context.Context, at *attempt, rehash string) (*Account, error) {
	var acc *Account
	var refused *Error
	now := s.now()
	err := s.store.Update(ctx, func(tx Tx) error {
		acc, refused = nil, nil
		a, err := tx.Account(at.acc.CitizenID)
		if err != nil {
			return err
		}
		if a.PasswordHash != at.acc.PasswordHash || a.Status != StatusActive {
			refused = Errorf(EInvalidCredentials, "wrong citizen ID or password")
			if a.Status == StatusLocked {
				refused = s.refusal(a, now)
			}
			return nil
		}
		if !a.LockedUntil.Equal(at.until) || a.FailedLogins >= s.policy.ThrottleMaxFailures {
			if refused = s.refusal(a, now); refused != nil {
				return nil
			}
		}
		a.FailedLogins = 0
		a.LockedUntil = time.Time{}
		if rehash != "" {
			a.PasswordHash = rehash
		}
		a.UpdatedAt = now
		acc = a
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return nil, failClosed(err)
	}
	if refused != nil {
		return nil, refused
	}
	return acc, nil
}

// answer is what a client sees of a refused login: under AnswersUniform every refusal is
// invalid_credentials without fields.
func (s *Service) answer(err *Error) error {
	if s.policy.LoginAnswers == AnswersUniform && err.Code != EInvalidCredentials {
		return Errorf(EInvalidCredentials, "wrong citizen ID or password")
	}
	if s.policy.LoginAnswers == AnswersUniform {
		err.Fields = nil
	}
	return err
}

// failClosed maps a store failure in the lockout to unavailable: the attempt could not be
// counted, so it is refused.
func failClosed(err error) error {
	if ErrorCode(err) != EInternal {
		return err
	}
	return (&Error{Code: EUnavailable, Message: "the login attempt cannot be recorded; try again later", Err: err}).
		With("retry_after", 5)
}

func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// ignoreNotFound returns nil for ErrNotFound and err otherwise.
func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
