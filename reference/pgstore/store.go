// Package pgstore is the reference.Store on PostgreSQL (jackc/pgx v5): the store several
// service instances share, as national e-ID services and Keycloak or Zitadel run them.
//
// Isolation. Every Update runs at SERIALIZABLE (PostgreSQL's serialisable snapshot isolation)
// and is retried, whole, when PostgreSQL aborts it with a serialization failure (SQLSTATE
// 40001), a deadlock (40P01) or a unique violation a concurrent commit caused (23505: every
// write checks its keys first, so a violation means another transaction won the race and a
// re-run sees its row). So concurrent Updates on any number of instances behave as if run one
// after another, which is what keeps lockout counters, OTP attempt counts and per-phone send
// limits exact: a read-count-then-insert (CountSends then AddSend) takes predicate locks that
// make a second concurrent sender re-run and see the first send. READ COMMITTED with row
// locks would not: it cannot lock the rows a count has not seen yet. fn may therefore run more
// than once; it must keep its effects inside the transaction (or overwrite, not accumulate,
// what it records outside). Retries are bounded (maxAttempts) and end with ctx.
//
// View runs at REPEATABLE READ READ ONLY: one snapshot, never blocked by writers, never
// aborted.
//
// The schema is built by append-only numbered migrations (migrations/NNNN_name.sql, embedded)
// as in reference/sqlite; schema_version records which ran and each file's SHA-256, and Open
// refuses a database in which a released migration was applied with other content. Several
// instances may Open one database at once: migrations run under an advisory lock.
//
// Bulk writes (reference.BulkTx, the population import) go through COPY into a temporary
// table and one INSERT … SELECT … ON CONFLICT per batch.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/eidsim/eidsim/reference"
)

// maxAttempts bounds how many times Update runs fn when PostgreSQL keeps aborting it.
const maxAttempts = 64

// Store is a reference.Store on one PostgreSQL database. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	name string

	// retries counts Update attempts re-run after a serialization failure (for benchmarks).
	retries atomicCounter
}

var _ reference.Store = (*Store)(nil)

// Options tune Open.
type Options struct {
	// MaxConns is the pool size; 0 takes the URL's pool_max_conns, else DefaultMaxConns.
	MaxConns int32
}

// DefaultMaxConns is the pool size when neither Options nor the URL sets one: more than
// pgxpool's max(4, CPUs), because a login holds a connection for the round trips of its short
// transactions, not for CPU work (16 gave 2,528 logins/s against 2,096 with 4, fast hasher,
// one instance, two cores).
const DefaultMaxConns = 16

// Open connects to the database at rawURL (postgres://user:pass@host:port/db?…, or any
// connection string pgx accepts) and migrates it to the current schema. It fails, naming the
// server, when the server cannot be reached within ctx.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !strings.Contains(rawURL, "pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns
	}
	name := "postgres:" + Redact(rawURL)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Redact(rawURL), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("cannot connect to %s: %w", Redact(rawURL), innermost(err))
		}
		return nil, fmt.Errorf("%s: %w", Redact(rawURL), err)
	}
	s := &Store{pool: pool, name: name}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("%s: migrate: %w", Redact(rawURL), err)
	}
	return s, nil
}

// Redact returns a URL without its password (for names, logs and manifests); a string that is
// not a URL is returned as "(connection string)".
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return "(connection string)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Close closes every connection. Committed transactions are already durable.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Name returns "postgres:URL" without the password.
func (s *Store) Name() string { return s.name }

// Ready runs a trivial query.
func (s *Store) Ready(ctx context.Context) error {
	var one int
	return s.pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// Retries returns how many Update attempts were re-run after a serialization failure.
func (s *Store) Retries() int64 { return s.retries.load() }

// Pool is the connection pool (for the shared simulated world's tables).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Update runs fn in a SERIALIZABLE read-write transaction, re-running it (after a short
// random back-off) when PostgreSQL aborts it as a serialization failure; see the package
// documentation.
func (s *Store) Update(ctx context.Context, fn func(reference.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.run(ctx, "BEGIN ISOLATION LEVEL SERIALIZABLE", false, fn)
		if err == nil || !retryable(err) || attempt >= maxAttempts || ctx.Err() != nil {
			return err
		}
		s.retries.add(1)
		// Full jitter, growing to at most 20 ms, so contenders spread out.
		d := time.Duration(rand.Int64N(int64(min(attempt, 20)) * int64(time.Millisecond)))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// View runs fn in a REPEATABLE READ READ ONLY transaction: one consistent snapshot.
func (s *Store) View(ctx context.Context, fn func(reference.Tx) error) error {
	return s.run(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", true, fn)
}

// run runs fn in one transaction opened with begin on a pooled connection. A retryable
// failure of any statement is returned even when fn swallowed or rewrapped it (the
// transaction is aborted either way). A connection left in a transaction (a failed
// ROLLBACK, a cancelled statement) is dropped by the pool, never reused.
func (s *Store) run(ctx context.Context, begin string, ro bool, fn func(reference.Tx) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	t := &tx{ctx: ctx, conn: conn, begin: begin, ro: ro}
	defer func() {
		if p := recover(); p != nil {
			t.rollback()
			panic(p)
		}
	}()
	err = fn(t)
	switch {
	case t.abort != nil:
		t.rollback()
		return t.abort
	case err != nil:
		t.rollback()
		return err
	case !t.begun:
		return nil // fn ran no statement: nothing to commit
	}
	tag, err := conn.Exec(ctx, "COMMIT")
	if err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" {
		return errors.New("pgstore: the transaction was aborted; COMMIT rolled it back")
	}
	return nil
}

// innermost is the last error of err's chain (the network's or the server's own words).
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if many, ok := err.(interface{ Unwrap() []error }); ok && len(many.Unwrap()) > 0 {
			next = many.Unwrap()[0] // the first address tried
		}
		if next == nil {
			return err
		}
		err = next
	}
}

// retryable reports whether err is PostgreSQL aborting a transaction that a re-run may pass.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505":
		return true
	}
	return false
}
