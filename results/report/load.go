package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// Segment dimensions of the citizens, as the k6 scripts tag eidsim_outcomes.
var segmentDims = []struct{ Tag, Label string }{
	{"sim", "SIM ownership"}, {"coverage", "coverage"}, {"handset", "handset"}, {"ethnicity", "ethnicity"},
}

// loadRun is what a load, find-max or merged run directory says, gathered before the
// report is written.
type loadRun struct {
	m *results.Manifest
	// dir is the run directory; aggDir the one whose measurements the report describes (the
	// best step of a search, else dir).
	dir, aggDir string
	// opts is the manifest that holds the run's options: the run's own, the best step's,
	// or a merge's first part's.
	opts  *results.Manifest
	rate  float64
	dur   time.Duration
	parts *mergeParts
	fm    *results.FindMaxResult
	// raw is aggDir's k6 output, read once (k6Output) for the aggregate and the series.
	raw     *results.K6Output
	rawErr  error
	rawRead bool
}

// k6Output reads aggDir's raw k6 output once.
func (lr *loadRun) k6Output() (*results.K6Output, error) {
	if !lr.rawRead {
		lr.rawRead = true
		lr.raw, _, lr.rawErr = results.LoadK6Output(lr.aggDir) // the stream, else the raw output
	}
	return lr.raw, lr.rawErr
}

// buildLoad fills r from a load, find-max or merged run directory: the verdict, at most
// MaxHeadline headline figures (the others grouped by the question they answer), the
// thresholds, the plots over time, latency by step and how the flows ended.
func buildLoad(r *Report, dir string, m *results.Manifest) error {
	lr := &loadRun{m: m, dir: dir, aggDir: dir, opts: m, rate: math.NaN()}
	if m != nil && m.Kind == "find-max" {
		fm, best := findMaxSection(r, dir, m)
		lr.fm = fm
		if fm == nil {
			r.Verdict = &Verdict{State: VerdictUnknown, Text: "NO VERDICT: the search recorded no step"}
			return nil
		}
		if best == "" {
			r.Verdict = findMaxVerdict(fm, 0)
			return nil
		}
		lr.aggDir = best
		lr.opts, _ = results.ReadManifest(best)
		r.Sections = append(r.Sections, Section{Title: "Detail of the best passing step",
			Text: []string{"The sections below describe the highest passing step of the search (" + filepath.Base(best) + ")."}})
	}
	if m != nil && m.Kind == "merge" {
		lr.parts = readParts(r, dir, m)
		lr.opts = lr.parts.manifest
	}
	if lr.opts != nil {
		if v, ok := lr.opts.Options["rate"].(float64); ok {
			lr.rate = v
		}
		if ds, ok := lr.opts.Options["duration"].(string); ok {
			if d, err := time.ParseDuration(ds); err == nil && d > 0 {
				lr.dur = d
			}
		}
	}
	if lr.fm != nil && lr.fm.Best != nil {
		lr.rate = lr.fm.Best.Rate
	}
	agg, err := lr.aggregate()
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s and %s: %v — no k6 measurements, so there are no latency, throughput or outcome figures (the run ended before k6 wrote any output)",
			results.AggregateFile, results.RawFile, err))
		if lr.fm != nil {
			r.Verdict = findMaxVerdict(lr.fm, lr.dur)
		} else {
			r.Verdict = loadVerdict(m, lr.rate, lr.dur, nil, false, "k6 wrote no measurements")
		}
		return nil
	}
	ts, thr := lr.thresholds(r, agg)
	switch {
	case lr.fm != nil:
		r.Verdict = findMaxVerdict(lr.fm, lr.dur)
	case m != nil && m.Segment != "" && m.Kind != "merge":
		// One k6 instance of a split run: its own share of the rate, judged alone.
		judge := "k6 execution segment " + m.Segment + " of a split run, judged alone; merge the parts (eidsim report --merge) for the whole run's verdict"
		if thr.judge != "" {
			judge = thr.judge + "; " + judge
		}
		r.Verdict = loadVerdict(m, lr.rate, lr.dur, ts, thr.known, judge)
	default:
		r.Verdict = loadVerdict(m, lr.rate, lr.dur, ts, thr.known, thr.judge)
	}
	lr.headline(r, agg)
	r.Sections = append(r.Sections, thr.section)
	if s, ok := lr.timeSection(r); ok {
		r.Sections = append(r.Sections, s)
	}
	if s, ok := replaySection(lr.aggDir); ok { // replay.go
		r.Sections = append(r.Sections, s)
	}
	r.Sections = append(r.Sections, latencySection(agg, lr.aggDir))
	oc := outcomesOf(agg)
	if flows := oc.flows(); len(flows) > 0 {
		r.Sections = append(r.Sections, outcomeSection(oc, flows))
		r.Sections = append(r.Sections, segmentSection(oc))
	}
	return nil
}

// thresholdResult is the thresholds section and how its verdicts were reached.
type thresholdResult struct {
	section Section
	known   bool   // the thresholds the run ran with are known
	judge   string // who judged them, or why they are unknown
}

// thresholds lists the run's thresholds: k6's verdicts from its end-of-test summary, or,
// for a merge of segments, each threshold the parts ran with judged from the merged
// histograms and counters.
func (lr *loadRun) thresholds(r *Report, agg *results.Aggregate) ([]threshold, thresholdResult) {
	s := Section{Title: "Thresholds"}
	if lr.parts != nil {
		if len(lr.parts.defs) == 0 {
			s.Text = append(s.Text, "No threshold verdicts: the parts' "+results.SummaryFile+" files, which hold the thresholds they ran with, are not at hand.")
			return nil, thresholdResult{section: s, judge: "the parts' thresholds are not at hand"}
		}
		ts := evaluate(agg, lr.parts.defs, false)
		judge := fmt.Sprintf("judged from the merged histograms of %d parts", len(lr.parts.dirs))
		failed, unknown := failedCount(ts)
		s.Text = append(s.Text, fmt.Sprintf("Each threshold the parts ran with, judged on the merged run: percentiles from the merged latency histograms (never an average of the parts' percentiles), rates and counts from the summed counters. %d of %d failed%s.",
			failed, len(ts), ifText(unknown > 0, fmt.Sprintf(", %d could not be judged", unknown))))
		s.Tables = append(s.Tables, thresholdTable(ts, judge))
		return ts, thresholdResult{section: s, known: true, judge: judge}
	}
	defs, byK6, err := thresholdDefs(lr.aggDir) // judge.go: k6's summary, else the stream's
	switch {
	case os.IsNotExist(err):
		r.Missing = append(r.Missing, results.SummaryFile+": k6 did not reach its end-of-test summary, so the threshold verdicts are unknown")
		s.Text = append(s.Text, "No threshold verdicts: "+results.SummaryFile+" is missing.")
		return nil, thresholdResult{section: s, judge: "k6 wrote no end-of-test summary (" + results.SummaryFile + ")"}
	case err != nil:
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", results.SummaryFile, err))
		return nil, thresholdResult{section: s, judge: results.SummaryFile + " is unreadable"}
	}
	ts, who := judged(agg, defs, byK6)
	if len(ts) == 0 {
		s.Text = append(s.Text, "The scenario set no thresholds.")
		return nil, thresholdResult{section: s, judge: "the scenario set no thresholds"}
	}
	failed, _ := failedCount(ts)
	s.Text = append(s.Text, fmt.Sprintf("%d of %d thresholds failed (%s; the observed values are recomputed from the run's histograms).", failed, len(ts), who))
	s.Tables = append(s.Tables, thresholdTable(ts, who))
	return ts, thresholdResult{section: s, known: true}
}

// Groups of the figures outside the headline.
const (
	groupChecks   = "Checks"
	groupFlows    = "How each flow ended"
	groupDefences = "Defences working: refused as intended"
	groupCauses   = "Failures by cause"
)

// headline adds the run's figures: at most MaxHeadline in the headline (rate asked for,
// completed, p95, p99, failed requests, dropped iterations, flows ended as intended), the
// per-flow and per-cause figures grouped.
func (lr *loadRun) headline(r *Report, agg *results.Aggregate) {
	t := agg.Totals()
	secs := agg.Duration().Seconds()
	if lr.dur > 0 {
		// Iterations per second over the configured duration (the tail in which k6 lets the
		// last iterations finish is not part of it).
		secs = lr.dur.Seconds()
	}
	if lr.fm == nil && !math.IsNaN(lr.rate) {
		f := fig("rate", "Arrival rate asked for (peak)", lr.rate, "/s", 0)
		if rp, ok := lr.ramp(); ok {
			f.Note = rp.Text
		}
		r.Headline = append(r.Headline, f)
	}
	achieved := math.NaN()
	if secs > 0 {
		achieved = t.Iterations / secs
	}
	x := fig("achieved", "Iterations completed, mean", achieved, "/s", +1)
	if secs > 0 {
		x.Note = fmt.Sprintf("%s in %s", count(t.Iterations), humanDuration(time.Duration(secs*float64(time.Second))))
	}
	r.Headline = append(r.Headline, x)
	api := agg.APILatency()
	for _, q := range []struct {
		key string
		q   float64
	}{{"p95", 0.95}, {"p99", 0.99}} {
		f := fig(q.key, "Latency "+q.key+", service steps", api.Quantile(q.q), "ms", -1)
		f.Text = humanMS(f.Value)
		f.Note = fmt.Sprintf("of %s requests", thousands(float64(api.Count())))
		r.Headline = append(r.Headline, f)
	}
	var fh, ft float64
	if t.Failed != nil {
		fh, ft = float64(t.Failed.Hits), float64(t.Failed.Total)
	}
	f := fig("errors", "Failed requests", share(fh, ft), "%", -1)
	f.Text = shareOf(fh, ft)
	r.Headline = append(r.Headline, f)
	f = fig("dropped", "Dropped iterations", share(t.Dropped, t.Iterations+t.Dropped), "%", -1)
	f.Text = shareOf(t.Dropped, t.Iterations+t.Dropped)
	if t.Dropped > 0 {
		f.Note = "k6 had no free virtual user to start them"
	}
	r.Headline = append(r.Headline, f)

	oc := outcomesOf(agg)
	flows := oc.flows()
	if tot := oc.total("", "", ""); tot > 0 {
		ok, rej, failed := oc.count("", "ok", ""), oc.count("", "rejected", ""), oc.count("", "failed", "")
		f := fig("intended", "Flows ended as intended", (ok+rej)/tot, "%", +1)
		f.Text = shareOf(ok+rej, tot)
		f.Note = fmt.Sprintf("%s got through, %s refused as intended, %s failed", count(ok), count(rej), count(failed))
		r.Headline = append(r.Headline, f)
	}
	if t.Checks != nil {
		x := fig("checks", "Checks passed", t.Checks.Rate(), "%", +1)
		x.Text, x.Detail, x.Group = shareOf(float64(t.Checks.Hits), float64(t.Checks.Total)), true, groupChecks
		r.Headline = append(r.Headline, x)
	}
	for _, fl := range flows {
		tot, ok, rej, failed := oc.total(fl, "", ""), oc.count(fl, "ok", ""), oc.count(fl, "rejected", ""), oc.count(fl, "failed", "")
		if tot == 0 {
			continue
		}
		if ok == 0 && rej > 0 {
			// A flow the contract says must be refused (a wrong password): refusals are the
			// service's defences working.
			x := fig("flow_refused:"+fl, "Flow "+fl+": refused as intended", rej/tot, "%", +1)
			x.Text, x.Detail, x.Group = shareOf(rej, tot), true, groupDefences
			if failed > 0 {
				x.Note = fmt.Sprintf("%s not refused as the contract says", count(failed))
			}
			r.Headline = append(r.Headline, x)
			continue
		}
		x := fig("flow_ok:"+fl, "Flow "+fl+": got through", ok/tot, "%", +1)
		x.Text, x.Detail, x.Group = shareOf(ok, tot), true, groupFlows
		x.Note = fmt.Sprintf("%s refused as intended, %s failed", count(rej), count(failed))
		r.Headline = append(r.Headline, x)
		if rej > 0 {
			y := fig("flow_refused:"+fl, "Flow "+fl+": refused as intended", rej/tot, "%", 0)
			y.Text, y.Detail, y.Group = shareOf(rej, tot), true, groupDefences
			y.Note = "by cause: " + causeList(oc, fl, "rejected", tot)
			r.Headline = append(r.Headline, y)
		}
	}
	for _, fl := range flows {
		tot, failed := oc.total(fl, "", ""), oc.count(fl, "failed", "")
		if tot == 0 || failed == 0 {
			continue
		}
		x := fig(fl+"_failed", label(fl)+" failed", failed/tot, "%", -1)
		x.Text, x.Group = shareOf(failed, tot), groupCauses
		x.Note = "by cause: " + causeList(oc, fl, "failed", tot)
		r.Headline = append(r.Headline, x)
		for _, c := range oc.values("cause", fl, "failed") {
			n := oc.count(fl, "failed", c)
			y := fig(fl+"_failed:"+c, label(fl)+" failed: "+c, n/tot, "%", -1)
			y.Text, y.Detail, y.Group = shareOf(n, tot), true, groupCauses
			r.Headline = append(r.Headline, y)
		}
	}
	if lr.aggDir != lr.dir {
		for i := range r.Headline {
			switch {
			case r.Headline[i].Key == "max_rate":
			case r.Headline[i].Note == "":
				r.Headline[i].Note = "at the best step"
			default:
				r.Headline[i].Note += "; at the best step"
			}
		}
	}
}

// causeList writes the causes of flow's outcomes ending in result, each with its count and
// share of the flow's total: "no_handset 21.8 % (144 of 660), …".
func causeList(oc outcomes, flow, result string, tot float64) string {
	var parts []string
	for _, c := range oc.values("cause", flow, result) {
		parts = append(parts, c+" "+shareOf(oc.count(flow, result, c), tot))
	}
	return strings.Join(parts, ", ")
}

// ramp is the arrival-rate schedule the run asked k6 for, when its scenario's shape is known.
func (lr *loadRun) ramp() (ramp, bool) {
	scenario, segment, step := "", "", false
	if lr.m != nil {
		scenario, segment = lr.m.Scenario, lr.m.Segment
	}
	if lr.opts != nil {
		step = lr.opts.Kind == "find-max-step"
		if lr.parts == nil && lr.opts.Segment != "" {
			segment = lr.opts.Segment
		}
	}
	if lr.parts != nil {
		segment = "" // the merge asks for the whole rate
	}
	return configuredRamp(scenario, lr.rate, lr.dur, step, segment)
}

// aggregate reads the run's aggregate without writing one: from aggregate.json, else from
// the raw k6 output.
func (lr *loadRun) aggregate() (*results.Aggregate, error) {
	b, err := os.ReadFile(filepath.Join(lr.aggDir, results.AggregateFile))
	if err == nil {
		a := results.NewAggregate()
		if err := json.Unmarshal(b, a); err != nil {
			return nil, fmt.Errorf("%s: %w", results.AggregateFile, err)
		}
		return a, nil
	}
	if !exists(filepath.Join(lr.aggDir, results.RawFile)) && !exists(filepath.Join(lr.aggDir, results.StreamFile)) {
		return nil, fmt.Errorf("neither file is present")
	}
	raw, err := lr.k6Output()
	if err != nil {
		return nil, err
	}
	return raw.Aggregate()
}

func share(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// findMaxSection adds the search's headline, its steps and their plots. It returns the
// result and the directory of the best passing step ("" when there is none).
func findMaxSection(r *Report, dir string, m *results.Manifest) (*results.FindMaxResult, string) {
	var fm results.FindMaxResult
	if err := m.DecodeResult(&fm); errors.Is(err, results.ErrNoResult) {
		r.Missing = append(r.Missing, "manifest result: the search recorded no steps (it was interrupted before its first step ended)")
		return nil, ""
	} else if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("manifest result: unreadable as a find-max result (%v)", err))
		return nil, ""
	}
	x := fig("max_rate", "Highest sustainable rate", math.NaN(), "/s", +1)
	if fm.Best != nil {
		x = fig("max_rate", "Highest sustainable rate", fm.MaxRate, "/s", +1)
		x.Note = fmt.Sprintf("p95 %s, p99 %s, %s of requests failed, %s dropped", humanMS(fm.Best.P95), humanMS(fm.Best.P99), pct(fm.Best.ErrorRate), count(fm.Best.Dropped))
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
	if len(rates) < 2 {
		s.Text = append(s.Text, "One step is not a curve: the table above is the whole search.")
	}
	if len(rates) >= 2 {
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
		h := agg.Trends[results.SeriesKey(results.MetricHTTPReqDuration, map[string]string{"step": st})]
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
