package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// threshold is one k6 threshold of a run: the metric (with its sub-metric selector, as k6
// names it), the expression, the value observed and whether it held.
type threshold struct {
	Metric string // "http_req_duration{step:C01_Recover_02_Start}"
	Expr   string // "p(95)<=1000"
	// Stat, Op and Limit are the parsed expression ("p(95)", "<=", 1000); Stat is "" when
	// the expression could not be parsed.
	Stat  string
	Op    string
	Limit float64
	// Observed is the value of Stat over the run (NaN when the aggregate lacks the metric).
	Observed float64
	// N is how many samples Observed stands on (requests, checks, iterations).
	N float64
	// OK is the verdict: k6's own for a run it summarised, evaluated from the aggregate for
	// a merge of segments.
	OK bool
	// Known is false when the verdict could not be given (an expression or metric the
	// aggregate cannot evaluate).
	Known bool
}

var thresholdExpr = regexp.MustCompile(`^\s*(p\(\s*[0-9.]+\s*\)|avg|min|max|med|rate|count|value)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9.eE+-]+)\s*$`)

// parseThreshold splits "p(95)<=1000" into its statistic, operator and limit.
func parseThreshold(expr string) (stat, op string, limit float64, ok bool) {
	m := thresholdExpr.FindStringSubmatch(expr)
	if m == nil {
		return "", "", 0, false
	}
	v, err := strconv.ParseFloat(m[3], 64)
	if err != nil {
		return "", "", 0, false
	}
	return strings.ReplaceAll(m[1], " ", ""), m[2], v, true
}

func compareOp(v float64, op string, limit float64) bool {
	switch op {
	case "<":
		return v < limit
	case "<=":
		return v <= limit
	case ">":
		return v > limit
	case ">=":
		return v >= limit
	case "==":
		return v == limit
	case "!=":
		return v != limit
	}
	return false
}

// aggregateKey turns k6's "metric{tag:value}" into the key package results keeps the series
// under.
func aggregateKey(metric string) string {
	i := strings.IndexByte(metric, '{')
	if i < 0 || !strings.HasSuffix(metric, "}") {
		return metric
	}
	tags := map[string]string{}
	for _, kv := range strings.Split(metric[i+1:len(metric)-1], ",") {
		k, v, _ := strings.Cut(kv, ":")
		tags[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return results.SeriesKey(metric[:i], tags)
}

// observe computes a threshold's statistic from the aggregate: percentiles and means from
// the merged histograms, rates from hit counts, counts from counters. ok is false when the
// aggregate has no such series.
func observe(agg *results.Aggregate, metric, stat string) (v, n float64, ok bool) {
	key := aggregateKey(metric)
	if h, found := agg.Trends[key]; found && h != nil {
		n = float64(h.Count())
		switch {
		case strings.HasPrefix(stat, "p("):
			q, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(stat, "p("), ")"), 64)
			if err != nil {
				return 0, 0, false
			}
			return h.Quantile(q / 100), n, true
		case stat == "med":
			return h.Quantile(0.5), n, true
		case stat == "avg":
			return h.Mean(), n, true
		case stat == "max":
			return h.Max(), n, true
		case stat == "min":
			return h.Min(), n, true
		}
		return 0, 0, false
	}
	if r, found := agg.Rates[key]; found && r != nil && stat == "rate" {
		return r.Rate(), float64(r.Total), true
	}
	typ := agg.Types[baseName(metric)]
	if c, found := agg.Counters[key]; found && stat == "count" {
		return c, c, true
	}
	// A counter or rate that never had a point is 0 (k6 reports dropped_iterations only
	// when one was dropped).
	if stat == "count" && (typ == results.TypeCounter || typ == "") {
		return 0, 0, true
	}
	return 0, 0, false
}

func baseName(metric string) string {
	if i := strings.IndexByte(metric, '{'); i >= 0 {
		return metric[:i]
	}
	return metric
}

// k6SummaryThresholds reads the thresholds of a k6 end-of-test summary: metric → expression
// → k6's verdict.
func k6SummaryThresholds(path string) (map[string]map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sum struct {
		Metrics map[string]struct {
			Thresholds map[string]struct {
				OK bool `json:"ok"`
			} `json:"thresholds"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	out := map[string]map[string]bool{}
	for n, m := range sum.Metrics {
		for e, t := range m.Thresholds {
			if out[n] == nil {
				out[n] = map[string]bool{}
			}
			out[n][e] = t.OK
		}
	}
	return out, nil
}

// evaluate lists the thresholds of defs (metric → expression → k6's verdict) with their
// observed values. When useK6 is true k6's verdict stands; otherwise (a merge of segments,
// whose parts k6 judged one by one) each threshold is judged from the aggregate.
func evaluate(agg *results.Aggregate, defs map[string]map[string]bool, useK6 bool) []threshold {
	var out []threshold
	for _, metric := range sortedKeys(defs) {
		for _, expr := range sortedKeys(defs[metric]) {
			t := threshold{Metric: metric, Expr: expr, Observed: math.NaN(), OK: defs[metric][expr], Known: useK6}
			if stat, op, limit, ok := parseThreshold(expr); ok {
				t.Stat, t.Op, t.Limit = stat, op, limit
				if v, n, ok := observe(agg, metric, stat); ok {
					t.Observed, t.N = v, n
					if !useK6 {
						t.OK, t.Known = compareOp(v, op, limit), true
					}
				}
			}
			out = append(out, t)
		}
	}
	return out
}

// failedCount counts the thresholds that failed, and those whose verdict is unknown.
func failedCount(ts []threshold) (failed, unknown int) {
	for _, t := range ts {
		switch {
		case !t.Known:
			unknown++
		case !t.OK:
			failed++
		}
	}
	return failed, unknown
}

// observedText writes a threshold's observed value in the unit of its statistic.
func (t threshold) observedText() string {
	if math.IsNaN(t.Observed) {
		return "not measured"
	}
	switch {
	case t.Stat == "rate":
		return shareOf(math.Round(t.Observed*t.N), t.N)
	case t.Stat == "count":
		return count(t.Observed)
	case strings.HasPrefix(baseName(t.Metric), "http_req_") && t.Stat != "rate":
		return humanMS(t.Observed)
	}
	return num(t.Observed)
}

// limitText writes the limit in the unit of its statistic: "≤ 1000 ms", "< 5 %".
func (t threshold) limitText() string {
	op := map[string]string{"<=": "≤", ">=": "≥", "==": "=", "!=": "≠", "<": "<", ">": ">"}[t.Op]
	switch {
	case t.Stat == "rate":
		return op + " " + pct(t.Limit)
	case t.Stat == "count":
		return op + " " + count(t.Limit)
	case strings.HasPrefix(baseName(t.Metric), "http_req_"):
		return op + " " + humanMS(t.Limit)
	}
	return op + " " + num(t.Limit)
}

// selector is the value of the threshold's sub-metric selector ("C01_Recover_02_Start" of
// "http_req_duration{step:C01_Recover_02_Start}"), or "".
func (t threshold) selector() string {
	sel := strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(t.Metric, baseName(t.Metric)), "}"), "{")
	_, v, _ := strings.Cut(sel, ":")
	return v
}

// statLabel names the statistic: "p95", "max", or the metric in words for rates and counts.
func (t threshold) statLabel() string {
	base := baseName(t.Metric)
	if base == results.MetricHTTPReqDuration || t.Stat != "rate" && t.Stat != "count" {
		if strings.HasPrefix(t.Stat, "p(") {
			return "p" + strings.TrimSuffix(strings.TrimPrefix(t.Stat, "p("), ")")
		}
		if base != results.MetricHTTPReqDuration {
			return base + " " + t.Stat
		}
		return t.Stat
	}
	if name, ok := metricWords[base]; ok {
		return name
	}
	return base
}

var metricWords = map[string]string{
	results.MetricHTTPReqFailed: "failed requests", results.MetricDroppedIterations: "dropped iterations", results.MetricChecks: "checks passed",
	results.MetricFlowOK: "flows ended as intended",
}

// what names a threshold's metric in words: "p95 of C01_Recover_02_Start", "failed
// requests", "dropped iterations".
func (t threshold) what() string {
	if st := t.selector(); st != "" {
		return t.statLabel() + " of " + st
	}
	return t.statLabel()
}

// thresholdTable lists the thresholds with what was observed.
func thresholdTable(ts []threshold, judge string) Table {
	tb := Table{Caption: "thresholds (" + judge + ")", Header: []string{"metric", "threshold", "observed", "verdict"}, Numeric: map[int]bool{2: true}}
	for _, t := range ts {
		v := "ok"
		switch {
		case !t.Known:
			v = "unknown"
		case !t.OK:
			v = "FAILED"
		}
		tb.Rows = append(tb.Rows, []string{t.Metric, t.Expr, t.observedText(), v})
	}
	return tb
}

// worst returns, among the thresholds on statistic stat of the latency metric, the one
// nearest its limit (or furthest past it).
func worst(ts []threshold, stat string) (threshold, bool) {
	var best threshold
	found := false
	for _, t := range ts {
		if t.Stat != stat || baseName(t.Metric) != results.MetricHTTPReqDuration || math.IsNaN(t.Observed) || t.Limit <= 0 {
			continue
		}
		if !found || t.Observed/t.Limit > best.Observed/best.Limit {
			best, found = t, true
		}
	}
	return best, found
}

// failedFirst orders failed thresholds before the others, keeping the order
// otherwise.
func failedFirst(ts []threshold) []threshold {
	out := append([]threshold(nil), ts...)
	sort.SliceStable(out, func(a, b int) bool { return (out[a].Known && !out[a].OK) && !(out[b].Known && !out[b].OK) })
	return out
}
