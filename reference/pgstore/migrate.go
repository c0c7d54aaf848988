package pgstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the advisory-lock key under which migrations run, so that instances
// opening one database together apply each migration once.
const migrationLock = 0x656964_73696d // "eidsim"

// migration is one embedded schema step.
type migration struct {
	version int
	name    string
	body    string
	sum     string
}

// loadMigrations reads the embedded migrations and checks they are numbered 1, 2, 3, …
func loadMigrations(fsys fs.FS) ([]migration, error) {
	files, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := make([]migration, 0, len(files))
	for i, f := range files {
		base := strings.TrimPrefix(f, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", base, i+1)
		}
		body, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(body)
		out = append(out, migration{version: v, name: base, body: string(body), sum: hex.EncodeToString(h[:])})
	}
	return out, nil
}

// migrate applies the migrations the database lacks, in one transaction under the advisory
// lock, and refuses a database where an applied migration's recorded SHA-256 differs from the
// embedded file (a released migration was edited) or that has migrations this build lacks.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(migrations)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL,
			applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		applied := map[int]string{}
		rows, err := tx.Query(ctx, "SELECT version, sha256 FROM schema_version")
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			var sum string
			if err := rows.Scan(&v, &sum); err != nil {
				return err
			}
			applied[v] = sum
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for v := range applied {
			if v > len(ms) {
				return fmt.Errorf("the database has migration %04d, which this build does not know (a newer eidsim made it)", v)
			}
		}
		for _, m := range ms {
			if sum, ok := applied[m.version]; ok {
				if sum != m.sum {
					return fmt.Errorf("migration %s was applied with other content (sha256 %.12s, file %.12s): released migrations must never change", m.name, sum, m.sum)
				}
				continue
			}
			if _, err := tx.Exec(ctx, m.body); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name, sha256) VALUES ($1, $2, $3)",
				m.version, m.name, m.sum); err != nil {
				return err
			}
		}
		return nil
	})
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

// atomicCounter is an int64 counter.
type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) add(d int64) { c.n.Add(d) }
func (c *atomicCounter) load() int64 { return c.n.Load() }
