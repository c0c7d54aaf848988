package pgstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eidsim/eidsim/reference"
)

// Accounts: one per citizen, one per phone (the UNIQUE index on phone), with the lockout
// counters.

const accountCols = `citizen_id, level, phone, status, password_hash, passcode_mac, device_id,
	failed_logins, locked_until, epoch, created_at, updated_at`

const qAccUpsert = `INSERT INTO accounts (` + accountCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
	ON CONFLICT (citizen_id) DO UPDATE SET level = excluded.level, phone = excluded.phone,
	status = excluded.status, password_hash = excluded.password_hash,
	passcode_mac = excluded.passcode_mac, device_id = excluded.device_id,
	failed_logins = excluded.failed_logins, locked_until = excluded.locked_until,
	epoch = excluded.epoch, created_at = excluded.created_at, updated_at = excluded.updated_at`

func (t *tx) account(where, what, key string) (*reference.Account, error) {
	var a reference.Account
	var locked, created, updated int64
	err := t.get(`SELECT `+accountCols+` FROM accounts WHERE `+where+` = $1`, []any{key},
		&a.CitizenID, &a.Level, &a.Phone, &a.Status, &a.PasswordHash, &a.PasscodeMAC, &a.DeviceID,
		&a.FailedLogins, &locked, &a.Epoch, &created, &updated)
	if err != nil {
		return nil, notFound(err, what, key)
	}
	a.LockedUntil, a.CreatedAt, a.UpdatedAt = fromNanos(locked), fromNanos(created), fromNanos(updated)
	return &a, nil
}

func (t *tx) Account(citizenID string) (*reference.Account, error) {
	return t.account("citizen_id", "account of citizen", citizenID)
}

func (t *tx) AccountByPhone(phone string) (*reference.Account, error) {
	return t.account("phone", "account with phone", phone)
}

// phoneTaken reports whether phone is on an account of a citizen other than citizenID.
func (t *tx) phoneTaken(phone, citizenID string) error {
	var owner string
	err := t.get(`SELECT citizen_id FROM accounts WHERE phone = $1`, []any{phone}, &owner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return err
	case owner != citizenID:
		return fmt.Errorf("phone %s: %w", phone, reference.ErrPhoneInUse)
	}
	return nil
}

func accountArgs(a *reference.Account) []any {
	return []any{a.CitizenID, a.Level, a.Phone, a.Status, a.PasswordHash, a.PasscodeMAC, a.DeviceID,
		a.FailedLogins, nanos(a.LockedUntil), a.Epoch, nanos(a.CreatedAt), nanos(a.UpdatedAt)}
}

func (t *tx) CreateAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if _, err := t.Account(a.CitizenID); err == nil {
		return fmt.Errorf("citizen %s: %w", a.CitizenID, reference.ErrAccountExists)
	} else if !errors.Is(err, reference.ErrNotFound) {
		return err
	}
	if err := t.phoneTaken(a.Phone, a.CitizenID); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO accounts (`+accountCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		accountArgs(a)...)
	return err
}

// UpdateAccount checks the phone and updates in one statement (a login's two writes are
// UpdateAccounts): the row is updated only when no other account has the phone, and a
// refusal is told apart from a missing account afterwards.
func (t *tx) UpdateAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	n, err := t.exec(`UPDATE accounts SET level = $1, phone = $2, status = $3, password_hash = $4, passcode_mac = $5,
		device_id = $6, failed_logins = $7, locked_until = $8, epoch = $9, created_at = $10, updated_at = $11
		WHERE citizen_id = $12 AND NOT EXISTS (SELECT 1 FROM accounts o WHERE o.phone = $2 AND o.citizen_id <> $12)`,
		a.Level, a.Phone, a.Status, a.PasswordHash, a.PasscodeMAC, a.DeviceID,
		a.FailedLogins, nanos(a.LockedUntil), a.Epoch, nanos(a.CreatedAt), nanos(a.UpdatedAt), a.CitizenID)
	if err != nil || n > 0 {
		return err
	}
	if err := t.phoneTaken(a.Phone, a.CitizenID); err != nil {
		return err
	}
	return fmt.Errorf("account of citizen %q: %w", a.CitizenID, reference.ErrNotFound)
}

func (t *tx) PutAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if err := t.phoneTaken(a.Phone, a.CitizenID); err != nil {
		return err
	}
	_, err := t.exec(qAccUpsert, accountArgs(a)...)
	return err
}

func (t *tx) CountAccounts() (int64, error) { return t.count(`SELECT count(*) FROM accounts`) }

func (t *tx) CountAccountsChangedSince(since time.Time) (int64, error) {
	return t.count(`SELECT count(*) FROM accounts WHERE updated_at > $1`, nanos(since))
}
