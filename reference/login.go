package reference

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/eidsim/eidsim/generators/population"
)

// maxPasswordBytes bounds what Login hashes, so an over-long input cannot cost more than a
// normal one.
const maxPasswordBytes = 256

// Login checks a password with authenticate and then finishes on the device: on the bound
// device the answer is a token, without any store write; on another device it is a challenge
// whose OTP goes to the account's phone.
func (s *Service) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	if err := checkText("device_id", req.DeviceID, true); err != nil {
		return nil, err
	}
	acc, err := s.authenticate(ctx, req.CitizenID, req.Password)
	if err != nil {
		return nil, err
	}
	if acc.DeviceID == req.DeviceID {
		tok, err := s.issueToken(acc, s.now())
		if err != nil {
			return nil, err
		}
		return &LoginResult{Token: tok}, nil
	}
	t, err := s.openChallenge(ctx, PurposeLogin, func(tx Tx, now time.Time) (challengeSpec, error) {
		return challengeSpec{citizenID: acc.CitizenID, phone: acc.Phone, deviceID: req.DeviceID, deliver: true}, nil
	})
	if err != nil {
		return nil, err
	}
	return &LoginResult{Challenge: t}, nil
}

// authenticate checks a citizen's password and applies the lockout; it is the one password
// check of the service (Login and the OpenID Connect web login build on it) and returns the
// active account whose password matched. The order of checks: a locked account answers
// account_locked (with locked_until for a temporary lock) before the password is looked at;
// an unknown ID, an account pending activation and a wrong password all answer
// invalid_credentials, and an unknown ID costs one hash verification like a known one. The
// MaxFailedLogins-th consecutive wrong password locks the account for LockDuration and
// answers account_locked. A right password resets the count (writing only when it was not
// zero) and replaces a stored hash of another algorithm or cost (an import hash beyond the
// import's hash budget) with the service's hasher.
func (s *Service) authenticate(ctx context.Context, citizenID, password string) (*Account, error) {
	if password == "" || len(password) > maxPasswordBytes {
		return nil, Errorf(EInvalidCredentials, "wrong citizen ID or password")
	}
	var acc *Account
	if population.IsDigits(citizenID, 12) {
		err := s.store.View(ctx, func(tx Tx) error {
			var err error
			acc, err = tx.Account(citizenID)
			return err
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, internal(err)
		}
	}
	now := s.now()
	if acc != nil {
		if err := lockedErr(acc, now); err != nil {
			return nil, err
		}
	}
	if acc == nil || acc.Status != StatusActive || acc.PasswordHash == "" {
		s.hasher.Verify(s.dummyHash, password) //nolint:errcheck // timing only
		return nil, Errorf(EInvalidCredentials, "wrong citizen ID or password")
	}
	ok, err := s.hasher.Verify(acc.PasswordHash, password)
	if err != nil {
		return nil, internal(err)
	}
	if !ok {
		return nil, s.failLogin(ctx, acc.CitizenID)
	}
	rehash := ""
	if !strings.HasPrefix(acc.PasswordHash, s.hashPrefix) {
		// An import hash or another hasher's: replace it with the service's own.
		if rehash, err = s.hasher.Hash(password); err != nil {
			return nil, internal(err)
		}
	}
	if acc.FailedLogins != 0 || rehash != "" {
		err := s.store.Update(ctx, func(tx Tx) error {
			a, err := tx.Account(acc.CitizenID)
			if err != nil {
				return err
			}
			if err := lockedErr(a, now); err != nil {
				return err // a concurrent wrong password locked it meanwhile
			}
			a.FailedLogins = 0
			if rehash != "" && a.PasswordHash == acc.PasswordHash {
				a.PasswordHash = rehash
			}
			a.UpdatedAt = now
			return tx.UpdateAccount(a)
		})
		if err != nil {
			return nil, internal(err)
		}
	}
	return acc, nil
}

// lockedErr returns account_locked when the account is locked at now.
func lockedErr(a *Account, now time.Time) error {
	if a.Status == StatusLocked {
		return Errorf(EAccountLocked, "the account is locked; it can be unlocked at a police counter")
	}
	if now.Before(a.LockedUntil) {
		return Errorf(EAccountLocked, "too many wrong passwords; the account is locked until %s",
			a.LockedUntil.Format(time.RFC3339)).With("locked_until", a.LockedUntil)
	}
	return nil
}

// failLogin counts a wrong password and locks the account at the limit.
func (s *Service) failLogin(ctx context.Context, citizenID string) error {
	now := s.now()
	var result error
	err := s.store.Update(ctx, func(tx Tx) error {
		a, err := tx.Account(citizenID)
		if err != nil {
			return err
		}
		if err := lockedErr(a, now); err != nil {
			result = err
			return nil
		}
		a.FailedLogins++
		a.UpdatedAt = now
		result = Errorf(EInvalidCredentials, "wrong citizen ID or password")
		if a.FailedLogins >= s.policy.MaxFailedLogins {
			a.FailedLogins = 0
			a.LockedUntil = now.Add(s.policy.LockDuration)
			result = lockedErr(a, now)
		}
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return internal(err)
	}
	return result
}

// VerifyLogin checks a new-device OTP, binds the new device (tokens of the previous device
// stop working) and issues a token.
func (s *Service) VerifyLogin(ctx context.Context, id string, otp string) (*Token, error) {
	var acc *Account
	err := s.verifyChallenge(ctx, id, PurposeLogin, otp, func(tx Tx, ch *Challenge, now time.Time) error {
		a, err := tx.Account(ch.CitizenID)
		if err != nil {
			return err
		}
		if err := lockedErr(a, now); err != nil {
			return err
		}
		if a.Status != StatusActive {
			return Errorf(EAccountNotActive, "the account is not active")
		}
		a.DeviceID = ch.DeviceID
		a.UpdatedAt = now
		acc = a
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return nil, err
	}
	return s.issueToken(acc, s.now())
}
