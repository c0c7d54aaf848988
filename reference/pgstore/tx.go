package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/eidsim/eidsim/reference"
)

// tx implements reference.Tx on one pooled connection. The transaction's BEGIN goes out in
// one round trip with its first statement (a pipelined batch), so that a login's short
// transactions cost one round trip less each; pgx prepares each statement text once per
// connection and reuses it (its statement cache).
type tx struct {
	ctx   context.Context
	conn  *pgxpool.Conn
	begin string // BEGIN ISOLATION LEVEL …
	begun bool   // begin has been sent
	ro    bool
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

// open returns the connection with the transaction begun, sending BEGIN alone if no statement
// took it along yet (for the paths that read many rows or COPY).
func (t *tx) open() (*pgxpool.Conn, error) {
	if !t.begun {
		t.begun = true
		if _, err := t.conn.Exec(t.ctx, t.begin); err != nil {
			return nil, t.fail(err)
		}
	}
	return t.conn, nil
}

// batch sends BEGIN and sql together and gives sql's result to use.
func (t *tx) batch(sql string, args []any, use func(pgx.BatchResults) error) error {
	t.begun = true
	b := &pgx.Batch{}
	b.Queue(t.begin)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(t.ctx, b)
	_, err := br.Exec()
	if err == nil {
		err = use(br)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

func (t *tx) exec(sql string, args ...any) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	var tag pgconn.CommandTag
	var err error
	if t.begun {
		tag, err = t.conn.Exec(t.ctx, sql, args...)
	} else {
		err = t.batch(sql, args, func(br pgx.BatchResults) (err error) {
			tag, err = br.Exec()
			return err
		})
	}
	if err != nil {
		return 0, t.fail(err)
	}
	return tag.RowsAffected(), nil
}

// get scans the one row of sql into dest; pgx.ErrNoRows when there is none.
func (t *tx) get(sql string, args []any, dest ...any) error {
	if t.begun {
		return t.fail(t.conn.QueryRow(t.ctx, sql, args...).Scan(dest...))
	}
	return t.fail(t.batch(sql, args, func(br pgx.BatchResults) error { return br.QueryRow().Scan(dest...) }))
}

// rollback ends a begun transaction without its changes (the connection stays usable).
func (t *tx) rollback() {
	if t.begun {
		t.conn.Exec(context.WithoutCancel(t.ctx), "ROLLBACK") //nolint:errcheck // a broken connection is dropped by the pool
	}
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
	conn, err := t.open()
	if err != nil {
		return nil, err
	}
	r, err := scanImport(conn.QueryRow(t.ctx, `SELECT `+importCols+` FROM imports WHERE sha256 = $1`, sha))
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
	conn, err := t.open()
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(t.ctx, `SELECT `+importCols+` FROM imports ORDER BY imported_at, sha256`)
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
