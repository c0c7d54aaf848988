package sqlite

import (
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// The OpenID Connect provider's state (reference.ProviderTx) in table provider_records.

var _ reference.ProviderTx = (*tx)(nil)

const providerCols = `kind, id, family, owner, data, expires`

func (t *tx) ProviderRecord(kind, id string) (*reference.ProviderRecord, error) {
	var r reference.ProviderRecord
	var exp int64
	err := t.stmt(sProvGet).QueryRowContext(t.ctx, kind, id).
		Scan(&r.Kind, &r.ID, &r.Family, &r.Owner, &r.Data, &exp)
	if err != nil {
		return nil, notFound(err, "provider record "+kind, id)
	}
	r.Expires = fromNanos(exp)
	return &r, nil
}

func (t *tx) PutProviderRecord(r *reference.ProviderRecord) error {
	if err := t.write(); err != nil {
		return err
	}
	data := r.Data
	if data == nil {
		data = []byte{}
	}
	_, err := t.stmt(sProvPut).ExecContext(t.ctx, r.Kind, r.ID, r.Family, r.Owner, data, nanos(r.Expires))
	return err
}

func (t *tx) DeleteProviderRecord(kind, id string) error {
	n, err := t.exec(sProvDelete, kind, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("provider record %s %q: %w", kind, id, reference.ErrNotFound)
	}
	return nil
}

func (t *tx) ProviderRecords(kind string) ([]reference.ProviderRecord, error) {
	rows, err := t.stmt(sProvAll).QueryContext(t.ctx, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reference.ProviderRecord
	for rows.Next() {
		var r reference.ProviderRecord
		var exp int64
		if err := rows.Scan(&r.Kind, &r.ID, &r.Family, &r.Owner, &r.Data, &exp); err != nil {
			return nil, err
		}
		r.Expires = fromNanos(exp)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tx) DeleteProviderFamily(family string) (int64, error) {
	if family == "" {
		return 0, t.write()
	}
	return t.exec(sProvDelFamily, family)
}

func (t *tx) DeleteProviderOwner(kind, owner string) (int64, error) {
	if owner == "" {
		return 0, t.write()
	}
	return t.exec(sProvDelOwner, kind, owner)
}

func (t *tx) DeleteExpiredProviderRecords(before time.Time) (int64, error) {
	return t.exec(sProvDelExpired, nanos(before))
}
