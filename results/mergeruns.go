package results

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// ErrNotRunDir marks a directory given to MergeRuns that has no readable manifest.
var ErrNotRunDir = errors.New("not a run directory to merge")

// MergeRuns merges the execution segments of one split load run (dirs, at least two) into
// a new run directory under root: counters add and percentiles are recomputed from the
// merged histograms (Merge). Every part must have finished and be a run of the same
// scenario with the same seed, each segment given once. The merged run's manifest
// (KindMerge, StatusMerged) names its parts; command is the command line to record.
func MergeRuns(ctx context.Context, root string, dirs, command []string) (*Run, *Aggregate, error) {
	var parts []*Aggregate
	var first *Manifest
	segs := map[string]bool{}
	for _, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w: %v", d, ErrNotRunDir, err)
		}
		if m.Status == StatusRunning {
			return nil, nil, fmt.Errorf("%s: the run did not finish (manifest status %q)", d, m.Status)
		}
		if first == nil {
			first = m
		} else if m.Scenario != first.Scenario || m.Seed != first.Seed {
			return nil, nil, fmt.Errorf("%s: scenario %s seed %d differs from the first part's (%s seed %d); only segments of one run merge",
				d, m.Scenario, m.Seed, first.Scenario, first.Seed)
		}
		if m.Segment != "" {
			if segs[m.Segment] {
				return nil, nil, fmt.Errorf("%s: segment %s given twice", d, m.Segment)
			}
			segs[m.Segment] = true
		}
		a, err := LoadAggregate(d)
		if err != nil {
			return nil, nil, err
		}
		a.Segments = []string{m.Segment}
		parts = append(parts, a)
	}
	if first == nil {
		return nil, nil, errors.New("merge: no run directory given")
	}
	merged, err := Merge(parts...)
	if err != nil {
		return nil, nil, err
	}
	abs := make([]string, len(dirs))
	for i, d := range dirs {
		if abs[i], err = filepath.Abs(d); err != nil {
			return nil, nil, err
		}
	}
	run, err := Create(root, Manifest{
		RunID: NewRunID(time.Now(), first.Scenario+"-merged"), Kind: KindMerge, Command: command,
		Scenario: first.Scenario, Started: time.Now().UTC(), Target: first.Target, Hash: first.Hash, Seed: first.Seed, MergedFrom: abs,
		Versions: map[string]string{"eidsim": BuildVersion()}, GitCommit: GitCommit(ctx), Host: HostInfo(),
	})
	if err != nil {
		return nil, nil, err
	}
	if err := WriteAggregate(run.Dir, merged); err != nil {
		return nil, nil, err
	}
	if err := run.Finish(StatusMerged, time.Now(), nil); err != nil {
		return nil, nil, err
	}
	return run, merged, nil
}
