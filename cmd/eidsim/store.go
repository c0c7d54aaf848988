package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference/pgstore"
)

// checkDBURL checks a --db value before any work: a postgres:// or postgresql:// URL with a
// host (or a unix-socket host= parameter) and a database name. It does not connect.
func checkDBURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL such as postgres://user@127.0.0.1:5432/eidsim", pgstore.Redact(raw))
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("%q: only PostgreSQL is supported, as postgres://user@host:port/database (SQLite is the default, with --data)", pgstore.Redact(raw))
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return fmt.Errorf("%q names no server: want postgres://user@host:port/database", pgstore.Redact(raw))
	}
	if strings.Trim(u.Path, "/") == "" && u.Query().Get("dbname") == "" {
		return fmt.Errorf("%q names no database: want postgres://user@host:port/database", pgstore.Redact(raw))
	}
	if _, port, err := net.SplitHostPort(u.Host); err == nil && port == "" {
		return fmt.Errorf("%q: empty port", pgstore.Redact(raw))
	}
	return nil
}

// dbOpenTimeout bounds the first connection to the database server, so an unreachable one
// fails at once rather than after the import would have started.
const dbOpenTimeout = 10 * time.Second

// openPostgres connects to the --db database (checked by checkDBURL) and migrates it. An
// unreachable server or a refused login is an error naming --db and the server, returned
// before anything is imported.
func openPostgres(ctx context.Context, raw string) (*pgstore.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, dbOpenTimeout)
	defer cancel()
	st, err := pgstore.Open(ctx, raw, pgstore.Options{})
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("--db: no answer from %s within %v", pgstore.Redact(raw), dbOpenTimeout)
		}
		return nil, fmt.Errorf("--db: %w", err)
	}
	return st, nil
}
