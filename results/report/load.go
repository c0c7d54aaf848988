package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
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
	if m != nil && m.Kind == results.KindFindMax {
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
	if m != nil && m.Kind == results.KindMerge {
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
	case m != nil && m.Segment != "" && m.Kind != results.KindMerge:
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

// ramp is the arrival-rate schedule the run asked k6 for, when its scenario's shape is known.
func (lr *loadRun) ramp() (ramp, bool) {
	scenario, segment, step := "", "", false
	if lr.m != nil {
		scenario, segment = lr.m.Scenario, lr.m.Segment
	}
	if lr.opts != nil {
		step = lr.opts.Kind == results.KindFindMaxStep
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
