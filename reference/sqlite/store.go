// Package sqlite is the embedded reference.Store: one SQLite database file, no set-up.
//
// It uses the pure-Go driver modernc.org/sqlite (SQLite transpiled to Go) rather than a cgo
// binding, so eidsim stays one portable, statically linked binary that cross-compiles without
// a C toolchain.
//
// Concurrency follows what avoids the "database is locked" collapse seen in other Go services
// on SQLite (WAL alone is not enough): all writes go through ONE writer connection whose
// transactions start with BEGIN IMMEDIATE, so writers queue in Go instead of failing on
// SQLite's lock and a read-then-write transaction can never deadlock on lock upgrade; reads
// go through a separate pool of query-only connections that run in parallel with the writer
// under WAL. busy_timeout covers the remaining short waits (checkpoints, other processes).
//
// Durability: journal_mode=WAL with synchronous=NORMAL. A committed transaction is in the WAL
// file before Update returns, so it survives the process being killed; only a power loss or
// operating-system crash may roll back the last transactions before a checkpoint (the
// database itself stays consistent).
//
// The schema is built by append-only numbered migrations (migrations/NNNN_name.sql, embedded);
// schema_version records which ran. Never edit a released migration: add the next number.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a reference.Store in one SQLite file. It is safe for concurrent use.
type Store struct {
	path  string
	w     *sql.DB // exactly one connection: every write transaction
	r     *sql.DB // query-only pool
	wprep [nStmts]*sql.Stmt
	rprep [nStmts]*sql.Stmt
	bulk  bulkStmts // multi-row statements on the writer
}

var _ reference.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and migrates it to the current schema.
// The database file and its -wal and -shm files are readable and writable by the owner only
// (0600, whatever the umask; an existing file is narrowed): they hold password hashes and
// the keys that sign tokens, OTPs and captures. Path ":memory:" gives a private in-memory database on a single connection (reads then wait
// for writes), meant for tests.
func Open(ctx context.Context, path string) (*Store, error) {
	s := &Store{path: path}
	common := url.Values{}
	common.Add("_pragma", "busy_timeout(10000)")
	common.Add("_pragma", "foreign_keys(1)")
	if path == ":memory:" {
		w, err := sql.Open("sqlite", "file::memory:?"+common.Encode())
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		s.w, s.r = w, w
	} else {
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		wq := url.Values{}
		for k, v := range common {
			wq[k] = append([]string(nil), v...)
		}
		wq.Add("_pragma", "journal_mode(WAL)")
		wq.Add("_pragma", "synchronous(NORMAL)")
		// A 64 MiB page cache keeps large import transactions from spilling to the WAL early.
		wq.Add("_pragma", "cache_size(-65536)")
		wq.Set("_txlock", "immediate")
		w, err := sql.Open("sqlite", "file:"+escapePath(path)+"?"+wq.Encode())
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
		s.w = w
		// The writer creates the file and switches it to WAL before any reader opens it.
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		if err := narrowSidecars(path); err != nil {
			w.Close()
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		rq := url.Values{}
		for k, v := range common {
			rq[k] = append([]string(nil), v...)
		}
		rq.Add("_pragma", "query_only(1)")
		r, err := sql.Open("sqlite", "file:"+escapePath(path)+"?"+rq.Encode())
		if err != nil {
			w.Close()
			return nil, err
		}
		n := max(4, 2*runtime.GOMAXPROCS(0))
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		r.SetConnMaxLifetime(0)
		r.SetConnMaxIdleTime(0)
		s.r = r
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite %s: migrate: %w", path, err)
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	if err := s.prepareBulk(); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return s, nil
}

func escapePath(p string) string {
	// The driver splits the DSN at the first '?'; escape what would end the path early.
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Close closes the database. Committed transactions are already durable.
func (s *Store) Close() error {
	var errs []error
	for i := range s.wprep {
		if s.wprep[i] != nil {
			errs = append(errs, s.wprep[i].Close())
		}
		if s.rprep[i] != nil && s.r != s.w {
			errs = append(errs, s.rprep[i].Close())
		}
	}
	for _, st := range []*sql.Stmt{s.bulk.citizens, s.bulk.subsPut, s.bulk.subsAdd, s.bulk.accounts} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// Name returns "sqlite:PATH".
func (s *Store) Name() string { return "sqlite:" + s.path }

// Ready runs a trivial query on the read pool and on the writer.
func (s *Store) Ready(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("sqlite read pool: %w", err)
	}
	return s.w.PingContext(ctx)
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	for i, f := range files {
		base := strings.TrimPrefix(f, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return fmt.Errorf("migration %s: want number %04d", base, i+1)
		}
		body, err := migrations.ReadFile(f)
		if err != nil {
			return err
		}
		err = s.inWriteTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_version WHERE version = ?", v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
				v, base, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) inWriteTx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) prepare(ctx context.Context) error {
	for i, q := range stmtSQL {
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.wprep[i] = st
		if s.r == s.w {
			s.rprep[i] = st
			continue
		}
		if strings.HasPrefix(q, "SELECT") {
			if st, err = s.r.PrepareContext(ctx, q); err != nil {
				return fmt.Errorf("prepare %q: %w", q, err)
			}
			s.rprep[i] = st
		}
	}
	return nil
}

// Update runs fn in a write transaction (BEGIN IMMEDIATE on the one writer connection).
// Cancelling ctx rolls the transaction back (database/sql watches it once per transaction);
// single statements run without their own watcher, which would cost a goroutine each.
func (s *Store) Update(ctx context.Context, fn func(reference.Tx) error) error {
	return s.inWriteTx(ctx, func(stx *sql.Tx) error {
		t := &tx{ctx: context.WithoutCancel(ctx), tx: stx, prep: &s.wprep, bulk: &s.bulk}
		return fn(t)
	})
}

// View runs fn in a read transaction on the read pool.
func (s *Store) View(ctx context.Context, fn func(reference.Tx) error) error {
	stx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer stx.Rollback()
	t := &tx{ctx: context.WithoutCancel(ctx), tx: stx, prep: &s.rprep, ro: true, bulk: &bulkStmts{}}
	return fn(t)
}

// Pragmas returns the journal mode and synchronous level (0 OFF, 1 NORMAL, 2 FULL) of the
// writer connection, for checks and manifests.
func (s *Store) Pragmas(ctx context.Context) (journalMode string, synchronous int, err error) {
	err = s.inWriteTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journalMode); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&synchronous)
	})
	return journalMode, synchronous, err
}
