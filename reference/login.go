package reference

import (
	"context"
	"strings"
	"time"
)

// maxPasswordBytes bounds what Login hashes, so an over-long input cannot cost more than a
// normal one.
const maxPasswordBytes = 256

// Login checks a password with authenticate and then finishes on the device: on the bound
// device the answer is a token, without a further store write; on another device it is a
// challenge whose OTP goes to the account's phone.
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

// authenticate checks a citizen's password and applies the lockout (lockout.go); it is the
// one password check of the service (Login and the OpenID Connect web login build on it) and
// returns the active account whose password matched. In order:
//
//   - a hashing slot is taken (admission.go): a full queue answers overloaded, a client gone
//     meanwhile costs nothing;
//   - the attempt is counted in one write transaction (a store that cannot write answers
//     unavailable: fail closed) — unless the account is locked (account_locked, with
//     locked_until for a temporary lock), throttled (rate_limited with retry_after) or has
//     MaxFailedLogins attempts failed or in flight (rate_limited, retry_after 1);
//   - the password is verified; every refusal above, an unknown ID, an account pending
//     activation and a malformed ID cost one dummy verification, so the answer takes one
//     hash's time whatever it is;
//   - a wrong password answers invalid_credentials, or account_locked when it was the
//     MaxFailedLogins-th (Lockout "lock");
//   - a right password resets the count and replaces a stored hash of another algorithm or
//     cost (an import hash) with the service's hasher.
//
// Under Policy.LoginAnswers "uniform" every refusal answers invalid_credentials.
func (s *Service) authenticate(ctx context.Context, citizenID, password string) (*Account, error) {
	if password == "" || len(password) > maxPasswordBytes {
		return nil, Errorf(EInvalidCredentials, "wrong citizen ID or password")
	}
	release, err := s.hashq.acquire(ctx, hashClassLogin)
	if err != nil {
		return nil, err
	}
	defer release()
	var at *attempt
	refused := Errorf(EInvalidCredentials, "wrong citizen ID or password")
	if isDigits(citizenID, 12) {
		var r *Error
		if at, r, err = s.reserve(ctx, citizenID); err != nil {
			return nil, err
		}
		if r != nil {
			refused = r
		}
	}
	if at == nil {
		s.hasher.Verify(s.dummyHash, password) //nolint:errcheck // timing only
		return nil, s.answer(refused)
	}
	ok, err := s.hasher.Verify(at.acc.PasswordHash, password)
	if err != nil {
		return nil, internal(err)
	}
	if !ok {
		release()
		return nil, s.answer(s.wrong(ctx, at))
	}
	rehash := ""
	if !strings.HasPrefix(at.acc.PasswordHash, s.hashPrefix) {
		// An import hash or another hasher's: replace it with the service's own.
		if rehash, err = s.hasher.Hash(password); err != nil {
			return nil, internal(err)
		}
	}
	release()
	acc, err := s.settle(ctx, at, rehash)
	if err != nil {
		return nil, s.answer(err)
	}
	return acc, nil
}

// signInAccount reads the account a login challenge signs in to, inside the challenge's
// transaction: refused when it was locked or deactivated since the password was checked.
func (s *Service) signInAccount(tx Tx, citizenID string, now time.Time) (*Account, error) {
	a, err := tx.Account(citizenID)
	if err != nil {
		return nil, err
	}
	if err := s.lockedErr(a, now); err != nil {
		return nil, err
	}
	if a.Status != StatusActive {
		return nil, Errorf(EAccountNotActive, "the account is not active")
	}
	return a, nil
}

// VerifyLogin checks a new-device OTP, binds the new device (tokens of the previous device
// stop working) and issues a token.
func (s *Service) VerifyLogin(ctx context.Context, id string, otp string) (*Token, error) {
	var acc *Account
	err := s.verifyChallenge(ctx, id, PurposeLogin, otp, func(tx Tx, ch *Challenge, now time.Time) error {
		a, err := s.signInAccount(tx, ch.CitizenID, now)
		if err != nil {
			return err
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
