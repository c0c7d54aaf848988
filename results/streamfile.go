package results

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// streamDoc is the stored form of a StreamFile (gzip-compressed JSON).
type streamDoc struct {
	Meta      StreamMeta  `json:"meta"`
	Aggregate *Aggregate  `json:"aggregate"`
	Seconds   secondsJSON `json:"seconds"`
}

// secondsJSON stores a run's per-second buckets sparsely: only the seconds that hold a
// point, each with its offset from Start.
type secondsJSON struct {
	Start time.Time    `json:"start"`
	Secs  []secondJSON `json:"secs"`
}

type secondJSON struct {
	At         int        `json:"at"`
	Latency    *Histogram `json:"latency,omitempty"`
	Iterations float64    `json:"iterations,omitempty"`
	Dropped    float64    `json:"dropped,omitempty"`
	Requests   float64    `json:"requests,omitempty"`
	Failed     float64    `json:"failed,omitempty"`
	VUs        float64    `json:"vus,omitempty"`
}

func (ss *seconds) toJSON() secondsJSON {
	out := secondsJSON{Start: ss.start, Secs: []secondJSON{}}
	for i, s := range ss.secs {
		if s == nil {
			continue
		}
		j := secondJSON{At: i, Iterations: s.iterations, Dropped: s.dropped, Requests: s.requests, Failed: s.failed, VUs: s.vus}
		if s.latency.Count() > 0 {
			j.Latency = &s.latency
		}
		out.Secs = append(out.Secs, j)
	}
	return out
}

func (j secondsJSON) toSeconds() (seconds, error) {
	ss := seconds{start: j.Start}
	for _, s := range j.Secs {
		if s.At < 0 || s.At >= maxSeconds {
			return seconds{}, fmt.Errorf("second %d out of range [0, %d)", s.At, maxSeconds)
		}
		for len(ss.secs) <= s.At {
			ss.secs = append(ss.secs, nil)
		}
		sc := &second{iterations: s.Iterations, dropped: s.Dropped, requests: s.Requests, failed: s.Failed, vus: s.VUs}
		if s.Latency != nil {
			sc.latency = *s.Latency
		}
		ss.secs[s.At] = sc
	}
	ss.freezeBefore(len(ss.secs))
	return ss, nil
}

// WriteStream writes o (its aggregate and time series) with meta as a StreamFile to w.
func WriteStream(w io.Writer, meta StreamMeta, o *K6Output) error {
	zw := gzip.NewWriter(w)
	meta.Version = StreamVersion
	if err := json.NewEncoder(zw).Encode(streamDoc{Meta: meta, Aggregate: o.agg, Seconds: o.secs.toJSON()}); err != nil {
		return err
	}
	return zw.Close()
}

// WriteStreamFile writes a StreamFile at path atomically (a temporary file renamed), so a
// reader, or a kill in the middle, never sees half a file.
func WriteStreamFile(path string, meta StreamMeta, o *K6Output) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = WriteStream(bw, meta, o)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// ReadStream reads a StreamFile. name is used in error messages.
func ReadStream(r io.Reader, name string) (*K6Output, StreamMeta, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, StreamMeta{}, fmt.Errorf("%s: %w", name, err)
	}
	defer zr.Close()
	var d streamDoc
	if err := json.NewDecoder(zr).Decode(&d); err != nil {
		return nil, StreamMeta{}, fmt.Errorf("%s: %w", name, err)
	}
	if d.Meta.Version != StreamVersion {
		return nil, d.Meta, fmt.Errorf("%s: format version %d, this eidsim reads %d", name, d.Meta.Version, StreamVersion)
	}
	if d.Aggregate == nil {
		return nil, d.Meta, fmt.Errorf("%s: no aggregate", name)
	}
	fillAggregate(d.Aggregate)
	secs, err := d.Seconds.toSeconds()
	if err != nil {
		return nil, d.Meta, fmt.Errorf("%s: seconds: %w", name, err)
	}
	return &K6Output{agg: d.Aggregate, secs: secs, attack: newAttackRaw()}, d.Meta, nil
}

// fillAggregate gives a decoded Aggregate the maps its JSON left out.
func fillAggregate(a *Aggregate) {
	e := NewAggregate()
	if a.Types == nil {
		a.Types = e.Types
	}
	if a.Trends == nil {
		a.Trends = e.Trends
	}
	if a.Counters == nil {
		a.Counters = e.Counters
	}
	if a.Rates == nil {
		a.Rates = e.Rates
	}
	if a.Gauges == nil {
		a.Gauges = e.Gauges
	}
}

// ReadStreamDir reads a load run directory's StreamFile and, when present, its
// StreamAttackFile (whose points make the K6Output's Attack). A missing StreamFile is an
// error satisfying errors.Is(err, os.ErrNotExist).
func ReadStreamDir(dir string) (*K6Output, StreamMeta, error) {
	path := filepath.Join(dir, StreamFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, StreamMeta{}, err
	}
	defer f.Close()
	o, meta, err := ReadStream(f, path)
	if err != nil {
		return nil, meta, err
	}
	ap := filepath.Join(dir, StreamAttackFile)
	if af, err := os.Open(ap); err == nil {
		defer af.Close()
		ao, err := readAttackLines(af, ap)
		if err != nil {
			return nil, meta, err
		}
		o.attack = ao.attack
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, meta, err
	}
	o.attack.dropped = droppedByScenario(o.agg)
	return o, meta, nil
}

// readAttackLines reads a StreamAttackFile. The file is a gzip stream flushed at line
// boundaries, so when k6 was killed between two flushes (no gzip trailer) the points up to
// the last flush are read and the missing tail is not an error.
func readAttackLines(r io.Reader, name string) (*K6Output, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer zr.Close()
	return ReadK6(tolerantEOF{zr}, name)
}

// tolerantEOF reads an unterminated gzip stream to its last flushed byte.
type tolerantEOF struct{ r io.Reader }

func (t tolerantEOF) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

// droppedByScenario is dropped_iterations per k6 scenario, from the aggregate's counters.
func droppedByScenario(a *Aggregate) map[string]int64 {
	out := map[string]int64{}
	for k, v := range a.Counters {
		m, tags := ParseSeriesKey(k)
		if m == MetricDroppedIterations && tags["scenario"] != "" {
			out[tags["scenario"]] += int64(v)
		}
	}
	return out
}
