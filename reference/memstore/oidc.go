package memstore

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// The OpenID Connect provider's state (reference.ProviderTx). Records are few next to the
// population (pending logins and live tokens), so the family, owner and expiry deletions scan
// them all.

var _ reference.ProviderTx = (*tx)(nil)

type providerKey struct{ kind, id string }

func copyRecord(r *reference.ProviderRecord) *reference.ProviderRecord {
	v := *r
	v.Data = slices.Clone(r.Data)
	v.Expires = utc(r.Expires)
	return &v
}

func (t *tx) ProviderRecord(kind, id string) (*reference.ProviderRecord, error) {
	r, ok := t.s.provider[providerKey{kind, id}]
	if !ok {
		return nil, fmt.Errorf("provider record %s %q: %w", kind, id, reference.ErrNotFound)
	}
	return copyRecord(r), nil
}

// setRecord stores r (nil: deletes k) with its undo step.
func (t *tx) setRecord(k providerKey, r *reference.ProviderRecord) {
	if t.s.provider == nil {
		t.s.provider = map[providerKey]*reference.ProviderRecord{}
	}
	old, had := t.s.provider[k]
	t.undo = append(t.undo, func() {
		if had {
			t.s.provider[k] = old
		} else {
			delete(t.s.provider, k)
		}
	})
	if r == nil {
		delete(t.s.provider, k)
	} else {
		t.s.provider[k] = r
	}
}

func (t *tx) PutProviderRecord(r *reference.ProviderRecord) error {
	if err := t.write(); err != nil {
		return err
	}
	t.setRecord(providerKey{r.Kind, r.ID}, copyRecord(r))
	return nil
}

func (t *tx) DeleteProviderRecord(kind, id string) error {
	if err := t.write(); err != nil {
		return err
	}
	k := providerKey{kind, id}
	if _, ok := t.s.provider[k]; !ok {
		return fmt.Errorf("provider record %s %q: %w", kind, id, reference.ErrNotFound)
	}
	t.setRecord(k, nil)
	return nil
}

func (t *tx) ProviderRecords(kind string) ([]reference.ProviderRecord, error) {
	var out []reference.ProviderRecord
	for k, r := range t.s.provider {
		if k.kind == kind {
			out = append(out, *copyRecord(r))
		}
	}
	slices.SortFunc(out, func(a, b reference.ProviderRecord) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// deleteWhere removes the records for which drop is true.
func (t *tx) deleteWhere(drop func(*reference.ProviderRecord) bool) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	var n int64
	for _, k := range slices.Collect(maps.Keys(t.s.provider)) {
		if drop(t.s.provider[k]) {
			t.setRecord(k, nil)
			n++
		}
	}
	return n, nil
}

func (t *tx) DeleteProviderFamily(family string) (int64, error) {
	return t.deleteWhere(func(r *reference.ProviderRecord) bool { return family != "" && r.Family == family })
}

func (t *tx) DeleteProviderOwner(kind, owner string) (int64, error) {
	return t.deleteWhere(func(r *reference.ProviderRecord) bool {
		return owner != "" && r.Kind == kind && r.Owner == owner
	})
}

func (t *tx) DeleteExpiredProviderRecords(before time.Time) (int64, error) {
	return t.deleteWhere(func(r *reference.ProviderRecord) bool { return r.Expires.Before(before) })
}
