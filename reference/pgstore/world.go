package pgstore

import (
	"context"

	"github.com/eidsim/eidsim/reference/cluster"
)

// The shared simulated world's fault settings (cluster.FaultBoard) in table world_faults.

var _ cluster.FaultBoard = (*Store)(nil)

// keepFaults is how many published settings the journal keeps (as faults.MaxJournal).
const keepFaults = 1000

// PublishFaults appends a fault setting to the shared journal and returns its id; entries
// beyond the newest keepFaults are dropped.
func (s *Store) PublishFaults(ctx context.Context, e cluster.FaultEntry) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO world_faults (at, source, spec) VALUES ($1, $2, $3) RETURNING id`,
		nanos(e.At), e.Source, e.Spec).Scan(&id)
	if err != nil {
		return 0, err
	}
	_, err = s.pool.Exec(ctx, `DELETE FROM world_faults WHERE id <= $1`, id-keepFaults)
	return id, err
}

// FaultsAfter returns the published settings with an id above after, oldest first.
func (s *Store) FaultsAfter(ctx context.Context, after int64) ([]cluster.FaultEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, at, source, spec FROM world_faults WHERE id > $1 ORDER BY id`, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cluster.FaultEntry
	for rows.Next() {
		var e cluster.FaultEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Source, &e.Spec); err != nil {
			return nil, err
		}
		e.At = fromNanos(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
