package results

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// MergeK6Outputs is the K6Output of k6 instances that ran side by side (the segments of one
// split run), as if one instance had emitted every point: the aggregates merge (Merge), the
// seconds lie over one another on the wall clock, the adversarial points are pooled.
func MergeK6Outputs(parts ...*K6Output) (*K6Output, error) {
	aggs := make([]*Aggregate, len(parts))
	secs := make([]*seconds, len(parts))
	attack := newAttackRaw()
	for i, p := range parts {
		a, err := p.Aggregate()
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i, err)
		}
		aggs[i], secs[i] = a, &p.secs
		attack.merge(p.attack)
	}
	agg, err := Merge(aggs...)
	if err != nil {
		return nil, err
	}
	return &K6Output{agg: agg, secs: *sideBySide(secs), attack: attack}, nil
}

func (a *attackRaw) merge(o *attackRaw) {
	if o == nil {
		return
	}
	a.reqs = append(a.reqs, o.reqs...)
	for k, v := range o.tries {
		a.tries[k] += v
	}
	for k, v := range o.targets {
		a.targets[k] += v
	}
	for k, v := range o.obs {
		a.obs[k] += v
	}
	for k, v := range o.server {
		a.server[k] = append(a.server[k], v...)
	}
	for k, v := range o.dropped {
		a.dropped[k] += v
	}
}

// LoadK6Output reads what k6 recorded of a load run in dir: the streamed aggregate
// (StreamFile) when the run has one, else the raw JSON output (RawFile). The meta is the
// zero StreamMeta for a raw output.
func LoadK6Output(dir string) (*K6Output, StreamMeta, error) {
	o, meta, err := ReadStreamDir(dir)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return o, meta, err
	}
	raw := filepath.Join(dir, RawFile)
	if _, serr := os.Stat(raw); serr != nil {
		return nil, StreamMeta{}, fmt.Errorf("%s: neither %s nor %s found (is it a load run directory?)", dir, StreamFile, RawFile)
	}
	o, err = ReadK6File(raw)
	return o, StreamMeta{}, err
}
