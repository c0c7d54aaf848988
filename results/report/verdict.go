package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// verdict.go: the one line a report opens with.

// negate is the operator a value that failed a threshold stands in to its limit.
var negate = map[string]string{"<=": ">", "<": "≥", ">=": "<", ">": "≤", "==": "≠", "!=": "="}

// phrase writes one threshold as it held or failed: "p95 310 ms ≤ 1000 ms", "dropped
// iterations 60 > 10".
func (t threshold) phrase() string {
	lim := t.limitText()
	if t.Known && !t.OK {
		_, rest, _ := strings.Cut(lim, " ")
		lim = negate[t.Op] + " " + rest
	}
	if !t.Known {
		return t.what() + " " + t.observedText() + " (limit " + lim + ", not judged)"
	}
	return t.what() + " " + t.observedText() + " " + lim
}

// maxFailedInVerdict bounds how many failed latency thresholds the verdict names.
const maxFailedInVerdict = 3

// loadVerdict says whether a load run held: the rate asked for and how long, then the
// thresholds — the failed ones first, the slowest step's p95 and p99 against their limits,
// and every other threshold.
func loadVerdict(m *results.Manifest, rate float64, dur time.Duration, ts []threshold, haveThresholds bool, judge string) *Verdict {
	at := ""
	if !math.IsNaN(rate) {
		at = num(rate) + " iterations/s"
		if dur > 0 {
			at += " for " + humanDuration(dur)
		}
	}
	switch {
	case m != nil && m.Status == results.StatusRunning:
		return &Verdict{State: VerdictUnknown, Text: strings.TrimSpace("UNFINISHED: the run was interrupted (its manifest still says \"running\"), so there is no verdict " + ifText(at != "", "for "+at))}
	case m != nil && m.Status == results.StatusFailed:
		msg := "RUN FAILED"
		if at != "" {
			msg += " at " + at
		}
		if m.Error != "" {
			msg += ": " + m.Error
		}
		return &Verdict{State: VerdictUnknown, Text: msg}
	case !haveThresholds:
		return &Verdict{State: VerdictUnknown, Text: "NO VERDICT" + ifText(at != "", " for "+at) + ": the thresholds are unknown (" + judge + ")"}
	}
	failed, unknown := failedCount(ts)
	var parts []string
	nFailedLatency := 0
	for _, t := range failedFirst(ts) {
		if !t.Known || t.OK {
			break
		}
		if baseName(t.Metric) == results.MetricHTTPReqDuration {
			nFailedLatency++
			if nFailedLatency > maxFailedInVerdict {
				continue
			}
		}
		parts = append(parts, t.phrase())
	}
	if nFailedLatency > maxFailedInVerdict {
		more := nFailedLatency - maxFailedInVerdict
		parts = append(parts, fmt.Sprintf("and %d more latency threshold%s", more, ifText(more > 1, "s")))
	}
	for _, stat := range []string{"p(95)", "p(99)"} {
		if w, ok := worst(ts, stat); ok && w.OK && w.Known {
			s := w.statLabel() + " " + w.observedText() + " " + w.limitText()
			if st := w.selector(); st != "" {
				s += " (slowest: " + st + ")"
			}
			parts = append(parts, s)
		}
	}
	for _, t := range ts {
		if baseName(t.Metric) != results.MetricHTTPReqDuration && t.Known && t.OK {
			parts = append(parts, t.phrase())
		}
	}
	if unknown > 0 {
		parts = append(parts, fmt.Sprintf("%d threshold%s not judged", unknown, ifText(unknown > 1, "s")))
	}
	v := &Verdict{State: VerdictHeld, Text: "HELD"}
	if failed > 0 {
		v.State, v.Text = VerdictNotHeld, fmt.Sprintf("NOT HELD (%d of %d thresholds failed)", failed, len(ts))
		if at != "" {
			v.Text += " at"
		}
	}
	if at != "" {
		v.Text += " " + at
	}
	if len(parts) > 0 {
		v.Text += ": " + strings.Join(parts, ", ")
	}
	if judge != "" {
		v.Text += " — " + judge
	}
	return v
}

func ifText(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// findMaxVerdict states the rate a search found sustainable and the first rate above it
// that failed.
func findMaxVerdict(fm *results.FindMaxResult, stepDur time.Duration) *Verdict {
	failedAbove := math.NaN()
	lowest := math.NaN()
	for _, st := range fm.Steps {
		if st.WarmUp {
			continue
		}
		if math.IsNaN(lowest) || st.Rate < lowest {
			lowest = st.Rate
		}
		if !st.Passed && (fm.Best == nil || st.Rate > fm.Best.Rate) && (math.IsNaN(failedAbove) || st.Rate < failedAbove) {
			failedAbove = st.Rate
		}
	}
	if fm.Best == nil {
		t := "NO RATE HELD: no rate tried passed every threshold"
		if !math.IsNaN(lowest) {
			t += "; even the lowest, " + num(lowest) + " iterations/s, failed"
		}
		return &Verdict{State: VerdictNotHeld, Text: t}
	}
	b := fm.Best
	t := fmt.Sprintf("SUSTAINABLE %s iterations/s: the highest arrival rate whose step", num(fm.MaxRate))
	if stepDur > 0 {
		t += " (" + humanDuration(stepDur) + ")"
	}
	t += fmt.Sprintf(" held every threshold — p95 %s, p99 %s over the service's steps, %s of requests failed, %s dropped",
		humanMS(b.P95), humanMS(b.P99), pct(b.ErrorRate), count(b.Dropped))
	if !math.IsNaN(failedAbove) {
		t += "; " + num(failedAbove) + " iterations/s did not hold"
	} else {
		t += "; no higher rate was tried that failed"
	}
	return &Verdict{State: VerdictHeld, Text: t}
}
