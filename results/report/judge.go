package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// judge.go: the thresholds of a streamed run (the eidsim k6 output, k6 run with
// --no-thresholds), judged by eidsim on the run's histograms and counters.

// streamDefs turns the thresholds a StreamFile recorded into evaluate's form (metric →
// expression; the verdict slot is unused: evaluate judges them).
func streamDefs(ts []results.StreamThreshold) map[string]map[string]bool {
	defs := map[string]map[string]bool{}
	for _, t := range ts {
		if defs[t.Metric] == nil {
			defs[t.Metric] = map[string]bool{}
		}
		defs[t.Metric][t.Source] = false
	}
	return defs
}

// thresholdDefs returns the thresholds a load run directory ran with: k6's verdicts from its
// end-of-test summary when k6 wrote one (byK6 true), else the thresholds the streamed
// aggregate recorded, to be judged from the histograms (byK6 false). An error satisfying
// os.IsNotExist means the directory holds neither.
func thresholdDefs(dir string) (defs map[string]map[string]bool, byK6 bool, err error) {
	defs, err = k6SummaryThresholds(filepath.Join(dir, results.SummaryFile))
	if err == nil || !os.IsNotExist(err) {
		return defs, true, err
	}
	_, meta, serr := results.ReadStreamDir(dir)
	if serr != nil {
		if errors.Is(serr, os.ErrNotExist) {
			return nil, false, err
		}
		return nil, false, serr
	}
	return streamDefs(meta.Thresholds), false, nil
}

// judged lists the thresholds of defs with their verdicts: k6's (byK6), or eidsim's on the
// histograms, where a threshold whose metric had no samples passes, as in k6. who says whose.
func judged(agg *results.Aggregate, defs map[string]map[string]bool, byK6 bool) (ts []threshold, who string) {
	if byK6 {
		return evaluate(agg, defs, true), "k6's verdicts"
	}
	ts = evaluate(agg, defs, false)
	for i := range ts {
		if !ts[i].Known && ts[i].Stat != "" {
			ts[i].Known, ts[i].OK = true, true
		}
	}
	return ts, "eidsim's verdicts on the streamed histograms"
}

// Judgement is eidsim's verdict on a run's thresholds.
type Judgement struct {
	Total, Failed, Unknown int
	// Lines is what k6's end-of-test summary used to print: the count that passed, each
	// failed threshold with its observed value, and the checks that failed.
	Lines []string
}

// JudgeThresholds judges each threshold on agg (percentiles from the histograms, rates and
// counts from the counters) and lists the checks of checks that failed at least once.
// A threshold whose metric never had a point is not judged and does not fail, as in k6
// (whose empty Trend sink reads 0); it is listed.
func JudgeThresholds(agg *results.Aggregate, ts []results.StreamThreshold, checks map[string]*results.RateCount) Judgement {
	all := evaluate(agg, streamDefs(ts), false)
	j := Judgement{Total: len(all)}
	var failed []string
	for _, t := range all {
		switch {
		case !t.Known:
			j.Unknown++
			failed = append(failed, fmt.Sprintf("  not measured: %s %s (no samples; passes, as in k6)", t.Metric, t.Expr))
		case !t.OK:
			j.Failed++
			failed = append(failed, fmt.Sprintf("  FAIL %s %s (observed %s)", t.Metric, t.Expr, t.observedText()))
		}
	}
	j.Lines = append(j.Lines, fmt.Sprintf("thresholds: %d of %d passed (judged by eidsim on the streamed histograms)", j.Total-j.Failed, j.Total))
	j.Lines = append(j.Lines, failed...)
	var bad []string
	for name, r := range checks {
		if r.Hits < r.Total {
			bad = append(bad, fmt.Sprintf("  %s: %d of %d failed", name, r.Total-r.Hits, r.Total))
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		j.Lines = append(j.Lines, "checks that failed:")
		j.Lines = append(j.Lines, bad...)
	}
	return j
}

// Passed is true when no threshold failed.
func (j Judgement) Passed() bool { return j.Failed == 0 }

// String is Lines, one per line.
func (j Judgement) String() string { return strings.Join(j.Lines, "\n") + "\n" }
