package reference

import (
	"context"
	"errors"
)

// Identity is what a relying party may learn about a signed-in citizen through the OpenID
// Connect provider (reference/oidc): the registry's identity and the account's level.
type Identity struct {
	CitizenID string `json:"citizen_id"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date"` // YYYY-MM-DD
	Sex       string `json:"sex"`
	Level     int    `json:"level"`
}

// Identity returns the registry identity and the current account level of a citizen whose
// account is active: ENotFound for an unknown citizen, EUnauthorized when there is no active
// account. The OpenID Connect provider calls it after a login through Login/VerifyLogin, and
// again for userinfo, so the level is read afresh each time.
func (s *Service) Identity(ctx context.Context, citizenID string) (*Identity, error) {
	var id *Identity
	err := s.store.View(ctx, func(tx Tx) error {
		cit, err := tx.Citizen(citizenID)
		if errors.Is(err, ErrNotFound) {
			return Errorf(ENotFound, "no such citizen")
		} else if err != nil {
			return err
		}
		a, err := tx.Account(citizenID)
		if errors.Is(err, ErrNotFound) {
			return Errorf(EUnauthorized, "the citizen has no account")
		} else if err != nil {
			return err
		}
		if a.Status != StatusActive {
			return Errorf(EUnauthorized, "the account is not active")
		}
		id = &Identity{CitizenID: cit.ID, FullName: cit.FullName, BirthDate: cit.BirthDate, Sex: cit.Sex, Level: a.Level}
		return nil
	})
	if err != nil {
		return nil, internal(err)
	}
	return id, nil
}
