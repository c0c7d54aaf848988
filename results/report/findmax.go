package report

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"github.com/eidsim/eidsim/results"
)

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
		best = filepath.Join(dir, results.StepsDir, filepath.Base(fm.Best.Dir))
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
