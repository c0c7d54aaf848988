package calibrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Files of a calibration directory shared by the machines of a cluster.
const (
	StateFile = "state.json" // the calibration after its last merged round
)

// ShardFile is the file shard i of n writes for round g.
func ShardFile(g, i, n int) string { return fmt.Sprintf("round-%03d.shard-%d-of-%d.json", g, i, n) }

// ShardRange is the proposals [lo, hi) shard i (1-based) of n evaluates among size.
func ShardRange(size, i, n int) (lo, hi int) { return (i - 1) * size / n, i * size / n }

// Shard is the output of one shard: its simulations of one round.
type Shard struct {
	Model string `json:"model"`
	Round int    `json:"round"`
	Shard int    `json:"shard"`
	Of    int    `json:"of"`
	Sims  []Sim  `json:"simulations"`
}

// ReadState reads dir/state.json; a missing file is (nil, nil).
func ReadState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, StateFile), err)
	}
	if st.Format != StateFormat {
		return nil, fmt.Errorf("%s: format %d, this eidsim reads %d", filepath.Join(dir, StateFile), st.Format, StateFormat)
	}
	return &st, nil
}

// WriteState writes dir/state.json atomically.
func WriteState(dir string, st *State) error {
	return writeJSONAtomic(filepath.Join(dir, StateFile), st)
}

// RunShard evaluates shard i of n of the state's next round and writes it into dir.
func RunShard(ctx context.Context, dir string, st *State, m Model, i, n, workers int, pr Progress) (string, error) {
	if n < 1 || i < 1 || i > n {
		return "", fmt.Errorf("shard %d/%d: want 1 ≤ i ≤ n", i, n)
	}
	props, err := st.Proposals()
	if err != nil {
		return "", err
	}
	lo, hi := ShardRange(len(props), i, n)
	if pr != nil {
		pr.Round(st.NextRound(), hi-lo)
	}
	var ran func()
	if pr != nil {
		ran = pr.Ran
	}
	sims, err := Evaluate(ctx, st, m, props[lo:hi], workers, ran)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, ShardFile(st.NextRound(), i, n))
	return path, writeJSONAtomic(path, &Shard{Model: st.Config.Model, Round: st.NextRound(), Shard: i, Of: n, Sims: sims})
}

// Merge reads the shard files of the state's next round in dir (all of one n, every shard
// present), checks they belong to this calibration, and advances the state.
func Merge(dir string, st *State) (*State, error) {
	g := st.NextRound()
	matches, err := filepath.Glob(filepath.Join(dir, fmt.Sprintf("round-%03d.shard-*-of-*.json", g)))
	if err != nil {
		return nil, err
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("%s: no shard files of round %d", dir, g)
	}
	sort.Strings(matches)
	var sims []Sim
	of, seen := 0, map[int]bool{}
	for _, path := range matches {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var sh Shard
		if err := json.Unmarshal(b, &sh); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch {
		case sh.Model != st.Config.Model:
			return nil, fmt.Errorf("%s: a shard of another calibration (model %s, state %s)", path, sh.Model, st.Config.Model)
		case sh.Round != g:
			return nil, fmt.Errorf("%s: round %d, the state's next round is %d", path, sh.Round, g)
		case of != 0 && sh.Of != of:
			return nil, fmt.Errorf("%s: shard of %d, other shards of round %d are of %d", path, sh.Of, g, of)
		}
		of = sh.Of
		seen[sh.Shard] = true
		sims = append(sims, sh.Sims...)
	}
	for i := 1; i <= of; i++ {
		if !seen[i] {
			return nil, fmt.Errorf("%s: shard %s is missing", dir, ShardFile(g, i, of))
		}
	}
	return st.Advance(sims)
}

func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := f.Write(append(b, '\n'))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}
