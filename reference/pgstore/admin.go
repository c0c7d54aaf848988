package pgstore

import (
	"context"
	"fmt"
)

// importLock is the advisory-lock key that serialises population imports into one database.
const importLock = 0x656964_696d70 // "eid" "imp"

// LockImport waits until no other process imports into this database and holds the lock until
// the returned unlock is called (or the connection ends with the process), so that several
// instances started together import a population once: the first imports, the others then
// find its record and skip. It ends early with ctx.
func (s *Store) LockImport(ctx context.Context) (unlock func(), err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(importLock)); err != nil {
		conn.Release()
		return nil, fmt.Errorf("import lock: %w", err)
	}
	return func() {
		conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", int64(importLock)) //nolint:errcheck // released with the connection anyway
		conn.Release()
	}, nil
}

// Reset empties every table of the store (the population, accounts, OTPs, provider state,
// shared fault settings) and keeps the schema: `serve --reset` on a database.
func (s *Store) Reset(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `TRUNCATE citizens, subscribers, accounts, challenges, otp_sends, keys, imports,
		events, provider_records, world_faults RESTART IDENTITY`)
	return err
}
