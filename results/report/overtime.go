package report

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// minPlotWindows is the fewest windows a plot over time needs; a shorter run (a smoke test)
// gets a table instead of a plot of one dot.
const minPlotWindows = 3

// timeSection draws latency percentiles and throughput over the run: the arrival rate the
// run was configured to ask for (dashed), what completed and what was dropped. The last
// window, when partial, is left out of the plots and said so. A merged run's series is laid
// together from its parts' raw outputs.
func (lr *loadRun) timeSection(r *Report) (Section, bool) {
	var (
		ts  *results.TimeSeries
		err error
		src string
	)
	if lr.parts != nil {
		if len(lr.parts.raws) == 0 {
			r.Missing = append(r.Missing, "the parts' "+results.RawFile+": none is at hand, so nothing can be drawn over time")
			return Section{}, false
		}
		src = fmt.Sprintf("the %d parts' raw outputs laid over one another on the wall clock", len(lr.parts.raws))
		ts, err = sideBySide(lr.parts.raws)
	} else {
		raw := filepath.Join(lr.aggDir, results.RawFile)
		if !exists(raw) && !exists(filepath.Join(lr.aggDir, results.StreamFile)) {
			r.Missing = append(r.Missing, results.RawFile+": k6's raw output is absent, so nothing can be drawn over time")
			return Section{}, false
		}
		var out *results.K6Output
		if out, err = lr.k6Output(); err == nil {
			ts = out.TimeSeries()
		}
	}
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v), so nothing can be drawn over time", results.RawFile, err))
		return Section{}, false
	}
	if len(ts.Windows) == 0 {
		return Section{}, false
	}
	s := Section{Title: "Over time"}
	if src != "" {
		s.Text = append(s.Text, "The series of a merged run: "+src+".")
	}
	width := ts.Windows[0].Width
	var full []results.Window
	var partial *results.Window
	for i, w := range ts.Windows {
		if w.Partial {
			partial = &ts.Windows[i]
			continue
		}
		full = append(full, w)
	}
	rp, haveRamp := lr.ramp()
	if len(full) < minPlotWindows {
		s.Text = append(s.Text, fmt.Sprintf("The run is too short to draw over time (%d windows of %s): the windows are listed instead.", len(ts.Windows), humanDuration(width)))
		if haveRamp {
			s.Text = append(s.Text, "Arrival rate asked for: "+rp.Text+".")
		}
		tb := Table{Caption: "windows of the run", Header: []string{"from", "width", "requests", "iterations completed /s", "dropped /s", "p50", "p95", "p99", "failed"},
			Numeric: map[int]bool{2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true}}
		for _, w := range ts.Windows {
			p50, p95, p99 := "–", "–", "–"
			if w.Timed > 0 {
				p50, p95, p99 = humanMS(w.P50), humanMS(w.P95), humanMS(w.P99)
			}
			from := humanDuration(w.Start)
			if w.Partial {
				from += " (partial)"
			}
			secs := w.Width.Seconds()
			tb.Rows = append(tb.Rows, []string{from, humanDuration(w.Width), count(w.Requests * secs), num(w.Iterations), num(w.Dropped),
				p50, p95, p99, shareOf(roundTo(w.FailedShare*w.Requests*secs), w.Requests*secs)})
		}
		s.Tables = append(s.Tables, tb)
		return s, true
	}
	n := len(full)
	x, done, dropped := make([]float64, n), make([]float64, n), make([]float64, n)
	var lx, p50, p95, p99 []float64 // the windows with requests: the latency plot skips the others
	anyDropped := false
	for i, w := range full {
		x[i] = (w.Start + w.Width/2).Seconds()
		if w.Timed > 0 {
			lx = append(lx, x[i])
			p50, p95, p99 = append(p50, w.P50), append(p95, w.P95), append(p99, w.P99)
		}
		done[i], dropped[i] = w.Iterations, w.Dropped
		anyDropped = anyDropped || w.Dropped > 0
	}
	partialNote := ""
	if partial != nil {
		partialNote = fmt.Sprintf(" The last window (from %s, %s, %s requests) is partial — only the last iterations finishing — and is left out, so the curves do not fall to zero at the end.",
			humanDuration(partial.Start), humanDuration(partial.Width), count(partial.Requests*partial.Width.Seconds()))
	}
	r.keepCurve("Latency p95 over time", axes{Title: "Latency p95 over time", X: "seconds since the first request", Y: "ms", YMin0: true}, series{X: lx, Y: p95})
	r.keepCurve("Iterations completed over time", axes{Title: "Iterations completed over time", X: "seconds since the first request", Y: "iterations/s", YMin0: true}, series{X: x, Y: done})
	if svg, err := linePlot(axes{Title: "Latency percentiles over time", X: "seconds since the first request", Y: "ms", YMin0: true},
		[]series{{Name: "p50", X: lx, Y: p50}, {Name: "p95", X: lx, Y: p95}, {Name: "p99", X: lx, Y: p99}}); err == nil {
		s.Plots = append(s.Plots, Plot{Name: "latency-over-time", Title: "Latency percentiles over time", SVG: svg,
			Caption: fmt.Sprintf("http_req_duration of the service's steps in %s windows (wide enough for about %d requests each; windows without a request are left out). A p99 that climbs while the arrival rate is flat is a queue building up.%s", humanDuration(width), results.MinRequestsPerWindow, partialNote)})
	}
	var ss []series
	caption := "Iterations completed per second against the arrival rate the run asked for."
	if haveRamp {
		ss = append(ss, series{Name: "asked for (configured)", X: rp.X, Y: rp.Y, Dashed: true})
		caption += " The dashed line is the configured schedule: " + rp.Text + "."
	} else {
		offered := make([]float64, n)
		for i, w := range full {
			offered[i] = w.Offered
		}
		ss = append(ss, series{Name: "asked for (completed + dropped)", X: x, Y: offered, Dashed: true})
		caption += " This scenario's schedule is not drawn as configured; the dashed line is what k6 started or dropped."
	}
	ss = append(ss, series{Name: "completed", X: x, Y: done})
	if anyDropped {
		ss = append(ss, series{Name: "dropped", X: x, Y: dropped})
		caption += " Dropped iterations mean k6 had no free virtual user: the service was too slow for the rate, or the VU budget too small."
	} else {
		caption += " No iteration was dropped."
	}
	caption += " Completions lag the arrivals by the time an iteration takes." + partialNote
	if svg, err := linePlot(axes{Title: "Throughput against arrival rate", X: "seconds since the first request", Y: "iterations/s", YMin0: true}, ss); err == nil {
		s.Plots = append(s.Plots, Plot{Name: "throughput-over-time", Title: "Throughput against arrival rate", SVG: svg, Caption: strings.TrimSpace(caption)})
	}
	return s, true
}

// sideBySide reads the raw outputs of k6 instances that ran side by side into one series.
func sideBySide(paths []string) (*results.TimeSeries, error) {
	outs := make([]*results.K6Output, len(paths))
	for i, p := range paths {
		o, _, err := results.LoadK6Output(filepath.Dir(p)) // the part's stream, else its raw output
		if err != nil {
			return nil, err
		}
		outs[i] = o
	}
	return results.TimeSeriesSideBySide(outs...), nil
}

func roundTo(v float64) float64 {
	if v < 0 {
		return 0
	}
	return float64(int64(v + 0.5))
}
