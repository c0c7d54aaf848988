package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eidsim/eidsim/reference"
)

// tx implements reference.Tx on one pgx.Tx. pgx prepares each statement text once per
// connection and reuses it (its statement cache).
type tx struct {
	ctx context.Context
	tx  pgx.Tx
	ro  bool
	// abort is the first error PostgreSQL returned: the transaction is aborted from then on,
	// and Update re-runs fn when it is a serialization failure.
	abort error
}

var _ reference.Tx = (*tx)(nil)

func (t *tx) write() error {
	if t.ro {
		return reference.ErrReadOnly
	}
	return nil
}

// fail records err (not a missing row) as the transaction's abort and returns it.
func (t *tx) fail(err error) error {
	if err != nil && !errors.Is(err, pgx.ErrNoRows) && t.abort == nil {
		t.abort = err
	}
	return err
}

func (t *tx) exec(sql string, args ...any) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	tag, err := t.tx.Exec(t.ctx, sql, args...)
	if err != nil {
		return 0, t.fail(err)
	}
	return tag.RowsAffected(), nil
}

// get scans the one row of sql into dest; pgx.ErrNoRows when there is none.
func (t *tx) get(sql string, args []any, dest ...any) error {
	return t.fail(t.tx.QueryRow(t.ctx, sql, args...).Scan(dest...))
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func notFound(err error, what, key string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", what, key, reference.ErrNotFound)
	}
	return err
}

const citizenCols = `id, full_name, sex, birth_date, province_code, ethnicity, village_id, coverage,
	handset, biometric_quality`

const qCitizenPut = `INSERT INTO citizens (` + citizenCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
	ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, sex = excluded.sex,
	birth_date = excluded.birth_date, province_code = excluded.province_code,
	ethnicity = excluded.ethnicity, village_id = excluded.village_id, coverage = excluded.coverage,
	handset = excluded.handset, biometric_quality = excluded.biometric_quality`

func (t *tx) Citizen(id string) (*reference.Citizen, error) {
	var c reference.Citizen
	var captures int64
	err := t.get(`SELECT `+citizenCols+`, captures FROM citizens WHERE id = $1`, []any{id},
		&c.ID, &c.FullName, &c.Sex, &c.BirthDate, &c.ProvinceCode, &c.Ethnicity, &c.VillageID, &c.Coverage,
		&c.Handset, &c.BiometricQuality, &captures)
	if err != nil {
		return nil, notFound(err, "citizen", id)
	}
	c.Captures = uint64(captures)
	return &c, nil
}

func (t *tx) PutCitizen(c *reference.Citizen) error {
	_, err := t.exec(qCitizenPut, citizenArgs(c)...)
	return err
}

func citizenArgs(c *reference.Citizen) []any {
	return []any{c.ID, c.FullName, c.Sex, c.BirthDate, c.ProvinceCode, c.Ethnicity, c.VillageID, c.Coverage,
		c.Handset, c.BiometricQuality}
}

func (t *tx) NextCapture(id string) (uint64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	var n int64
	if err := t.get(`UPDATE citizens SET captures = captures + 1 WHERE id = $1 RETURNING captures`, []any{id}, &n); err != nil {
		return 0, notFound(err, "citizen", id)
	}
	return uint64(n), nil
}

func (t *tx) count(sql string, args ...any) (int64, error) {
	var n int64
	err := t.get(sql, args, &n)
	return n, err
}

func (t *tx) CountCitizens() (int64, error) { return t.count(`SELECT count(*) FROM citizens`) }

func (t *tx) Subscriber(phone string) (*reference.Subscriber, error) {
	var s reference.Subscriber
	err := t.get(`SELECT phone, carrier, owner_id, holder_id FROM subscribers WHERE phone = $1`, []any{phone},
		&s.Phone, &s.Carrier, &s.OwnerID, &s.HolderID)
	if err != nil {
		return nil, notFound(err, "subscriber", phone)
	}
	return &s, nil
}

const qSubPut = `INSERT INTO subscribers (phone, carrier, owner_id, holder_id) VALUES ($1, $2, $3, $4)
	ON CONFLICT (phone) DO UPDATE SET carrier = excluded.carrier, owner_id = excluded.owner_id,
	holder_id = excluded.holder_id`

const qSubAdd = `INSERT INTO subscribers (phone, carrier, owner_id, holder_id) VALUES ($1, $2, $3, $4)
	ON CONFLICT (phone) DO NOTHING`

func (t *tx) PutSubscriber(s *reference.Subscriber) error {
	_, err := t.exec(qSubPut, s.Phone, s.Carrier, s.OwnerID, s.HolderID)
	return err
}

func (t *tx) AddSubscriber(s *reference.Subscriber) (bool, error) {
	n, err := t.exec(qSubAdd, s.Phone, s.Carrier, s.OwnerID, s.HolderID)
	return n > 0, err
}

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

func (t *tx) Key(name string) ([]byte, error) {
	var v []byte
	if err := t.get(`SELECT value FROM keys WHERE name = $1`, []any{name}, &v); err != nil {
		return nil, notFound(err, "key", name)
	}
	return v, nil
}

func (t *tx) PutKey(name string, value []byte) error {
	n, err := t.exec(`INSERT INTO keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, value)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("key %q: %w", name, reference.ErrExists)
	}
	return nil
}

const importCols = `sha256, path, imported_at, stats`

func scanImport(row pgx.Row) (*reference.ImportRecord, error) {
	var r reference.ImportRecord
	var at int64
	var stats string
	if err := row.Scan(&r.SHA256, &r.Path, &at, &stats); err != nil {
		return nil, err
	}
	r.ImportedAt = fromNanos(at)
	if err := json.Unmarshal([]byte(stats), &r.Stats); err != nil {
		return nil, fmt.Errorf("import %s: stats: %w", r.SHA256, err)
	}
	return &r, nil
}

func (t *tx) Import(sha string) (*reference.ImportRecord, error) {
	r, err := scanImport(t.tx.QueryRow(t.ctx, `SELECT `+importCols+` FROM imports WHERE sha256 = $1`, sha))
	if err != nil {
		return nil, notFound(t.fail(err), "import", sha)
	}
	return r, nil
}

func (t *tx) PutImport(r *reference.ImportRecord) error {
	stats, err := json.Marshal(r.Stats)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO imports (`+importCols+`) VALUES ($1, $2, $3, $4)
		ON CONFLICT (sha256) DO UPDATE SET path = excluded.path, imported_at = excluded.imported_at,
		stats = excluded.stats`, r.SHA256, r.Path, nanos(r.ImportedAt), string(stats))
	return err
}

func (t *tx) Imports() ([]reference.ImportRecord, error) {
	rows, err := t.tx.Query(t.ctx, `SELECT `+importCols+` FROM imports ORDER BY imported_at, sha256`)
	if err != nil {
		return nil, t.fail(err)
	}
	defer rows.Close()
	var out []reference.ImportRecord
	for rows.Next() {
		r, err := scanImport(rows)
		if err != nil {
			return nil, t.fail(err)
		}
		out = append(out, *r)
	}
	return out, t.fail(rows.Err())
}
