package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// Statement indexes; stmtSQL holds their text. Statements are prepared once per connection
// and reused by every transaction.
const (
	sCitizenGet = iota
	sCitizenPut
	sCitizenNextCapture
	sCitizenCount
	sSubGet
	sSubPut
	sSubAdd
	sAccGet
	sAccByPhone
	sAccPhoneOwner
	sAccInsert
	sAccUpdate
	sAccUpsert
	sAccCount
	sAccChangedSince
	sChGet
	sChInsert
	sChUpdate
	sChDelete
	sChDeleteSends
	sChDeleteExpiredSends
	sChDeleteExpired
	sSendAdd
	sSendCount
	sSendDelete
	sEventAdd
	sEventCount
	sEventDelete
	sEventDeleteAll
	sKeyGet
	sKeyPut
	sImportGet
	sImportPut
	sImportAll
	sProvGet
	sProvPut
	sProvDelete
	sProvAll
	sProvDelFamily
	sProvDelOwner
	sProvDelExpired
	nStmts
)

const accountCols = `citizen_id, level, phone, status, password_hash, passcode_mac, device_id,
	failed_logins, locked_until, epoch, created_at, updated_at`

const challengeCols = `id, purpose, citizen_id, phone, device_id, code_mac, attempts, resends,
	created_at, sent_at, expires_at, consumed_at`

var stmtSQL = [nStmts]string{
	sCitizenGet: `SELECT id, full_name, sex, birth_date, province_code, ethnicity, village_id, coverage,
		handset, biometric_quality, captures FROM citizens WHERE id = ?`,
	sCitizenPut: `INSERT INTO citizens (id, full_name, sex, birth_date, province_code, ethnicity,
		village_id, coverage, handset, biometric_quality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, sex = excluded.sex,
		birth_date = excluded.birth_date, province_code = excluded.province_code,
		ethnicity = excluded.ethnicity, village_id = excluded.village_id, coverage = excluded.coverage,
		handset = excluded.handset, biometric_quality = excluded.biometric_quality`,
	sCitizenNextCapture: `UPDATE citizens SET captures = captures + 1 WHERE id = ? RETURNING captures`,
	sCitizenCount:       `SELECT count(*) FROM citizens`,
	sSubGet:             `SELECT phone, carrier, owner_id, holder_id FROM subscribers WHERE phone = ?`,
	sSubPut: `INSERT INTO subscribers (phone, carrier, owner_id, holder_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET carrier = excluded.carrier, owner_id = excluded.owner_id,
		holder_id = excluded.holder_id`,
	sSubAdd: `INSERT INTO subscribers (phone, carrier, owner_id, holder_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (phone) DO NOTHING`,
	sAccGet:        `SELECT ` + accountCols + ` FROM accounts WHERE citizen_id = ?`,
	sAccByPhone:    `SELECT ` + accountCols + ` FROM accounts WHERE phone = ?`,
	sAccPhoneOwner: `SELECT citizen_id FROM accounts WHERE phone = ?`,
	sAccInsert:     `INSERT INTO accounts (` + accountCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	sAccUpdate: `UPDATE accounts SET level = ?, phone = ?, status = ?, password_hash = ?, passcode_mac = ?,
		device_id = ?, failed_logins = ?, locked_until = ?, epoch = ?, created_at = ?, updated_at = ?
		WHERE citizen_id = ?`,
	sAccUpsert: `INSERT INTO accounts (` + accountCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (citizen_id) DO UPDATE SET level = excluded.level, phone = excluded.phone,
		status = excluded.status, password_hash = excluded.password_hash,
		passcode_mac = excluded.passcode_mac, device_id = excluded.device_id,
		failed_logins = excluded.failed_logins, locked_until = excluded.locked_until,
		epoch = excluded.epoch, created_at = excluded.created_at, updated_at = excluded.updated_at`,
	sAccCount:        `SELECT count(*) FROM accounts`,
	sAccChangedSince: `SELECT count(*) FROM accounts WHERE updated_at > ?`,
	sChGet:           `SELECT ` + challengeCols + ` FROM challenges WHERE id = ?`,
	sChInsert:        `INSERT INTO challenges (` + challengeCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	sChUpdate: `UPDATE challenges SET purpose = ?, citizen_id = ?, phone = ?, device_id = ?, code_mac = ?,
		attempts = ?, resends = ?, created_at = ?, sent_at = ?, expires_at = ?, consumed_at = ? WHERE id = ?`,
	sChDelete:      `DELETE FROM challenges WHERE id = ?`,
	sChDeleteSends: `DELETE FROM otp_sends WHERE challenge_id = ?`,
	sChDeleteExpiredSends: `DELETE FROM otp_sends WHERE challenge_id IN
		(SELECT id FROM challenges WHERE expires_at < ?)`,
	sChDeleteExpired: `DELETE FROM challenges WHERE expires_at < ?`,
	sSendAdd:         `INSERT INTO otp_sends (phone, at, challenge_id) VALUES (?, ?, ?)`,
	sSendCount:       `SELECT count(*) FROM otp_sends WHERE phone = ? AND at >= ?`,
	sSendDelete:      `DELETE FROM otp_sends WHERE challenge_id = ? AND at = ?`,
	sEventAdd:        `INSERT INTO events (key, at) VALUES (?, ?)`,
	sEventCount:      `SELECT count(*) FROM events WHERE key = ? AND at >= ?`,
	sEventDelete:     `DELETE FROM events WHERE key = ? AND at < ?`,
	sEventDeleteAll:  `DELETE FROM events WHERE at < ?`,
	sKeyGet:          `SELECT value FROM keys WHERE name = ?`,
	sKeyPut:          `INSERT INTO keys (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
	sImportGet:       `SELECT sha256, path, imported_at, stats FROM imports WHERE sha256 = ?`,
	sImportPut: `INSERT INTO imports (sha256, path, imported_at, stats) VALUES (?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET path = excluded.path, imported_at = excluded.imported_at,
		stats = excluded.stats`,
	sImportAll: `SELECT sha256, path, imported_at, stats FROM imports ORDER BY imported_at, sha256`,
	sProvGet:   `SELECT ` + providerCols + ` FROM provider_records WHERE kind = ? AND id = ?`,
	sProvPut: `INSERT INTO provider_records (` + providerCols + `) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, id) DO UPDATE SET family = excluded.family, owner = excluded.owner,
		data = excluded.data, expires = excluded.expires`,
	sProvDelete:     `DELETE FROM provider_records WHERE kind = ? AND id = ?`,
	sProvAll:        `SELECT ` + providerCols + ` FROM provider_records WHERE kind = ? ORDER BY id`,
	sProvDelFamily:  `DELETE FROM provider_records WHERE family = ?`,
	sProvDelOwner:   `DELETE FROM provider_records WHERE kind = ? AND owner = ?`,
	sProvDelExpired: `DELETE FROM provider_records WHERE expires < ?`,
}

// tx implements reference.Tx on one *sql.Tx.
type tx struct {
	ctx   context.Context
	tx    *sql.Tx
	prep  *[nStmts]*sql.Stmt
	stmts [nStmts]*sql.Stmt
	ro    bool
	bulk  *bulkStmts
}

var _ reference.Tx = (*tx)(nil)

func (t *tx) stmt(i int) *sql.Stmt {
	if st := t.stmts[i]; st != nil {
		return st
	}
	st := t.tx.StmtContext(t.ctx, t.prep[i])
	t.stmts[i] = st
	return st
}

func (t *tx) write() error {
	if t.ro {
		return reference.ErrReadOnly
	}
	return nil
}

func (t *tx) exec(i int, args ...any) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	res, err := t.stmt(i).ExecContext(t.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
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
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", what, key, reference.ErrNotFound)
	}
	return err
}

func (t *tx) Citizen(id string) (*reference.Citizen, error) {
	var c reference.Citizen
	var captures int64
	err := t.stmt(sCitizenGet).QueryRowContext(t.ctx, id).Scan(&c.ID, &c.FullName, &c.Sex, &c.BirthDate,
		&c.ProvinceCode, &c.Ethnicity, &c.VillageID, &c.Coverage, &c.Handset, &c.BiometricQuality, &captures)
	if err != nil {
		return nil, notFound(err, "citizen", id)
	}
	c.Captures = uint64(captures)
	return &c, nil
}

func (t *tx) PutCitizen(c *reference.Citizen) error {
	_, err := t.exec(sCitizenPut, c.ID, c.FullName, c.Sex, c.BirthDate, c.ProvinceCode, c.Ethnicity,
		c.VillageID, c.Coverage, c.Handset, c.BiometricQuality)
	return err
}

func (t *tx) NextCapture(id string) (uint64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	var n int64
	if err := t.stmt(sCitizenNextCapture).QueryRowContext(t.ctx, id).Scan(&n); err != nil {
		return 0, notFound(err, "citizen", id)
	}
	return uint64(n), nil
}

func (t *tx) count(i int) (int64, error) {
	var n int64
	err := t.stmt(i).QueryRowContext(t.ctx).Scan(&n)
	return n, err
}

func (t *tx) CountCitizens() (int64, error) { return t.count(sCitizenCount) }

func (t *tx) Subscriber(phone string) (*reference.Subscriber, error) {
	var s reference.Subscriber
	err := t.stmt(sSubGet).QueryRowContext(t.ctx, phone).Scan(&s.Phone, &s.Carrier, &s.OwnerID, &s.HolderID)
	if err != nil {
		return nil, notFound(err, "subscriber", phone)
	}
	return &s, nil
}

func (t *tx) PutSubscriber(s *reference.Subscriber) error {
	_, err := t.exec(sSubPut, s.Phone, s.Carrier, s.OwnerID, s.HolderID)
	return err
}

func (t *tx) AddSubscriber(s *reference.Subscriber) (bool, error) {
	n, err := t.exec(sSubAdd, s.Phone, s.Carrier, s.OwnerID, s.HolderID)
	return n > 0, err
}

func scanAccount(row *sql.Row, what, key string) (*reference.Account, error) {
	var a reference.Account
	var locked, created, updated int64
	err := row.Scan(&a.CitizenID, &a.Level, &a.Phone, &a.Status, &a.PasswordHash, &a.PasscodeMAC, &a.DeviceID,
		&a.FailedLogins, &locked, &a.Epoch, &created, &updated)
	if err != nil {
		return nil, notFound(err, what, key)
	}
	a.LockedUntil, a.CreatedAt, a.UpdatedAt = fromNanos(locked), fromNanos(created), fromNanos(updated)
	return &a, nil
}

func (t *tx) Account(citizenID string) (*reference.Account, error) {
	return scanAccount(t.stmt(sAccGet).QueryRowContext(t.ctx, citizenID), "account of citizen", citizenID)
}

func (t *tx) AccountByPhone(phone string) (*reference.Account, error) {
	return scanAccount(t.stmt(sAccByPhone).QueryRowContext(t.ctx, phone), "account with phone", phone)
}

// phoneTaken reports whether phone is on an account of a citizen other than citizenID.
func (t *tx) phoneTaken(phone, citizenID string) error {
	var owner string
	err := t.stmt(sAccPhoneOwner).QueryRowContext(t.ctx, phone).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
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
	_, err := t.exec(sAccInsert, accountArgs(a)...)
	return err
}

func (t *tx) UpdateAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if err := t.phoneTaken(a.Phone, a.CitizenID); err != nil {
		return err
	}
	n, err := t.exec(sAccUpdate, a.Level, a.Phone, a.Status, a.PasswordHash, a.PasscodeMAC, a.DeviceID,
		a.FailedLogins, nanos(a.LockedUntil), a.Epoch, nanos(a.CreatedAt), nanos(a.UpdatedAt), a.CitizenID)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("account of citizen %q: %w", a.CitizenID, reference.ErrNotFound)
	}
	return nil
}

func (t *tx) PutAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if err := t.phoneTaken(a.Phone, a.CitizenID); err != nil {
		return err
	}
	_, err := t.exec(sAccUpsert, accountArgs(a)...)
	return err
}

func (t *tx) CountAccounts() (int64, error) { return t.count(sAccCount) }

func (t *tx) CountAccountsChangedSince(since time.Time) (int64, error) {
	var n int64
	err := t.stmt(sAccChangedSince).QueryRowContext(t.ctx, nanos(since)).Scan(&n)
	return n, err
}

func (t *tx) Challenge(id string) (*reference.Challenge, error) {
	var c reference.Challenge
	var created, sent, expires, consumed int64
	err := t.stmt(sChGet).QueryRowContext(t.ctx, id).Scan(&c.ID, &c.Purpose, &c.CitizenID, &c.Phone, &c.DeviceID,
		&c.CodeMAC, &c.Attempts, &c.Resends, &created, &sent, &expires, &consumed)
	if err != nil {
		return nil, notFound(err, "challenge", id)
	}
	c.CreatedAt, c.SentAt, c.ExpiresAt, c.ConsumedAt = fromNanos(created), fromNanos(sent), fromNanos(expires), fromNanos(consumed)
	return &c, nil
}

func (t *tx) CreateChallenge(c *reference.Challenge) error {
	if err := t.write(); err != nil {
		return err
	}
	if _, err := t.Challenge(c.ID); err == nil {
		return fmt.Errorf("challenge %q: %w", c.ID, reference.ErrExists)
	} else if !errors.Is(err, reference.ErrNotFound) {
		return err
	}
	_, err := t.exec(sChInsert, c.ID, c.Purpose, c.CitizenID, c.Phone, c.DeviceID, c.CodeMAC, c.Attempts,
		c.Resends, nanos(c.CreatedAt), nanos(c.SentAt), nanos(c.ExpiresAt), nanos(c.ConsumedAt))
	return err
}

func (t *tx) UpdateChallenge(c *reference.Challenge) error {
	n, err := t.exec(sChUpdate, c.Purpose, c.CitizenID, c.Phone, c.DeviceID, c.CodeMAC, c.Attempts, c.Resends,
		nanos(c.CreatedAt), nanos(c.SentAt), nanos(c.ExpiresAt), nanos(c.ConsumedAt), c.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("challenge %q: %w", c.ID, reference.ErrNotFound)
	}
	return nil
}

func (t *tx) DeleteChallenge(id string) error {
	n, err := t.exec(sChDelete, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("challenge %q: %w", id, reference.ErrNotFound)
	}
	_, err = t.exec(sChDeleteSends, id)
	return err
}

func (t *tx) DeleteExpiredChallenges(before time.Time) (int64, error) {
	if _, err := t.exec(sChDeleteExpiredSends, nanos(before)); err != nil {
		return 0, err
	}
	return t.exec(sChDeleteExpired, nanos(before))
}

func (t *tx) AddSend(phone string, at time.Time, challengeID string) error {
	_, err := t.exec(sSendAdd, phone, nanos(at), challengeID)
	return err
}

func (t *tx) CountSends(phone string, since time.Time) (int, error) {
	var n int
	err := t.stmt(sSendCount).QueryRowContext(t.ctx, phone, nanos(since)).Scan(&n)
	return n, err
}

func (t *tx) DeleteSend(challengeID string, at time.Time) (int64, error) {
	return t.exec(sSendDelete, challengeID, nanos(at))
}

func (t *tx) AddEvent(key string, at time.Time) error {
	_, err := t.exec(sEventAdd, key, nanos(at))
	return err
}

func (t *tx) CountEvents(key string, since time.Time) (int, error) {
	var n int
	err := t.stmt(sEventCount).QueryRowContext(t.ctx, key, nanos(since)).Scan(&n)
	return n, err
}

func (t *tx) DeleteEvents(key string, before time.Time) (int64, error) {
	if key == "" {
		return t.exec(sEventDeleteAll, nanos(before))
	}
	return t.exec(sEventDelete, key, nanos(before))
}

func (t *tx) Key(name string) ([]byte, error) {
	var v []byte
	if err := t.stmt(sKeyGet).QueryRowContext(t.ctx, name).Scan(&v); err != nil {
		return nil, notFound(err, "key", name)
	}
	return v, nil
}

func (t *tx) PutKey(name string, value []byte) error {
	n, err := t.exec(sKeyPut, name, value)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("key %q: %w", name, reference.ErrExists)
	}
	return nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanImport(row rowScanner) (*reference.ImportRecord, error) {
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
	r, err := scanImport(t.stmt(sImportGet).QueryRowContext(t.ctx, sha))
	if err != nil {
		return nil, notFound(err, "import", sha)
	}
	return r, nil
}

func (t *tx) PutImport(r *reference.ImportRecord) error {
	stats, err := json.Marshal(r.Stats)
	if err != nil {
		return err
	}
	_, err = t.exec(sImportPut, r.SHA256, r.Path, nanos(r.ImportedAt), string(stats))
	return err
}

func (t *tx) Imports() ([]reference.ImportRecord, error) {
	rows, err := t.stmt(sImportAll).QueryContext(t.ctx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reference.ImportRecord
	for rows.Next() {
		r, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}
