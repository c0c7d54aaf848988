package eidsimout

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"sort"
	"time"

	"go.k6.io/k6/metrics"

	"github.com/eidsim/eidsim/results"
)

// maxCachedTagSets bounds the tag-map cache; past it the cache starts over.
const maxCachedTagSets = 1 << 14

// tagCache turns k6 tag sets into maps once each: k6 interns tag sets, so the same set of
// tags is the same pointer.
type tagCache map[*metrics.TagSet]map[string]string

func (c tagCache) of(ts *metrics.TagSet) map[string]string {
	if ts == nil {
		return nil
	}
	if m, ok := c[ts]; ok {
		return m
	}
	if len(c) >= maxCachedTagSets {
		clear(c)
	}
	m := ts.Map()
	c[ts] = m
	return m
}

// thresholdsOf lists the script's thresholds by metric, then in the script's order.
func thresholdsOf(ts map[string]metrics.Thresholds) []results.StreamThreshold {
	names := make([]string, 0, len(ts))
	for n := range ts {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []results.StreamThreshold
	for _, n := range names {
		for _, t := range ts[n].Thresholds {
			if t == nil {
				continue
			}
			st := results.StreamThreshold{Metric: n, Source: t.Source, AbortOnFail: t.AbortOnFail}
			if t.AbortGracePeriod.Valid {
				st.DelayAbortEval = time.Duration(t.AbortGracePeriod.Duration)
			}
			out = append(out, st)
		}
	}
	return out
}

// attackWriter writes the adversarial metrics' points as k6 JSON lines (gzip), opened at
// the first such point, flushed at line boundaries with every aggregate flush.
type attackWriter struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	zw   *gzip.Writer
	enc  *json.Encoder
	seen map[string]bool
}

type k6MetricLine struct {
	Type   string `json:"type"`
	Metric string `json:"metric"`
	Data   struct {
		Type string `json:"type"`
	} `json:"data"`
}

type k6PointLine struct {
	Type   string `json:"type"`
	Metric string `json:"metric"`
	Data   struct {
		Time  time.Time         `json:"time"`
		Value float64           `json:"value"`
		Tags  map[string]string `json:"tags"`
	} `json:"data"`
}

func (a *attackWriter) add(typ, metric string, t time.Time, v float64, tags map[string]string) error {
	if a.f == nil {
		f, err := os.Create(a.path)
		if err != nil {
			return err
		}
		a.f, a.bw = f, bufio.NewWriterSize(f, 64<<10)
		a.zw = gzip.NewWriter(a.bw)
		a.enc = json.NewEncoder(a.zw)
		a.seen = map[string]bool{}
	}
	if !a.seen[metric] {
		a.seen[metric] = true
		m := k6MetricLine{Type: "Metric", Metric: metric}
		m.Data.Type = typ
		if err := a.enc.Encode(m); err != nil {
			return err
		}
	}
	p := k6PointLine{Type: "Point", Metric: metric}
	p.Data.Time, p.Data.Value, p.Data.Tags = t, v, tags
	return a.enc.Encode(p)
}

// flush makes every line written so far readable in the file.
func (a *attackWriter) flush() error {
	if a == nil || a.f == nil {
		return nil
	}
	if err := a.zw.Flush(); err != nil {
		return err
	}
	return a.bw.Flush()
}

func (a *attackWriter) close() error {
	if a == nil || a.f == nil {
		return nil
	}
	err := a.zw.Close()
	if ferr := a.bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	a.f = nil
	return err
}
