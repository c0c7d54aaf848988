package reference

import (
	"context"
	"errors"
	"time"
)

// Police-counter operations. Each starts by matching a scanner capture against the registry
// (see Capture); the officer's own authentication is the HTTP layer's business.

func (s *Service) counterCitizen(tx Tx, citizenID, capture string) (*Citizen, error) {
	c, err := tx.Citizen(citizenID)
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENotFound, "no citizen with this ID")
	} else if err != nil {
		return nil, err
	}
	return c, s.matchCapture(capture, citizenID)
}

func counterAccount(tx Tx, citizenID string) (*Account, error) {
	a, err := tx.Account(citizenID)
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENotFound, "the citizen has no e-ID account")
	}
	return a, err
}

// Enroll is level-2 enrolment: after the capture matches, a level-1 account is upgraded to
// level 2 (keeping its status), or, when the citizen has none, a level-2 account is created
// pending activation on phone. phone must be registered in the citizen's own name
// (phone_not_owner) and not on another account (phone_in_use). A notice SMS goes to phone.
func (s *Service) Enroll(ctx context.Context, req EnrollRequest) (*Enrollment, error) {
	if err := firstErr(checkCitizenID(req.CitizenID), checkPhone("phone", req.Phone),
		checkText("station_id", req.StationID, false), checkText("capture", req.Capture, true)); err != nil {
		return nil, err
	}
	id, err := s.newID()
	if err != nil {
		return nil, internal(err)
	}
	now := s.now()
	out := &Enrollment{ID: id, Level: 2}
	err = s.store.Update(ctx, func(tx Tx) error {
		if _, err := s.counterCitizen(tx, req.CitizenID, req.Capture); err != nil {
			return err
		}
		if err := s.checkOwner(tx, req.Phone, req.CitizenID, "phone"); err != nil {
			return err
		}
		if err := phoneFree(tx, req.Phone, req.CitizenID); err != nil {
			return err
		}
		a, err := tx.Account(req.CitizenID)
		if errors.Is(err, ErrNotFound) {
			a = &Account{CitizenID: req.CitizenID, Level: 2, Phone: req.Phone, Status: StatusPendingActivation,
				CreatedAt: now, UpdatedAt: now}
			out.Status = a.Status
			return accountErr(tx.CreateAccount(a))
		} else if err != nil {
			return err
		}
		out.Status = a.Status
		if a.Level >= 2 {
			return nil
		}
		a.Level = 2
		a.UpdatedAt = now
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return nil, internal(err)
	}
	body := "VNeID: Ho so dang ky tai khoan dinh danh dien tu muc do 2 cua cong dan da duoc phe duyet."
	if out.Status == StatusPendingActivation {
		body += " De nghi truy cap ung dung VNeID hoac https://vneid.gov.vn de kich hoat tai khoan."
	}
	s.sendNotice(ctx, req.Phone, body)
	s.log.Info("level-2 enrolment", "enrollment", id, "station", req.StationID, "status", out.Status)
	return out, nil
}

// ChangePhone re-binds the account to new_phone after the capture matches: the number must be
// registered in the citizen's own name and not on another account. Every token issued before
// stops working. A notice SMS goes to the new phone.
func (s *Service) ChangePhone(ctx context.Context, req PhoneChangeRequest) (*AccountInfo, error) {
	if err := firstErr(checkCitizenID(req.CitizenID), checkPhone("new_phone", req.NewPhone),
		checkText("capture", req.Capture, true)); err != nil {
		return nil, err
	}
	now := s.now()
	var info *AccountInfo
	err := s.store.Update(ctx, func(tx Tx) error {
		if _, err := s.counterCitizen(tx, req.CitizenID, req.Capture); err != nil {
			return err
		}
		a, err := counterAccount(tx, req.CitizenID)
		if err != nil {
			return err
		}
		if err := s.checkOwner(tx, req.NewPhone, req.CitizenID, "new_phone"); err != nil {
			return err
		}
		a.Phone = req.NewPhone
		a.Epoch++
		a.UpdatedAt = now
		info = &AccountInfo{CitizenID: a.CitizenID, Level: a.Level}
		return accountErr(tx.UpdateAccount(a))
	})
	if err != nil {
		return nil, internal(err)
	}
	s.sendNotice(ctx, req.NewPhone, "VNeID: So dien thoai cua tai khoan dinh danh dien tu da duoc thay doi sang so nay.")
	return info, nil
}

// CounterPasswordReset puts the account back to pending activation (every token stops
// working) and opens an activation challenge whose OTP goes to the account's phone; the
// citizen finishes with VerifyActivation. If the SMS cannot be sent nothing changes.
func (s *Service) CounterPasswordReset(ctx context.Context, req CounterRequest) (*Ticket, error) {
	if err := firstErr(checkCitizenID(req.CitizenID), checkText("capture", req.Capture, true)); err != nil {
		return nil, err
	}
	return s.openChallenge(ctx, PurposeActivation, func(tx Tx, now time.Time) (challengeSpec, error) {
		if _, err := s.counterCitizen(tx, req.CitizenID, req.Capture); err != nil {
			return challengeSpec{}, err
		}
		a, err := counterAccount(tx, req.CitizenID)
		if err != nil {
			return challengeSpec{}, err
		}
		before := *a
		a.Status = StatusPendingActivation
		a.Epoch++
		a.UpdatedAt = now
		if err := tx.UpdateAccount(a); err != nil {
			return challengeSpec{}, err
		}
		undo := func(tx Tx) error {
			cur, err := tx.Account(before.CitizenID)
			if err != nil {
				return err
			}
			if cur.Epoch != a.Epoch { // changed again since: leave it
				return nil
			}
			cur.Status, cur.Epoch, cur.UpdatedAt = before.Status, before.Epoch, before.UpdatedAt
			return tx.UpdateAccount(cur)
		}
		return challengeSpec{citizenID: a.CitizenID, phone: a.Phone, deliver: true, undo: undo}, nil
	})
}

// Unlock lifts a temporary or administrative lock after the capture matches and clears the
// failed-login count.
func (s *Service) Unlock(ctx context.Context, req CounterRequest) (*AccountInfo, error) {
	if err := firstErr(checkCitizenID(req.CitizenID), checkText("capture", req.Capture, true)); err != nil {
		return nil, err
	}
	now := s.now()
	var info *AccountInfo
	err := s.store.Update(ctx, func(tx Tx) error {
		if _, err := s.counterCitizen(tx, req.CitizenID, req.Capture); err != nil {
			return err
		}
		a, err := counterAccount(tx, req.CitizenID)
		if err != nil {
			return err
		}
		if a.Status == StatusLocked {
			a.Status = StatusActive
		}
		a.FailedLogins = 0
		a.LockedUntil = time.Time{}
		a.UpdatedAt = now
		info = &AccountInfo{CitizenID: a.CitizenID, Level: a.Level}
		return tx.UpdateAccount(a)
	})
	if err != nil {
		return nil, internal(err)
	}
	return info, nil
}

// Handset answers who holds a phone number now, their carrier and their village's coverage
// ("4g" for holders outside the population); not_found for numbers without a subscriber record.
// It reads the store (see StoreWorld).
func (s *Service) Handset(ctx context.Context, phone string) (*Handset, error) {
	return StoreWorld{Store: s.store}.Handset(ctx, phone)
}
