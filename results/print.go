package results

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// SimStepPrefix marks the steps of the simulated world (handset inbox long-polls), which are
// not part of the service's latency.
const SimStepPrefix = "S01_"

// APILatency merges the per-step latency histograms of the service's own steps (all steps
// but the simulated world's).
func (a *Aggregate) APILatency() *Histogram {
	h := &Histogram{}
	for _, s := range a.Steps() {
		if !strings.HasPrefix(s, SimStepPrefix) {
			h.Merge(a.Trends[SeriesKey(MetricHTTPReqDuration, map[string]string{"step": s})])
		}
	}
	return h
}

// Totals are a run's headline counts.
type Totals struct {
	Requests, Iterations, Dropped float64
	Failed, Checks                *RateCount
	Seconds                       float64
}

// Totals returns the headline counts.
func (a *Aggregate) Totals() Totals {
	return Totals{
		Requests: a.Counters[MetricHTTPReqs], Iterations: a.Counters[MetricIterations], Dropped: a.Counters[MetricDroppedIterations],
		Failed: a.Rates[MetricHTTPReqFailed], Checks: a.Rates[MetricChecks], Seconds: a.Duration().Seconds(),
	}
}

// PrintSummary writes the headline counts and the latency of every step.
func (a *Aggregate) PrintSummary(w io.Writer) {
	t := a.Totals()
	fmt.Fprintf(w, "requests %.0f  iterations %.0f  dropped %.0f  http_req_failed %.2f%%  checks %.2f%%  over %.1fs\n",
		t.Requests, t.Iterations, t.Dropped, 100*t.Failed.Rate(), 100*t.Checks.Rate(), t.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tcount\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	row := func(name string, h *Histogram) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t\n", name, h.Count(), h.Quantile(0.5), h.Quantile(0.95), h.Quantile(0.99), h.Max())
	}
	for _, s := range a.Steps() {
		row(s, a.Trends[SeriesKey(MetricHTTPReqDuration, map[string]string{"step": s})])
	}
	row("all service steps", a.APILatency())
	tw.Flush()
}

// outcomeCount is one eidsim_outcomes series.
type outcomeCount struct {
	tags  map[string]string
	count float64
}

func (a *Aggregate) outcomes() []outcomeCount {
	var out []outcomeCount
	for k, v := range a.Counters {
		m, tags := ParseSeriesKey(k)
		if m == MetricOutcomes && len(tags) > 0 {
			out = append(out, outcomeCount{tags, v})
		}
	}
	return out
}

// PrintOutcomes writes how the flows ended: per flow and cause, then, for each citizen
// segment dimension (ethnicity, handset, coverage, SIM ownership) with at least two segments,
// a table of segment × cause with the flows' failure causes as columns. It writes nothing when the run recorded no
// outcomes.
func (a *Aggregate) PrintOutcomes(w io.Writer) {
	oc := a.outcomes()
	if len(oc) == 0 {
		return
	}
	type key struct{ flow, outcome, cause string }
	byFlow := map[key]float64{}
	causes := map[string]bool{}
	for _, o := range oc {
		byFlow[key{o.tags["flow"], o.tags["outcome"], o.tags["cause"]}] += o.count
		if o.tags["outcome"] != "ok" {
			causes[o.tags["cause"]] = true
		}
	}
	keys := make([]key, 0, len(byFlow))
	for k := range byFlow {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].flow != keys[j].flow {
			return keys[i].flow < keys[j].flow
		}
		if keys[i].outcome != keys[j].outcome {
			return keys[i].outcome < keys[j].outcome
		}
		return keys[i].cause < keys[j].cause
	})
	fmt.Fprintln(w, "\noutcomes by flow and cause")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "flow\toutcome\tcause\tcount")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\n", k.flow, k.outcome, k.cause, byFlow[k])
	}
	tw.Flush()

	cols := make([]string, 0, len(causes))
	for c := range causes {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, dim := range []string{"sim", "carrier", "coverage", "handset", "ethnicity"} {
		rows := map[string]map[string]float64{}
		for _, o := range oc {
			seg := o.tags[dim]
			if rows[seg] == nil {
				rows[seg] = map[string]float64{}
			}
			rows[seg]["total"] += o.count
			if o.tags["outcome"] == "ok" {
				rows[seg]["ok"] += o.count
			} else {
				rows[seg][o.tags["cause"]] += o.count
			}
		}
		if len(rows) < 2 {
			continue // one segment only: the table would repeat the totals
		}
		segs := make([]string, 0, len(rows))
		for s := range rows {
			segs = append(segs, s)
		}
		sort.Strings(segs)
		fmt.Fprintf(w, "\noutcomes by %s (all flows)\n", dim)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\ttotal\tok\t%s\t\n", dim, strings.Join(cols, "\t"))
		for _, s := range segs {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f", s, rows[s]["total"], rows[s]["ok"])
			for _, c := range cols {
				fmt.Fprintf(tw, "\t%.0f", rows[s][c])
			}
			fmt.Fprintln(tw, "\t")
		}
		tw.Flush()
	}
}
