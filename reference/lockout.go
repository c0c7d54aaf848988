package reference

import (
	"context"
	"errors"
	"math"
	"time"
)

// The lockout. Account.FailedLogins counts consecutive wrong passwords and the attempts in
// flight: an attempt is counted, inside one write transaction, before its hash runs
// (reserve), and no attempt is reserved while the count is at MaxFailedLogins. A wrong
// password leaves its count and, under Lockout "lock", locks the account when the count is at
// the limit (wrong); a right one resets the count (settle). So however many attempts run at
// once, at most MaxFailedLogins hashes of the real password run per lock window, and under
// Lockout "throttle" at most one per delay once throttling has started. Only a wrong password
// ever locks: concurrent right ones never do. A store that cannot record the attempt refuses
// the login with unavailable (fail closed): no hash runs, so a full disk is not an unlimited
// guessing oracle.

// attempt is a password attempt reserved on an account.
type attempt struct {
	acc *Account // the account as the reservation left it
	// until is the throttle delay this reservation set (Lockout "throttle"; zero when none):
	// the wait a wrong password causes.
	until time.Time
}

// refusal returns the error a password attempt on a gets at now before any hash (an
// administrative lock, a lock, a throttle delay, attempts in flight at the limit), or nil
// when the attempt may go on.
func (s *Service) refusal(a *Account, now time.Time) *Error {
	if err := s.lock(a, now); err != nil {
		return err
	}
	if s.policy.Lockout == LockoutThrottle && now.Before(a.LockedUntil) {
		wait := max(1, ceilSeconds(a.LockedUntil.Sub(now)))
		return Errorf(ERateLimited, "too many wrong passwords; wait %d s before the next attempt", wait).
			With("retry_after", wait)
	}
	if s.policy.Lockout == LockoutLock && a.FailedLogins >= s.policy.MaxFailedLogins {
		return Errorf(ERateLimited, "too many password attempts at once for this account").With("retry_after", 1)
	}
	return nil
}

// lock returns account_locked when a is locked at now: an administrative lock, a temporary
// lock (Lockout "lock"), or ThrottleMaxFailures consecutive failures (Lockout "throttle").
// A throttle delay is not a lock.
func (s *Service) lock(a *Account, now time.Time) *Error {
	switch {
	case a.Status == StatusLocked:
		return Errorf(EAccountLocked, "the account is locked; it can be unlocked at a police counter")
	case s.policy.Lockout == LockoutThrottle && a.FailedLogins >= s.policy.ThrottleMaxFailures:
		return Errorf(EAccountLocked, "%d consecutive wrong passwords; recover the password or have the account unlocked at a police counter",
			a.FailedLogins)
	case s.policy.Lockout == LockoutLock && now.Before(a.LockedUntil):
		return Errorf(EAccountLocked, "too many wrong passwords; the account is locked until %s",
			a.LockedUntil.Format(time.RFC3339)).With("locked_until", a.LockedUntil)
	}
	return nil
}

// lockedErr is lock as an error; flows other than the password check (finishing a
// new-device login) use it.
func (s *Service) lockedErr(a *Account, now time.Time) error {
	if err := s.lock(a, now); err != nil {
		return err
	}
	return nil
}

// throttleDelay is the wait after the n-th consecutive failure under LockoutThrottle:
// ThrottleDelay × 2^(n−MaxFailedLogins), at most ThrottleMaxDelay; none before the
// MaxFailedLogins-th.
func (s *Service) throttleDelay(n int) time.Duration {
	shift := n - s.policy.MaxFailedLogins
	switch {
	case shift < 0:
		return 0
	case shift > 40:
		return s.policy.ThrottleMaxDelay
	}
	return min(s.policy.ThrottleMaxDelay, s.policy.ThrottleDelay<<shift)
}

// reserve counts an attempt on citizenID before its hash runs. It returns the attempt, or nil
// when there is no password to try (no account, not active, no password), or the refusal of
// the account. err is the store's failure, already mapped to unavailable.
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
		if d := s.throttleDelay(a.FailedLogins); s.policy.Lockout == LockoutThrottle && d > 0 {
			until = now.Add(d)
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

// wrong settles a wrong password whose attempt at was reserved (its count stays). Under
// Lockout "lock" the account is locked for LockDuration when the count is at the limit, and
// the answer is account_locked when it is locked; otherwise invalid_credentials, with
// retry_after when this attempt started a throttle delay.
func (s *Service) wrong(ctx context.Context, at *attempt) error {
	wrong := Errorf(EInvalidCredentials, "wrong citizen ID or password")
	if s.policy.Lockout == LockoutThrottle {
		if wait := ceilSeconds(at.until.Sub(s.now())); !at.until.IsZero() && wait > 0 {
			wrong = wrong.With("retry_after", wait)
		}
		return wrong
	}
	now := s.now()
	var answer *Error
	err := s.store.Update(ctx, func(tx Tx) error {
		answer = wrong
		a, err := tx.Account(at.acc.CitizenID)
		if err != nil {
			return err
		}
		if locked := s.lock(a, now); locked != nil {
			answer = locked
			return nil
		}
		if a.FailedLogins < s.policy.MaxFailedLogins {
			return nil
		}
		a.FailedLogins = 0
		a.LockedUntil = now.Add(s.policy.LockDuration)
		a.UpdatedAt = now
		answer = s.lock(a, now)
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return failClosed(err)
	}
	return answer
}

// settle resets the count after a right password and lifts a throttle delay; rehash, when not
// "", replaces the stored hash. A lock imposed meanwhile or a password changed since refuses
// the login.
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
		if refused = s.lock(a, now); refused != nil {
			return nil
		}
		if a.PasswordHash != at.acc.PasswordHash || a.Status != StatusActive {
			refused = Errorf(EInvalidCredentials, "wrong citizen ID or password")
			return nil
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
// invalid_credentials without fields; unavailable and overloaded pass (they tell nothing
// about the ID).
func (s *Service) answer(err error) error {
	if s.policy.LoginAnswers != AnswersUniform {
		return err
	}
	switch ErrorCode(err) {
	case EUnavailable, EOverloaded, EInternal:
		return err
	}
	return Errorf(EInvalidCredentials, "wrong citizen ID or password")
}

// failClosed maps a store failure in the lockout to unavailable: the attempt could not be
// counted or decided, so it is refused.
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
