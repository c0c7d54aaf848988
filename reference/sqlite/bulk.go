package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"

	"github.com/eidsim/eidsim/reference"
)

// Bulk writes (reference.BulkTx) use multi-row INSERT statements of bulkRows rows, which cost
// far less per row than one statement per row; a shorter tail goes row by row.
const bulkRows = 64

// Multi-row statements are prepared lazily on the writer connection.
type bulkStmts struct {
	citizens, subsPut, subsAdd, accounts *sql.Stmt
}

func valuesList(cols, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// multiRow turns a one-row INSERT of stmtSQL into a bulkRows-row one.
func multiRow(i, cols int) string {
	q := stmtSQL[i]
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	at := strings.Index(q, one)
	if at < 0 {
		panic(fmt.Sprintf("statement %d has no %d-column VALUES", i, cols))
	}
	return q[:at] + valuesList(cols, bulkRows) + q[at+len(one):]
}

func (s *Store) prepareBulk() error {
	var err error
	prep := func(i, cols int) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = s.w.Prepare(multiRow(i, cols))
		return st
	}
	s.bulk.citizens = prep(sCitizenPut, 10)
	s.bulk.subsPut = prep(sSubPut, 4)
	s.bulk.subsAdd = prep(sSubAdd, 4)
	s.bulk.accounts = prep(sAccUpsert, 12)
	return err
}

var _ reference.BulkTx = (*tx)(nil)

func (t *tx) bulkExec(st *sql.Stmt, args []any) error {
	_, err := t.tx.StmtContext(t.ctx, st).ExecContext(t.ctx, args...)
	return err
}

func citizenArgs(c *reference.Citizen) []any {
	return []any{c.ID, c.FullName, c.Sex, c.BirthDate, c.ProvinceCode, c.Ethnicity, c.VillageID, c.Coverage,
		c.Handset, c.BiometricQuality}
}

func subscriberArgs(s *reference.Subscriber) []any {
	return []any{s.Phone, s.Carrier, s.OwnerID, s.HolderID}
}

// bulk writes rows in chunks of bulkRows with st and the rest one by one with single.
func bulk[T any](t *tx, rows []T, st *sql.Stmt, args func(*T) []any, single func(*T) error) error {
	if err := t.write(); err != nil {
		return err
	}
	i := 0
	if st != nil {
		buf := make([]any, 0, bulkRows*16)
		for ; i+bulkRows <= len(rows); i += bulkRows {
			buf = buf[:0]
			for j := i; j < i+bulkRows; j++ {
				buf = append(buf, args(&rows[j])...)
			}
			if err := t.bulkExec(st, buf); err != nil {
				return err
			}
		}
	}
	for ; i < len(rows); i++ {
		if err := single(&rows[i]); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) PutCitizens(cs []reference.Citizen) error {
	return bulk(t, cs, t.bulk.citizens, citizenArgs, t.PutCitizen)
}

func (t *tx) PutSubscribers(ss []reference.Subscriber) error {
	return bulk(t, ss, t.bulk.subsPut, subscriberArgs, t.PutSubscriber)
}

func (t *tx) AddSubscribers(ss []reference.Subscriber) error {
	return bulk(t, ss, t.bulk.subsAdd, subscriberArgs, func(s *reference.Subscriber) error {
		_, err := t.AddSubscriber(s)
		return err
	})
}

// PutAccounts upserts in chunks; the UNIQUE index on phone refuses a phone that is another
// citizen's. A refused chunk is undone by SQLite (statement-level rollback) and redone row by
// row to name the element.
func (t *tx) PutAccounts(as []reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	i := 0
	if t.bulk.accounts != nil {
		buf := make([]any, 0, bulkRows*12)
		for ; i+bulkRows <= len(as); i += bulkRows {
			buf = buf[:0]
			for j := i; j < i+bulkRows; j++ {
				buf = append(buf, accountArgs(&as[j])...)
			}
			err := t.bulkExec(t.bulk.accounts, buf)
			if err == nil {
				continue
			}
			if !isPhoneConflict(err) {
				return err
			}
			for j := i; j < i+bulkRows; j++ {
				if err := t.PutAccount(&as[j]); err != nil {
					return &reference.BulkError{Index: j, Err: err}
				}
			}
		}
	}
	for ; i < len(as); i++ {
		if err := t.PutAccount(&as[i]); err != nil {
			return &reference.BulkError{Index: i, Err: err}
		}
	}
	return nil
}

// isPhoneConflict reports whether err is SQLite refusing a duplicate accounts.phone.
func isPhoneConflict(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 19 /* SQLITE_CONSTRAINT */ &&
		strings.Contains(se.Error(), "accounts.phone")
}
