package reference

import (
	"context"
	"errors"
	"time"
)

// StartRecovery starts forgotten-password recovery. The answer is a ticket of the same shape
// whatever the data: a challenge is opened and the phone's send limit charged in every case,
// but the OTP is sent (to the account's phone) only when the citizen exists with that full
// name and birth date, has an account that is not pending activation, and phone is the
// account's phone. Otherwise no code can ever match the challenge. Only malformed input
// (invalid_input) and the send limit (rate_limited) give other answers.
func (s *Service) StartRecovery(ctx context.Context, req RecoveryRequest) (*Ticket, error) {
	if err := firstErr(checkCitizenID(req.CitizenID), checkPhone("phone", req.Phone),
		checkText("full_name", req.FullName, true), checkDate("birth_date", req.BirthDate)); err != nil {
		return nil, err
	}
	return s.openChallenge(ctx, PurposeRecovery, func(tx Tx, now time.Time) (challengeSpec, error) {
		spec := challengeSpec{citizenID: req.CitizenID, phone: req.Phone}
		err := s.matchIdentity(tx, req.CitizenID, req.FullName, req.BirthDate)
		if ErrorCode(err) == EIdentityMismatch {
			return spec, nil
		} else if err != nil {
			return spec, err
		}
		a, err := tx.Account(req.CitizenID)
		if errors.Is(err, ErrNotFound) {
			return spec, nil
		} else if err != nil {
			return spec, err
		}
		spec.deliver = a.Phone == req.Phone && a.Status != StatusPendingActivation
		return spec, nil
	})
}

// VerifyRecovery checks the new password against the rule (before the OTP), then the OTP, and
// sets the new password: the failed-login count and any temporary lock are cleared and the
// epoch moves on, so every token issued before stops working.
func (s *Service) VerifyRecovery(ctx context.Context, id string, req RecoveryVerifyRequest) (string, error) {
	if err := s.policy.checkPassword(req.NewPassword, "new_password"); err != nil {
		return "", err
	}
	if err := s.checkOTPFormat(req.OTP); err != nil {
		return "", err
	}
	if err := s.peekChallenge(ctx, id, PurposeRecovery); err != nil {
		return "", err
	}
	hash, err := s.hashPassword(ctx, hashClassFinish, req.NewPassword)
	if err != nil {
		return "", err
	}
	var citizenID string
	err = s.verifyChallenge(ctx, id, PurposeRecovery, req.OTP, func(tx Tx, ch *Challenge, now time.Time) error {
		a, err := tx.Account(ch.CitizenID)
		if err != nil {
			return err
		}
		a.PasswordHash = hash
		a.FailedLogins = 0
		a.LockedUntil = time.Time{}
		a.Epoch++
		a.UpdatedAt = now
		citizenID = a.CitizenID
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return "", err
	}
	return citizenID, nil
}

// StartActivation sends an OTP to the phone of an account pending activation (created at the
// counter, or reset there). Unknown citizen, no such account, an account not pending
// activation, or a phone other than the account's all answer identity_mismatch.
func (s *Service) StartActivation(ctx context.Context, req ActivationRequest) (*Ticket, error) {
	if err := firstErr(checkCitizenID(req.CitizenID), checkPhone("phone", req.Phone),
		checkText("device_id", req.DeviceID, true)); err != nil {
		return nil, err
	}
	return s.openChallenge(ctx, PurposeActivation, func(tx Tx, now time.Time) (challengeSpec, error) {
		a, err := tx.Account(req.CitizenID)
		if errors.Is(err, ErrNotFound) || (err == nil && (a.Status != StatusPendingActivation || a.Phone != req.Phone)) {
			return challengeSpec{}, Errorf(EIdentityMismatch, "no account pending activation matches this citizen ID and phone")
		} else if err != nil {
			return challengeSpec{}, err
		}
		return challengeSpec{citizenID: a.CitizenID, phone: a.Phone, deviceID: req.DeviceID, deliver: true}, nil
	})
}

// VerifyActivation checks the password rule and passcode, then the OTP, and activates the
// account: password and passcode set, the starting device bound (an activation started at the
// counter, without a device, keeps the previous binding), lock and failed count cleared.
func (s *Service) VerifyActivation(ctx context.Context, id string, req VerifyRequest) (*AccountInfo, error) {
	if err := firstErr(s.policy.CheckPassword(req.Password), s.checkPasscode(req.Passcode), s.checkOTPFormat(req.OTP)); err != nil {
		return nil, err
	}
	if err := s.peekChallenge(ctx, id, PurposeActivation); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, hashClassFinish, req.Password)
	if err != nil {
		return nil, err
	}
	var info *AccountInfo
	err = s.verifyChallenge(ctx, id, PurposeActivation, req.OTP, func(tx Tx, ch *Challenge, now time.Time) error {
		a, err := tx.Account(ch.CitizenID)
		if err != nil {
			return err
		}
		if a.Status != StatusPendingActivation {
			return Errorf(EAccountExists, "the account is active already")
		}
		a.Status = StatusActive
		a.PasswordHash = hash
		a.PasscodeMAC = s.passcodeMAC(a.CitizenID, req.Passcode)
		if ch.DeviceID != "" {
			a.DeviceID = ch.DeviceID
		}
		a.FailedLogins = 0
		a.LockedUntil = time.Time{}
		a.Epoch++
		a.UpdatedAt = now
		info = &AccountInfo{CitizenID: a.CitizenID, Level: a.Level}
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return nil, err
	}
	return info, nil
}
