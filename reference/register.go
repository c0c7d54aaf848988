package reference

import (
	"context"
	"errors"
	"time"
)

// Register starts level-1 self-registration. The citizen must be in the registry with the
// same full name and birth date (identity_mismatch otherwise, also for unknown IDs), must not
// have an account (account_exists), the phone's subscriber record must be in the citizen's own
// name (phone_not_owner), and the phone must not be on another account (phone_in_use: one
// phone, one account). The OTP goes to phone.
func (s *Service) Register(ctx context.Context, req RegisterRequest) (*Ticket, error) {
	if err := firstErr(checkCitizenID(req.CitizenID), checkText("full_name", req.FullName, true),
		checkDate("birth_date", req.BirthDate), checkPhone("phone", req.Phone),
		checkText("device_id", req.DeviceID, true)); err != nil {
		return nil, err
	}
	return s.openChallenge(ctx, PurposeRegistration, func(tx Tx, now time.Time) (challengeSpec, error) {
		if err := s.matchIdentity(tx, req.CitizenID, req.FullName, req.BirthDate); err != nil {
			return challengeSpec{}, err
		}
		if _, err := tx.Account(req.CitizenID); err == nil {
			return challengeSpec{}, Errorf(EAccountExists, "the citizen has an e-ID account already")
		} else if !errors.Is(err, ErrNotFound) {
			return challengeSpec{}, err
		}
		if err := s.checkOwner(tx, req.Phone, req.CitizenID, "phone"); err != nil {
			return challengeSpec{}, err
		}
		if err := phoneFree(tx, req.Phone, req.CitizenID); err != nil {
			return challengeSpec{}, err
		}
		return challengeSpec{citizenID: req.CitizenID, phone: req.Phone, deviceID: req.DeviceID, deliver: true}, nil
	})
}

// VerifyRegistration checks the password rule and passcode first (a weak password does not
// burn an attempt), then the OTP, and creates an active level-1 account bound to the
// registering device.
func (s *Service) VerifyRegistration(ctx context.Context, id string, req VerifyRequest) (*AccountInfo, error) {
	if err := firstErr(s.policy.CheckPassword(req.Password), s.checkPasscode(req.Passcode), s.checkOTPFormat(req.OTP)); err != nil {
		return nil, err
	}
	if err := s.peekChallenge(ctx, id, PurposeRegistration); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, hashClassFinish, req.Password)
	if err != nil {
		return nil, err
	}
	var info *AccountInfo
	err = s.verifyChallenge(ctx, id, PurposeRegistration, req.OTP, func(tx Tx, ch *Challenge, now time.Time) error {
		a := &Account{CitizenID: ch.CitizenID, Level: 1, Phone: ch.Phone, Status: StatusActive, PasswordHash: hash,
			PasscodeMAC: s.passcodeMAC(ch.CitizenID, req.Passcode), DeviceID: ch.DeviceID, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateAccount(a); err != nil {
			return accountErr(err)
		}
		info = &AccountInfo{CitizenID: a.CitizenID, Level: a.Level}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return info, nil
}

func (s *Service) passcodeMAC(citizenID, passcode string) []byte {
	return mac(s.passcodeKey, "passcode", citizenID, passcode)
}

// matchIdentity checks that the citizen exists with that name and birth date.
func (s *Service) matchIdentity(tx Tx, citizenID, fullName, birthDate string) error {
	c, err := tx.Citizen(citizenID)
	if errors.Is(err, ErrNotFound) || (err == nil && (!sameName(c.FullName, fullName) || c.BirthDate != birthDate)) {
		return Errorf(EIdentityMismatch, "the identity data do not match the population registry")
	}
	return err
}

// checkOwner checks that the phone's subscriber record is in the citizen's own name.
func (s *Service) checkOwner(tx Tx, phone, citizenID, field string) error {
	sub, err := tx.Subscriber(phone)
	if errors.Is(err, ErrNotFound) || (err == nil && sub.OwnerID != citizenID) {
		return Errorf(EPhoneNotOwner, "the SIM of this phone number is not registered in the citizen's own name").With("field", field)
	}
	return err
}

// phoneFree checks that no other citizen's account has the phone.
func phoneFree(tx Tx, phone, citizenID string) error {
	a, err := tx.AccountByPhone(phone)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	case a.CitizenID != citizenID:
		return Errorf(EPhoneInUse, "the phone number is registered on another e-ID account")
	}
	return nil
}

// accountErr maps store uniqueness errors to domain errors.
func accountErr(err error) error {
	switch {
	case errors.Is(err, ErrAccountExists):
		return Errorf(EAccountExists, "the citizen has an e-ID account already")
	case errors.Is(err, ErrPhoneInUse):
		return Errorf(EPhoneInUse, "the phone number is registered on another e-ID account")
	}
	return err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
