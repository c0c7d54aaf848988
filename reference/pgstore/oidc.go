package pgstore

import (
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// The OpenID Connect provider's state (reference.ProviderTx) in table provider_records, so a
// login begun on one instance completes on another.

var _ reference.ProviderTx = (*tx)(nil)

const providerCols = `kind, id, family, owner, data, expires`

func (t *tx) ProviderRecord(kind, id string) (*reference.ProviderRecord, error) {
	var r reference.ProviderRecord
	var exp int64
	err := t.get(`SELECT `+providerCols+` FROM provider_records WHERE kind = $1 AND id = $2`, []any{kind, id},
		&r.Kind, &r.ID, &r.Family, &r.Owner, &r.Data, &exp)
	if err != nil {
		return nil, notFound(err, "provider record "+kind, id)
	}
	r.Expires = fromNanos(exp)
	return &r, nil
}

func (t *tx) PutProviderRecord(r *reference.ProviderRecord) error {
	data := r.Data
	if data == nil {
		data = []byte{}
	}
	_, err := t.exec(`INSERT INTO provider_records (`+providerCols+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (kind, id) DO UPDATE SET family = excluded.family, owner = excluded.owner,
		data = excluded.data, expires = excluded.expires`, r.Kind, r.ID, r.Family, r.Owner, data, nanos(r.Expires))
	return err
}

func (t *tx) DeleteProviderRecord(kind, id string) error {
	n, err := t.exec(`DELETE FROM provider_records WHERE kind = $1 AND id = $2`, kind, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("provider record %s %q: %w", kind, id, reference.ErrNotFound)
	}
	return nil
}

func (t *tx) ProviderRecords(kind string) ([]reference.ProviderRecord, error) {
	conn, err := t.open()
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(t.ctx, `SELECT `+providerCols+` FROM provider_records WHERE kind = $1 ORDER BY id`, kind)
	if err != nil {
		return nil, t.fail(err)
	}
	defer rows.Close()
	var out []reference.ProviderRecord
	for rows.Next() {
		var r reference.ProviderRecord
		var exp int64
		if err := rows.Scan(&r.Kind, &r.ID, &r.Family, &r.Owner, &r.Data, &exp); err != nil {
			return nil, t.fail(err)
		}
		r.Expires = fromNanos(exp)
		out = append(out, r)
	}
	return out, t.fail(rows.Err())
}

func (t *tx) DeleteProviderFamily(family string) (int64, error) {
	if family == "" {
		return 0, t.write()
	}
	return t.exec(`DELETE FROM provider_records WHERE family = $1`, family)
}

func (t *tx) DeleteProviderOwner(kind, owner string) (int64, error) {
	if owner == "" {
		return 0, t.write()
	}
	return t.exec(`DELETE FROM provider_records WHERE kind = $1 AND owner = $2`, kind, owner)
}

func (t *tx) DeleteExpiredProviderRecords(before time.Time) (int64, error) {
	return t.exec(`DELETE FROM provider_records WHERE expires < $1`, nanos(before))
}
