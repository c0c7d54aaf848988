package results

import (
	"math"
	"sort"
	"time"
)

// MaxWindows bounds the number of points of a time series: longer runs are read in wider
// windows.
const MaxWindows = 120

// MinRequestsPerWindow is the number of requests a window should hold on average, so that a
// window's p99 is more than its slowest request.
const MinRequestsPerWindow = 20

// maxSeconds bounds the seconds a time series covers (a day); points later than that after
// the first are counted in the last second.
const maxSeconds = 24 * 3600

// second is what one second of a load run holds.
type second struct {
	latency    Histogram // http_req_duration of the service's own steps
	iterations float64
	dropped    float64
	requests   float64
	failed     float64
	vus        float64
}

// merge adds o to s; vus adds too (instances side by side) when sideBySide, else the peak.
func (s *second) merge(o *second, sideBySide bool) {
	s.latency.Merge(&o.latency)
	s.iterations += o.iterations
	s.dropped += o.dropped
	s.requests += o.requests
	s.failed += o.failed
	if sideBySide {
		s.vus += o.vus
	} else {
		s.vus = max(s.vus, o.vus)
	}
}

// freezeLag is how many seconds behind the latest one a second's latency histogram is
// frozen (Histogram.Freeze): k6 hands samples over in batches, nearly in time order, so a
// second that old receives no more values (a late one still counts: Record thaws it).
const freezeLag = 5

// seconds is a run's figures in one bucket per second from start. The latency histograms of
// the seconds before frozen are frozen, so that an hours-long run keeps only the current few
// seconds in the live (map) form.
type seconds struct {
	start  time.Time
	secs   []*second
	frozen int
}

// at returns the bucket of time t, making it (and shifting the others when t is earlier
// than every point seen so far).
func (ss *seconds) at(t time.Time) *second {
	if ss.start.IsZero() || t.Before(ss.start) {
		// Points arrive nearly in time order; an earlier one than the first seen shifts
		// every second already counted.
		if !ss.start.IsZero() {
			shift := int(ss.start.Sub(t) / time.Second)
			if shift > 0 && len(ss.secs)+shift <= maxSeconds {
				ss.secs = append(make([]*second, shift), ss.secs...)
				ss.start = ss.start.Add(-time.Duration(shift) * time.Second)
				ss.frozen += shift
			}
		} else {
			ss.start = t.Truncate(time.Second)
		}
	}
	i := int(t.Sub(ss.start) / time.Second)
	i = max(0, min(i, maxSeconds-1))
	for len(ss.secs) <= i {
		ss.secs = append(ss.secs, nil)
	}
	if ss.secs[i] == nil {
		ss.secs[i] = &second{}
	}
	ss.freezeBefore(i - freezeLag)
	return ss.secs[i]
}

// freezeBefore freezes the latency histograms of the seconds before i not frozen yet.
func (ss *seconds) freezeBefore(i int) {
	for ; ss.frozen < min(i, len(ss.secs)); ss.frozen++ {
		if s := ss.secs[ss.frozen]; s != nil {
			s.latency.Freeze()
		}
	}
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

// TimeSeries is a load run's metrics over time, in at most MaxWindows windows.
type TimeSeries struct {
	Start   time.Time
	Windows []Window
}

// windows groups the seconds into at most MaxWindows windows.
func (ss *seconds) windows() *TimeSeries {
	ts := &TimeSeries{Start: ss.start}
	secs := ss.secs
	if len(secs) == 0 {
		return ts
	}
	var total float64
	for _, sc := range secs {
		if sc != nil {
			total += float64(sc.latency.Count())
		}
	}
	width := (len(secs) + MaxWindows - 1) / MaxWindows
	if total > 0 {
		width = max(width, int(math.Ceil(MinRequestsPerWindow*float64(len(secs))/total)))
	}
	width = min(max(width, 1), len(secs))
	for i := 0; i < len(secs); i += width {
		var w second
		n := 0
		for _, s := range secs[i:min(i+width, len(secs))] {
			n++
			if s != nil {
				w.merge(s, false)
			}
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

// sideBySide lays the per-second buckets of k6 instances that ran side by side (execution
// segments) over one another on the wall clock.
func sideBySide(parts []*seconds) *seconds {
	out := &seconds{}
	for _, p := range parts {
		if !p.start.IsZero() && (out.start.IsZero() || p.start.Before(out.start)) {
			out.start = p.start
		}
	}
	for _, p := range parts {
		off := int(p.start.Sub(out.start) / time.Second)
		for k, s := range p.secs {
			if s == nil {
				continue
			}
			j := min(off+k, maxSeconds-1)
			for len(out.secs) <= j {
				out.secs = append(out.secs, nil)
			}
			if out.secs[j] == nil {
				out.secs[j] = &second{}
			}
			out.secs[j].merge(s, true)
		}
	}
	out.freezeBefore(len(out.secs))
	return out
}
