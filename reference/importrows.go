package reference

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// rows are one batch's writes, grouped by kind.
type rows struct {
	citizens []Citizen
	sims     []Subscriber // SIMs in handsets: authoritative (PutSubscriber)
	old      []Subscriber // old account numbers: insert if absent (AddSubscriber)
	accounts []Account
	accLines []int
}

func (imp *importer) rows(batch []lineRecord, now time.Time) *rows {
	rs := &rows{citizens: make([]Citizen, 0, len(batch)), sims: make([]Subscriber, 0, len(batch))}
	for i := range batch {
		r := &batch[i].rec
		c := r.Citizen
		c.Captures = 0
		if c.BiometricQuality <= 0 {
			c.BiometricQuality = DefaultBiometricQuality
		}
		rs.citizens = append(rs.citizens, c)
		if p := r.SIM.Phone; p != "" {
			sub := Subscriber{Phone: p, Carrier: carrierFor(p, r.SIM.Carrier), HolderID: c.ID}
			if r.SIM.OwnerRegistered {
				sub.OwnerID = c.ID
			}
			rs.sims = append(rs.sims, sub)
		}
		a := r.Account
		if a == nil {
			continue
		}
		if a.Phone != r.SIM.Phone {
			rs.old = append(rs.old, Subscriber{Phone: a.Phone, Carrier: carrierFor(a.Phone, "")})
		}
		rs.accounts = append(rs.accounts, Account{CitizenID: c.ID, Level: a.Level, Phone: a.Phone,
			Status: a.status(), PasswordHash: imp.pool[a.Password], DeviceID: a.DeviceID, CreatedAt: now, UpdatedAt: now})
		rs.accLines = append(rs.accLines, batch[i].line)
	}
	rs.sort()
	return rs
}

// sort orders each kind by its key, so that the store's B-trees are written in runs instead
// of at random places (a third less CPU on a million citizens). Stable sorts keep the file
// order among equal keys, so the last line still wins.
func (rs *rows) sort() {
	slices.SortStableFunc(rs.citizens, func(a, b Citizen) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(rs.sims, func(a, b Subscriber) int { return strings.Compare(a.Phone, b.Phone) })
	slices.SortStableFunc(rs.old, func(a, b Subscriber) int { return strings.Compare(a.Phone, b.Phone) })
	idx := make([]int, len(rs.accounts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(rs.accounts[a].CitizenID, rs.accounts[b].CitizenID) })
	accounts, lines := make([]Account, len(idx)), make([]int, len(idx))
	for i, j := range idx {
		accounts[i], lines[i] = rs.accounts[j], rs.accLines[j]
	}
	rs.accounts, rs.accLines = accounts, lines
}

// write writes one batch in one transaction: citizens, then SIMs, then old numbers, then
// accounts. The order of SIMs and old numbers does not matter (a SIM record replaces an old
// number's, an old number never replaces anything), so the grouping gives the same result as
// line order, or any other order.
func (imp *importer) write(ctx context.Context, batch []lineRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := imp.hashNew(batch); err != nil {
		return fmt.Errorf("hashing passwords: %w", err)
	}
	rs := imp.rows(batch, imp.s.now())
	err := imp.s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
		var err error
		if btx, ok := tx.(BulkTx); ok {
			err = writeBulk(btx, rs)
		} else {
			err = writeRows(tx, rs)
		}
		var be *BulkError
		if errors.As(err, &be) {
			if errors.Is(be.Err, ErrPhoneInUse) {
				be.Err = fmt.Errorf("field account.phone: %s is on another citizen's account (one phone, one account)",
					rs.accounts[be.Index].Phone)
			}
			return &RecordError{Name: imp.name, Line: rs.accLines[be.Index], Err: be.Err}
		}
		return err
	})
	if err != nil {
		var re *RecordError
		if errors.As(err, &re) {
			return err
		}
		return internal(err)
	}
	imp.stats.Citizens += int64(len(rs.citizens))
	imp.stats.Accounts += int64(len(rs.accounts))
	imp.stats.Subscribers += int64(len(rs.sims))
	imp.stats.OldNumbers += int64(len(rs.old))
	return nil
}

func writeBulk(tx BulkTx, rs *rows) error {
	if err := tx.PutCitizens(rs.citizens); err != nil {
		return err
	}
	if err := tx.PutSubscribers(rs.sims); err != nil {
		return err
	}
	if err := tx.AddSubscribers(rs.old); err != nil {
		return err
	}
	return tx.PutAccounts(rs.accounts)
}

func writeRows(tx Tx, rs *rows) error {
	for i := range rs.citizens {
		if err := tx.PutCitizen(&rs.citizens[i]); err != nil {
			return err
		}
	}
	for i := range rs.sims {
		if err := tx.PutSubscriber(&rs.sims[i]); err != nil {
			return err
		}
	}
	for i := range rs.old {
		if _, err := tx.AddSubscriber(&rs.old[i]); err != nil {
			return err
		}
	}
	for i := range rs.accounts {
		if err := tx.PutAccount(&rs.accounts[i]); err != nil {
			return &BulkError{Index: i, Err: err}
		}
	}
	return nil
}

func carrierFor(phone, given string) string {
	if c := CarrierOf(phone); c != "" {
		return c
	}
	return given
}
