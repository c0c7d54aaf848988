package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/load"
)

// Segment dimensions of the citizens, as the k6 scripts tag eidsim_outcomes.
var segmentDims = []struct{ Tag, Label string }{
	{"sim", "SIM ownership"}, {"coverage", "coverage"}, {"handset", "handset"}, {"ethnicity", "ethnicity"},
}

// findMaxResult is the Result a find-max run records in its manifest.
type findMaxResult struct {
	MaxRate float64     `json:"max_sustainable_rate"`
	Best    *load.Step  `json:"best"`
	Steps   []load.Step `json:"steps"`
}

// buildLoad fills r from a load, find-max or merged run directory.
func buildLoad(r *Report, dir string, m *results.Manifest) error {
	rate := math.NaN()
	if m != nil {
		if v, ok := m.Options["rate"].(float64); ok {
			rate = v
		}
	}
	aggDir := dir
	if m != nil && m.Kind == "find-max" {
		fm, best := findMaxSection(r, dir, m)
		if fm != nil && best != "" {
			aggDir = best
			r.Sections = append(r.Sections, Section{Title: "Detail of the best passing step",
				Text: []string{"The sections below describe the highest passing step of the search (" + filepath.Base(best) + ")."}})
			if fm.Best != nil {
				rate = fm.Best.Rate
			}
		} else {
			return nil
		}
	}
	agg, err := loadAggregate(aggDir)
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s and %s: %v — no k6 measurements, so there are no latency, throughput or outcome figures (the run ended before k6 wrote any output)",
			results.AggregateFile, results.RawFile, err))
		return nil
	}
	t := agg.Totals()
	secs := agg.Duration().Seconds()
	if (m == nil || m.Kind != "find-max") && !math.IsNaN(rate) {
		f := fig("rate", "Peak arrival rate asked for", rate, "/s", 0)
		switch {
		case m == nil:
		case m.Status == results.StatusPassed:
			f.Note = "held: every threshold passed"
		case m.Status == results.StatusThresholdsFailed:
			f.Note = "not held: thresholds failed"
		}
		r.Headline = append(r.Headline, f)
	}
	// Iterations per second over the configured duration (the tail in which k6 lets the
	// last iterations finish is not part of it), else over the span of the points.
	achieved := math.NaN()
	dm := m
	if aggDir != dir {
		// The best step of a search: its own manifest has the step's duration.
		dm, _ = results.ReadManifest(aggDir)
	}
	if dm != nil {
		if ds, ok := dm.Options["duration"].(string); ok {
			if d, err := time.ParseDuration(ds); err == nil && d > 0 {
				secs = d.Seconds()
			}
		}
	}
	if secs > 0 {
		achieved = t.Iterations / secs
	}
	api := agg.APILatency()
	r.Headline = append(r.Headline,
		fig("achieved", "Iterations completed, mean over the run", achieved, "/s", +1),
		fig("p95", "Latency p95, service steps", api.Quantile(0.95), "ms", -1),
		fig("p99", "Latency p99, service steps", api.Quantile(0.99), "ms", -1),
		fig("errors", "Failed requests (http_req_failed)", t.Failed.Rate(), "%", -1),
		fig("dropped", "Dropped iterations", share(t.Dropped, t.Iterations+t.Dropped), "%", -1),
	)
	if t.Checks != nil {
		x := fig("checks", "Checks passed", t.Checks.Rate(), "%", +1)
		x.Detail = true
		r.Headline = append(r.Headline, x)
	}
	oc := outcomesOf(agg)
	flows := oc.flows()
	for _, f := range flows {
		tot, ok := oc.total(f, "", ""), oc.count(f, "ok", "")
		if tot > 0 {
			x := fig("flow_ok:"+f, "Flow "+f+": citizens who got through", ok/tot, "%", +1)
			x.Note = fmt.Sprintf("of %.0f: %.0f ok, %.0f refused as expected, %.0f failed", tot, ok, oc.count(f, "rejected", ""), oc.count(f, "failed", ""))
			x.Detail = true
			r.Headline = append(r.Headline, x)
		}
	}
	if tot := oc.total("recovery", "", ""); tot > 0 {
		failed := oc.count("recovery", "failed", "")
		x := fig("recovery_failed", "Recovery failed", failed/tot, "%", -1)
		var parts []string
		for _, c := range oc.causes("recovery") {
			parts = append(parts, fmt.Sprintf("%s %s", c, pct(oc.count("recovery", "failed", c)/tot)))
		}
		if len(parts) > 0 {
			x.Note = "by cause: " + strings.Join(parts, ", ")
		}
		r.Headline = append(r.Headline, x)
		for _, c := range oc.causes("recovery") {
			x := fig("recovery_failed:"+c, "Recovery failed: "+c, oc.count("recovery", "failed", c)/tot, "%", -1)
			x.Detail = true
			r.Headline = append(r.Headline, x)
		}
	}

	if aggDir != dir {
		for i := range r.Headline {
			if r.Headline[i].Key != "max_rate" && r.Headline[i].Note == "" {
				r.Headline[i].Note = "at the best step"
			}
		}
	}
	r.Sections = append(r.Sections, latencySection(agg, aggDir))
	if m != nil && m.Kind == "merge" {
		// A merge has the parts' aggregates, not their raw points or k6 summaries.
		r.Sections = append(r.Sections, Section{Title: "Thresholds and time series",
			Text: []string{"A merged run holds the merged histograms and counters of its parts (see \"Merged from\"); each part's own report has its k6 threshold verdicts and its plots over time."}})
	} else {
		r.Sections = append(r.Sections, thresholdSection(r, aggDir))
		if s, ok := timeSection(r, aggDir); ok {
			r.Sections = append(r.Sections, s)
		}
	}
	if len(flows) > 0 {
		r.Sections = append(r.Sections, outcomeSection(oc, flows))
		r.Sections = append(r.Sections, segmentSection(oc))
	}
	return nil
}

// loadAggregate reads a run's aggregate without writing one: from aggregate.json, else by
// reading the raw k6 output.
func loadAggregate(dir string) (*results.Aggregate, error) {
	b, err := os.ReadFile(filepath.Join(dir, results.AggregateFile))
	if err == nil {
		a := results.NewAggregate()
		if err := json.Unmarshal(b, a); err != nil {
			return nil, fmt.Errorf("%s: %w", results.AggregateFile, err)
		}
		return a, nil
	}
	raw := filepath.Join(dir, results.RawFile)
	if !exists(raw) {
		return nil, fmt.Errorf("neither file is present")
	}
	return results.ReadK6JSONFile(raw)
}

func share(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// findMaxSection adds the search's headline, its steps and their plots. It returns the
// result and the directory of the best passing step ("" when there is none).
func findMaxSection(r *Report, dir string, m *results.Manifest) (*findMaxResult, string) {
	if m.Result == nil {
		r.Missing = append(r.Missing, "manifest result: the search recorded no steps (it was interrupted before its first step ended)")
		return nil, ""
	}
	b, _ := json.Marshal(m.Result)
	var fm findMaxResult
	if err := json.Unmarshal(b, &fm); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("manifest result: unreadable as a find-max result (%v)", err))
		return nil, ""
	}
	x := fig("max_rate", "Highest sustainable rate", math.NaN(), "/s", +1)
	if fm.Best != nil {
		x = fig("max_rate", "Highest sustainable rate", fm.MaxRate, "/s", +1)
		x.Note = fmt.Sprintf("p95 %.1f ms, p99 %.1f ms, failed %s, dropped %.0f", fm.Best.P95, fm.Best.P99, pct(fm.Best.ErrorRate), fm.Best.Dropped)
	} else {
		x.Text, x.Note = "none", "no rate tried passed the thresholds"
	}
	r.Headline = append(r.Headline, x)
	s := Section{Title: "Search steps", Text: []string{"Each step ran the scenario at one arrival rate; a step passes when every threshold holds. The rate stepped up until a step failed, then the increment was halved."}}
	tb := Table{Caption: "steps of the search", Header: []string{"step", "rate /s", "verdict", "achieved /s", "p50 ms", "p95 ms", "p99 ms", "failed", "dropped", "k6 CPU"},
		Numeric: map[int]bool{1: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true}}
	var rates, ach, p95, p99 []float64
	for _, st := range fm.Steps {
		name := fmt.Sprint(st.N)
		verdict := "FAILED"
		if st.Passed {
			verdict = "passed"
		}
		if st.WarmUp {
			name, verdict = "warm-up", verdict+" (not counted)"
		}
		tb.Rows = append(tb.Rows, []string{name, num(st.Rate), verdict, num(st.Achieved), fmt.Sprintf("%.1f", st.P50), fmt.Sprintf("%.1f", st.P95),
			fmt.Sprintf("%.1f", st.P99), pct(st.ErrorRate), num(st.Dropped), pct(st.K6CPUShare)})
		if !st.WarmUp {
			rates, ach, p95, p99 = append(rates, st.Rate), append(ach, st.Achieved), append(p95, st.P95), append(p99, st.P99)
		}
	}
	s.Tables = append(s.Tables, tb)
	order := sortedBy(rates)
	pick := func(v []float64) []float64 {
		out := make([]float64, len(order))
		for i, k := range order {
			out[i] = v[k]
		}
		return out
	}
	if len(rates) > 0 {
		xs := pick(rates)
		if svg, err := linePlot(axes{Title: "Throughput against arrival rate", X: "arrival rate asked for (iterations/s)", Y: "iterations/s", YMin0: true},
			[]series{{Name: "completed", X: xs, Y: pick(ach)}, {Name: "asked for", X: xs, Y: xs, Dashed: true}}); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "findmax-throughput", Title: "Throughput against arrival rate", SVG: svg,
				Caption: "Where the solid line leaves the dashed one, the service (or k6) stopped keeping up with the arrivals."})
		}
		if svg, err := linePlot(axes{Title: "Latency by arrival rate", X: "arrival rate (iterations/s)", Y: "ms", YMin0: true},
			[]series{{Name: "p95", X: xs, Y: pick(p95)}, {Name: "p99", X: xs, Y: pick(p99)}}); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "findmax-latency", Title: "Latency by arrival rate", SVG: svg,
				Caption: "Percentiles over the service's steps at each step of the search; the thresholds are p95 ≤ 1000 ms and p99 ≤ 2500 ms per step."})
		}
	}
	r.Sections = append(r.Sections, s)
	if fm.Best == nil {
		return &fm, ""
	}
	best := fm.Best.Dir
	if best == "" || !exists(best) {
		best = filepath.Join(dir, "steps", filepath.Base(fm.Best.Dir))
	}
	if !exists(best) {
		r.Missing = append(r.Missing, "the best step's directory ("+fm.Best.Dir+"): its per-step detail cannot be shown")
		return &fm, ""
	}
	return &fm, best
}

// sortedBy returns the indexes of v in increasing order of v.
func sortedBy(v []float64) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	return idx
}

func latencySection(agg *results.Aggregate, dir string) Section {
	s := Section{Title: "Latency by step"}
	tb := Table{Caption: "http_req_duration by step (ms)", Header: []string{"step", "requests", "p50", "p95", "p99", "max"},
		Numeric: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}}
	row := func(name string, h *results.Histogram) {
		tb.Rows = append(tb.Rows, []string{name, fmt.Sprint(h.Count()), fmt.Sprintf("%.1f", h.Quantile(0.5)), fmt.Sprintf("%.1f", h.Quantile(0.95)),
			fmt.Sprintf("%.1f", h.Quantile(0.99)), fmt.Sprintf("%.1f", h.Max())})
	}
	sim := false
	for _, st := range agg.Steps() {
		h := agg.Trends[results.SeriesKey("http_req_duration", map[string]string{"step": st})]
		name := st
		if strings.HasPrefix(st, results.SimStepPrefix) {
			name += " (simulated world)"
			sim = true
		}
		row(name, h)
	}
	row("all service steps", agg.APILatency())
	s.Tables = append(s.Tables, tb)
	if sim {
		s.Text = append(s.Text, "Steps marked \"simulated world\" are the virtual handsets' inbox polls, not the service: they are left out of \"all service steps\".")
	}
	return s
}

// thresholdSection lists k6's threshold verdicts from its end-of-test summary.
func thresholdSection(r *Report, dir string) Section {
	s := Section{Title: "Thresholds"}
	b, err := os.ReadFile(filepath.Join(dir, results.SummaryFile))
	if err != nil {
		r.Missing = append(r.Missing, results.SummaryFile+": k6 did not reach its end-of-test summary, so the threshold verdicts are unknown")
		s.Text = append(s.Text, "No threshold verdicts: "+results.SummaryFile+" is missing.")
		return s
	}
	var sum struct {
		Metrics map[string]struct {
			Thresholds map[string]struct {
				OK bool `json:"ok"`
			} `json:"thresholds"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", results.SummaryFile, err))
		return s
	}
	tb := Table{Caption: "k6 thresholds", Header: []string{"metric", "threshold", "verdict"}}
	names := make([]string, 0, len(sum.Metrics))
	for n := range sum.Metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	failed := 0
	for _, n := range names {
		th := sum.Metrics[n].Thresholds
		exprs := make([]string, 0, len(th))
		for e := range th {
			exprs = append(exprs, e)
		}
		sort.Strings(exprs)
		for _, e := range exprs {
			v := "ok"
			if !th[e].OK {
				v, failed = "FAILED", failed+1
			}
			tb.Rows = append(tb.Rows, []string{n, e, v})
		}
	}
	if len(tb.Rows) == 0 {
		s.Text = append(s.Text, "The scenario set no thresholds.")
		return s
	}
	s.Text = append(s.Text, fmt.Sprintf("%d of %d thresholds failed.", failed, len(tb.Rows)))
	s.Tables = append(s.Tables, tb)
	return s
}

// timeSection draws latency percentiles and throughput over the run.
func timeSection(r *Report, dir string) (Section, bool) {
	raw := filepath.Join(dir, results.RawFile)
	if !exists(raw) {
		r.Missing = append(r.Missing, results.RawFile+": k6's raw output is absent, so nothing can be drawn over time")
		return Section{}, false
	}
	ts, err := ReadTimeSeriesFile(raw)
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v), so nothing can be drawn over time", results.RawFile, err))
		return Section{}, false
	}
	if len(ts.Windows) == 0 {
		return Section{}, false
	}
	n := len(ts.Windows)
	x, p50, p95, p99 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	offered, done, dropped := make([]float64, n), make([]float64, n), make([]float64, n)
	var lx []float64 // the windows with requests: the latency plot skips the others
	p50, p95, p99 = p50[:0], p95[:0], p99[:0]
	for i, w := range ts.Windows {
		x[i] = (w.Start + w.Width/2).Seconds()
		if w.Timed > 0 {
			lx = append(lx, x[i])
			p50, p95, p99 = append(p50, w.P50), append(p95, w.P95), append(p99, w.P99)
		}
		offered[i], done[i], dropped[i] = w.Offered, w.Iterations, w.Dropped
	}
	s := Section{Title: "Over time"}
	width := ts.Windows[0].Width
	r.keepCurve("Latency p95 over time", axes{Title: "Latency p95 over time", X: "seconds since the first request", Y: "ms", YMin0: true}, series{X: lx, Y: p95})
	r.keepCurve("Iterations completed over time", axes{Title: "Iterations completed over time", X: "seconds since the first request", Y: "iterations/s", YMin0: true}, series{X: x, Y: done})
	if svg, err := linePlot(axes{Title: "Latency percentiles over time", X: "seconds since the first request", Y: "ms", YMin0: true},
		[]series{{Name: "p50", X: lx, Y: p50}, {Name: "p95", X: lx, Y: p95}, {Name: "p99", X: lx, Y: p99}}); err == nil {
		s.Plots = append(s.Plots, Plot{Name: "latency-over-time", Title: "Latency percentiles over time", SVG: svg,
			Caption: fmt.Sprintf("http_req_duration of the service's steps in %s windows (wide enough for about %d requests each; windows without a request are left out). A p99 that climbs while the arrival rate is flat is a queue building up.", width, minPerWindow)})
	}
	if svg, err := linePlot(axes{Title: "Throughput against arrival rate", X: "seconds since the first request", Y: "iterations/s", YMin0: true},
		[]series{{Name: "asked for (completed + dropped)", X: x, Y: offered, Dashed: true}, {Name: "completed", X: x, Y: done}, {Name: "dropped", X: x, Y: dropped}}); err == nil {
		s.Plots = append(s.Plots, Plot{Name: "throughput-over-time", Title: "Throughput against arrival rate", SVG: svg,
			Caption: "Iterations completed against iterations asked for by the arrival-rate executor. Dropped iterations mean k6 had no free virtual user: the service was too slow for the rate, or the VU budget too small."})
	}
	return s, true
}
