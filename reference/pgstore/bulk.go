package pgstore

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/eidsim/eidsim/reference"
)

// Bulk writes (reference.BulkTx): each batch is COPYed into a temporary table of the
// connection (created on first use, emptied at commit) and moved into its table by one
// INSERT … SELECT … ON CONFLICT. A batch that names one key twice goes row by row instead, so
// that "each element in order" holds exactly (one INSERT cannot touch a row twice).

var _ reference.BulkTx = (*tx)(nil)

// stage empties (creating it if needed) the temporary copy of table and COPYs rows into it.
func (t *tx) stage(table string, cols []string, n int, row func(i int) []any) error {
	stage := "stage_" + table
	q := `CREATE TEMP TABLE IF NOT EXISTS ` + stage + ` (LIKE ` + table + ` INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;
		TRUNCATE ` + stage
	conn, err := t.open()
	if err != nil {
		return err
	}
	if _, err := conn.Exec(t.ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
		return t.fail(err)
	}
	_, err = conn.CopyFrom(t.ctx, pgx.Identifier{stage}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		return row(i), nil
	}))
	return t.fail(err)
}

// unique reports whether key gives a different value for every element of rows.
func unique[T any](rows []T, keys ...func(*T) string) bool {
	for _, key := range keys {
		seen := make(map[string]struct{}, len(rows))
		for i := range rows {
			k := key(&rows[i])
			if _, dup := seen[k]; dup {
				return false
			}
			seen[k] = struct{}{}
		}
	}
	return true
}

var (
	citizenColList    = []string{"id", "full_name", "sex", "birth_date", "province_code", "ethnicity", "village_id", "coverage", "handset", "biometric_quality"}
	subscriberColList = []string{"phone", "carrier", "owner_id", "holder_id"}
	accountColList    = []string{"citizen_id", "level", "phone", "status", "password_hash", "passcode_mac", "device_id", "failed_logins", "locked_until", "epoch", "created_at", "updated_at"}
)

func (t *tx) PutCitizens(cs []reference.Citizen) error {
	if err := t.write(); err != nil {
		return err
	}
	if !unique(cs, func(c *reference.Citizen) string { return c.ID }) {
		for i := range cs {
			if err := t.PutCitizen(&cs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := t.stage("citizens", citizenColList, len(cs), func(i int) []any { return citizenArgs(&cs[i]) }); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO citizens (` + citizenCols + `) SELECT ` + citizenCols + ` FROM stage_citizens
		ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, sex = excluded.sex,
		birth_date = excluded.birth_date, province_code = excluded.province_code,
		ethnicity = excluded.ethnicity, village_id = excluded.village_id, coverage = excluded.coverage,
		handset = excluded.handset, biometric_quality = excluded.biometric_quality`)
	return err
}

func subscriberArgs(s *reference.Subscriber) []any {
	return []any{s.Phone, s.Carrier, s.OwnerID, s.HolderID}
}

func (t *tx) putSubscribers(ss []reference.Subscriber, conflict string, single func(*reference.Subscriber) error) error {
	if err := t.write(); err != nil {
		return err
	}
	if !unique(ss, func(s *reference.Subscriber) string { return s.Phone }) {
		for i := range ss {
			if err := single(&ss[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := t.stage("subscribers", subscriberColList, len(ss), func(i int) []any { return subscriberArgs(&ss[i]) }); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO subscribers (phone, carrier, owner_id, holder_id)
		SELECT phone, carrier, owner_id, holder_id FROM stage_subscribers ON CONFLICT (phone) ` + conflict)
	return err
}

func (t *tx) PutSubscribers(ss []reference.Subscriber) error {
	return t.putSubscribers(ss, `DO UPDATE SET carrier = excluded.carrier, owner_id = excluded.owner_id,
		holder_id = excluded.holder_id`, t.PutSubscriber)
}

func (t *tx) AddSubscribers(ss []reference.Subscriber) error {
	return t.putSubscribers(ss, `DO NOTHING`, func(s *reference.Subscriber) error {
		_, err := t.AddSubscriber(s)
		return err
	})
}

// PutAccounts upserts the batch in one statement under a savepoint. When the phone's UNIQUE
// index refuses it (a phone that is another citizen's), the savepoint is rolled back and the
// batch redone row by row, which names the element.
func (t *tx) PutAccounts(as []reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if unique(as, func(a *reference.Account) string { return a.CitizenID }, func(a *reference.Account) string { return a.Phone }) {
		done, err := t.putAccountsBulk(as)
		if err != nil || done {
			return err
		}
	}
	for i := range as {
		if err := t.PutAccount(&as[i]); err != nil {
			return &reference.BulkError{Index: i, Err: err}
		}
	}
	return nil
}

// putAccountsBulk reports done = false when a phone conflict undid the batch.
func (t *tx) putAccountsBulk(as []reference.Account) (done bool, err error) {
	if err := t.stage("accounts", accountColList, len(as), func(i int) []any { return accountArgs(&as[i]) }); err != nil {
		return false, err
	}
	conn, err := t.open()
	if err != nil {
		return false, err
	}
	if _, err := conn.Exec(t.ctx, `SAVEPOINT bulk_accounts`); err != nil {
		return false, t.fail(err)
	}
	_, err = conn.Exec(t.ctx, `INSERT INTO accounts (`+accountCols+`) SELECT `+accountCols+` FROM stage_accounts
		ON CONFLICT (citizen_id) DO UPDATE SET level = excluded.level, phone = excluded.phone,
		status = excluded.status, password_hash = excluded.password_hash,
		passcode_mac = excluded.passcode_mac, device_id = excluded.device_id,
		failed_logins = excluded.failed_logins, locked_until = excluded.locked_until,
		epoch = excluded.epoch, created_at = excluded.created_at, updated_at = excluded.updated_at`)
	var pe *pgconn.PgError
	switch {
	case err == nil:
		_, err = conn.Exec(t.ctx, `RELEASE SAVEPOINT bulk_accounts`)
		return true, t.fail(err)
	case errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "accounts_phone_key":
		if _, err := conn.Exec(t.ctx, `ROLLBACK TO SAVEPOINT bulk_accounts`); err != nil {
			return false, t.fail(err)
		}
		return false, nil
	default:
		return false, t.fail(fmt.Errorf("bulk accounts: %w", err))
	}
}
