package report

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// maxWindows bounds the number of points of a time series: longer runs are read in wider
// windows.
const maxWindows = 120

// minPerWindow is the number of requests a window should hold on average.
const minPerWindow = 20

// maxSeconds bounds the seconds a time series covers (a day); points later than that after
// the first are counted in the last second.
const maxSeconds = 24 * 3600

// pointTag marks the lines of k6's JSON output that carry a sample.
var pointTag = []byte(`"type":"Point"`)

// second is what one second of a load run holds.
type second struct {
	latency    results.Histogram // http_req_duration of the service's own steps
	iterations float64
	dropped    float64
	requests   float64
	failed     float64
	vus        float64
}

// Window is one point of a load run's time series.
type Window struct {
	// Start is the offset of the window from the run's first point.
	Start time.Duration
	// Width is the window's length.
	Width time.Duration
	// P50, P95 and P99 are latency percentiles (ms) of the service's steps; NaN-free: 0 when
	// the window had no request.
	P50, P95, P99 float64
	Requests      float64
	// Iterations completed and dropped (k6 could not start them for want of a VU), per
	// second. Offered is their sum: the arrival rate the executor asked for.
	Iterations, Dropped, Offered float64
	// FailedShare is the share of requests that failed (http_req_failed).
	FailedShare float64
	// Timed is the number of latency samples of the window (0: the percentiles are 0 but
	// mean nothing).
	Timed uint64
	VUs   float64
	// Partial marks the last window when it covers less than the others: fewer seconds,
	// or the tail in which only the last iterations finished (under a quarter of the
	// median window's requests). Its percentiles stand on too few requests to plot.
	Partial bool
}

// TimeSeries is a load run's metrics over time.
type TimeSeries struct {
	Start   time.Time
	Windows []Window
}

// ReadTimeSeries reads k6's JSON output (gzip or plain) into at most maxWindows windows.
// name is used in error messages, which give the line.
func ReadTimeSeries(r io.Reader, name string) (*TimeSeries, error) {
	start, secs, err := readSeconds(r, name)
	if err != nil {
		return nil, err
	}
	return windows(start, secs), nil
}

// readSeconds reads k6's JSON output into one bucket per second from start.
func readSeconds(r io.Reader, name string) (time.Time, []*second, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return time.Time{}, nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 256<<10)
	}
	type point struct {
		Type   string `json:"type"`
		Metric string `json:"metric"`
		Data   struct {
			Time  time.Time         `json:"time"`
			Value float64           `json:"value"`
			Tags  map[string]string `json:"tags"`
		} `json:"data"`
	}
	var (
		secs  []*second
		start time.Time
	)
	at := func(t time.Time) *second {
		if start.IsZero() || t.Before(start) {
			// Points arrive nearly in time order; an earlier one than the first seen
			// shifts every second already counted.
			if !start.IsZero() {
				shift := int(start.Sub(t) / time.Second)
				if shift > 0 && len(secs)+shift <= maxSeconds {
					secs = append(make([]*second, shift), secs...)
					start = start.Add(-time.Duration(shift) * time.Second)
				}
			} else {
				start = t.Truncate(time.Second)
			}
		}
		i := int(t.Sub(start) / time.Second)
		i = max(0, min(i, maxSeconds-1))
		for len(secs) <= i {
			secs = append(secs, nil)
		}
		if secs[i] == nil {
			secs[i] = &second{}
		}
		return secs[i]
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 || !bytes.Contains(b, pointTag) {
			continue
		}
		var p point
		if err := json.Unmarshal(b, &p); err != nil {
			return time.Time{}, nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if p.Type != "Point" || p.Data.Time.IsZero() {
			continue
		}
		switch p.Metric {
		case "http_req_duration":
			if step := p.Data.Tags["step"]; step != "" && !strings.HasPrefix(step, results.SimStepPrefix) {
				at(p.Data.Time).latency.Record(p.Data.Value)
			}
		case "http_reqs":
			if !strings.HasPrefix(p.Data.Tags["step"], results.SimStepPrefix) {
				at(p.Data.Time).requests += p.Data.Value
			}
		case "http_req_failed":
			if p.Data.Value != 0 && !strings.HasPrefix(p.Data.Tags["step"], results.SimStepPrefix) {
				at(p.Data.Time).failed++
			}
		case "iterations":
			at(p.Data.Time).iterations += p.Data.Value
		case "dropped_iterations":
			at(p.Data.Time).dropped += p.Data.Value
		case "vus":
			s := at(p.Data.Time)
			s.vus = max(s.vus, p.Data.Value)
		}
	}
	if err := sc.Err(); err != nil {
		return time.Time{}, nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return start, secs, nil
}

// windows groups seconds into at most maxWindows windows.
func windows(start time.Time, secs []*second) *TimeSeries {
	ts := &TimeSeries{Start: start}
	if len(secs) == 0 {
		return ts
	}
	// Windows wide enough for at most maxWindows points and, on average, minPerWindow
	// requests, so that a window's p99 is more than its slowest request.
	var total float64
	for _, sc := range secs {
		if sc != nil {
			total += float64(sc.latency.Count())
		}
	}
	width := (len(secs) + maxWindows - 1) / maxWindows
	if total > 0 {
		width = max(width, int(math.Ceil(minPerWindow*float64(len(secs))/total)))
	}
	width = min(max(width, 1), len(secs))
	for i := 0; i < len(secs); i += width {
		var w second
		n := 0
		for _, s := range secs[i:min(i+width, len(secs))] {
			n++
			if s == nil {
				continue
			}
			w.latency.Merge(&s.latency)
			w.iterations += s.iterations
			w.dropped += s.dropped
			w.requests += s.requests
			w.failed += s.failed
			w.vus = max(w.vus, s.vus)
		}
		f := float64(n)
		win := Window{
			Start: time.Duration(i) * time.Second, Width: time.Duration(n) * time.Second,
			P50: w.latency.Quantile(0.5), P95: w.latency.Quantile(0.95), P99: w.latency.Quantile(0.99),
			Requests: w.requests / f, Iterations: w.iterations / f, Dropped: w.dropped / f,
			Offered: (w.iterations + w.dropped) / f, VUs: w.vus, Timed: w.latency.Count(),
		}
		if w.requests > 0 {
			win.FailedShare = w.failed / w.requests
		}
		ts.Windows = append(ts.Windows, win)
	}
	markPartial(ts.Windows)
	return ts
}

// markPartial marks the last window partial when it is narrower than the first or holds
// under a quarter of the median window's latency samples.
func markPartial(ws []Window) {
	if len(ws) < 2 {
		return
	}
	last := &ws[len(ws)-1]
	counts := make([]float64, 0, len(ws)-1)
	for _, w := range ws[:len(ws)-1] {
		counts = append(counts, float64(w.Timed))
	}
	sort.Float64s(counts)
	median := counts[len(counts)/2]
	last.Partial = last.Width < ws[0].Width || float64(last.Timed) < median/4
}

// mergeSeconds lays per-second buckets of k6 instances that ran side by side (execution
// segments) over one another on the wall clock.
func mergeSeconds(starts []time.Time, parts [][]*second) (time.Time, []*second) {
	var start time.Time
	for _, s := range starts {
		if !s.IsZero() && (start.IsZero() || s.Before(start)) {
			start = s
		}
	}
	var out []*second
	for i, secs := range parts {
		off := int(starts[i].Sub(start) / time.Second)
		for k, s := range secs {
			if s == nil {
				continue
			}
			j := min(off+k, maxSeconds-1)
			for len(out) <= j {
				out = append(out, nil)
			}
			if out[j] == nil {
				out[j] = &second{}
			}
			o := out[j]
			o.latency.Merge(&s.latency)
			o.iterations += s.iterations
			o.dropped += s.dropped
			o.requests += s.requests
			o.failed += s.failed
			o.vus += s.vus // instances side by side: their VUs add
		}
	}
	return start, out
}

// ReadTimeSeriesFiles reads the k6 outputs of instances that ran side by side (the segments
// of one split run) into one time series, as if one instance had emitted every point.
func ReadTimeSeriesFiles(paths ...string) (*TimeSeries, error) {
	starts := make([]time.Time, len(paths))
	parts := make([][]*second, len(paths))
	for i, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		starts[i], parts[i], err = readSeconds(f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	start, secs := mergeSeconds(starts, parts)
	return windows(start, secs), nil
}

// ReadTimeSeriesFile is ReadTimeSeries on a file.
func ReadTimeSeriesFile(path string) (*TimeSeries, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTimeSeries(f, path)
}
