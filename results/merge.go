package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Merge returns the union of aggregates, as if one k6 instance had emitted every point:
// histograms merge bucket by bucket (so percentiles are recomputed, never averaged),
// counters and rate counts add, gauges keep the peak, and the time window spans all parts.
// A metric whose type differs between parts is an error.
func Merge(parts ...*Aggregate) (*Aggregate, error) {
	out := NewAggregate()
	for i, p := range parts {
		if p == nil {
			return nil, fmt.Errorf("merge: part %d is nil", i)
		}
		for m, t := range p.Types {
			if old, ok := out.Types[m]; ok && old != t {
				return nil, fmt.Errorf("merge: metric %q is a %s in one part and a %s in part %d", m, old, t, i)
			}
			out.Types[m] = t
		}
		if !p.First.IsZero() && (out.First.IsZero() || p.First.Before(out.First)) {
			out.First = p.First
		}
		if p.Last.After(out.Last) {
			out.Last = p.Last
		}
		out.Points += p.Points
		for k, h := range p.Trends {
			out.trend(k).Merge(h)
		}
		for k, v := range p.Counters {
			out.Counters[k] += v
		}
		for k, r := range p.Rates {
			o := out.rate(k)
			o.Hits += r.Hits
			o.Total += r.Total
		}
		for k, v := range p.Gauges {
			out.Gauges[k] += v // instances run side by side: peak VUs add
		}
		out.Segments = append(out.Segments, p.Segments...)
	}
	return out, nil
}

// WriteAggregate stores a in dir/aggregate.json (atomically).
func WriteAggregate(dir string, a *Aggregate) error {
	b, err := json.MarshalIndent(a, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, AggregateFile), b)
}

// LoadAggregate reads a run directory's aggregate, building it from the raw k6 output (and
// storing it) when the directory has only the raw output.
func LoadAggregate(dir string) (*Aggregate, error) {
	b, err := os.ReadFile(filepath.Join(dir, AggregateFile))
	if err == nil {
		a := NewAggregate()
		if err := json.Unmarshal(b, a); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, AggregateFile), err)
		}
		return a, nil
	}
	if !os.IsNotExist(err) {
		return nil, err
	}
	raw := filepath.Join(dir, RawFile)
	if _, err := os.Stat(raw); err != nil {
		return nil, fmt.Errorf("%s: neither %s nor %s found (is it a load run directory?)", dir, AggregateFile, RawFile)
	}
	a, err := ReadK6JSONFile(raw)
	if err != nil {
		return nil, err
	}
	return a, WriteAggregate(dir, a)
}
