package results

import (
	"time"
)

// The files the eidsim k6 output extension (scenarios/k6/x/eidsimout) writes into a load
// run's directory while k6 runs.
const (
	// StreamFile is the run's aggregate, rewritten (atomically) every flush interval and a
	// last time when k6 stops: Meta.Final tells the two apart.
	StreamFile = "k6-stream.json.gz"
	// StreamAttackFile holds, as k6 JSON lines, only the points of the adversarial metrics
	// (eidsim_attack_*, eidsim_enum_*), which the attack summary needs one by one.
	StreamAttackFile = "k6-attack.json.gz"
)

// StreamVersion is the version of the StreamFile format a reader accepts.
const StreamVersion = 1

// StreamThreshold is one threshold expression of the script, as k6 parsed its options.
type StreamThreshold struct {
	// Metric is the threshold's metric with its selector, e.g. http_req_duration{step:E02}.
	Metric string `json:"metric"`
	// Source is the expression, e.g. p(95)<=1000.
	Source      string `json:"source"`
	AbortOnFail bool   `json:"abort_on_fail,omitempty"`
	// DelayAbortEval is how long into the run an abortOnFail threshold waits before it may
	// stop the run.
	DelayAbortEval time.Duration `json:"delay_abort_eval,omitempty"`
}

// StreamMeta describes a StreamFile: when it was written and from what.
type StreamMeta struct {
	Version int `json:"version"`
	// Started is when the output started; Written when this copy was written.
	Started time.Time `json:"started"`
	Written time.Time `json:"written"`
	// Final is true for the copy written when k6 stopped its outputs; a file with Final
	// false is what an interrupted or still running k6 had flushed.
	Final bool `json:"final"`
	// Flushes counts the copies written so far; Samples the samples folded in.
	Flushes int    `json:"flushes"`
	Samples uint64 `json:"samples"`
	// FlushInterval is the period between copies.
	FlushInterval time.Duration `json:"flush_interval"`
	// Thresholds are the script's thresholds, which eidsim evaluates on the histograms
	// (k6 runs with --no-thresholds).
	Thresholds []StreamThreshold `json:"thresholds,omitempty"`
	// Checks counts every check by name (k6's checks metric, tag check).
	Checks map[string]*RateCount `json:"checks,omitempty"`
	// Iterations counts the iterations per k6 scenario by the second since Started in which
	// they started (k6's iteration_duration: end less length; index 0 is the first second, at
	// most a day): the rate each flow of a replay achieved over time.
	Iterations map[string][]float64 `json:"iterations_per_second,omitempty"`
}

// maxIterationSeconds bounds StreamMeta.Iterations: later iterations count in the last second.
const maxIterationSeconds = 24 * 3600

// AddIteration counts n iterations of scenario started at t.
func (m *StreamMeta) AddIteration(scenario string, t time.Time, n float64) {
	if m.Iterations == nil {
		m.Iterations = map[string][]float64{}
	}
	i := int(t.Sub(m.Started) / time.Second)
	i = max(0, min(i, maxIterationSeconds-1))
	s := m.Iterations[scenario]
	for len(s) <= i {
		s = append(s, 0)
	}
	s[i] += n
	m.Iterations[scenario] = s
}

// NewK6Output returns an empty K6Output to fold samples into one by one (AddSample), the
// way ReadK6 folds the lines of a raw output.
func NewK6Output() *K6Output {
	return &K6Output{agg: NewAggregate(), attack: newAttackRaw()}
}

// AddSample folds one k6 sample of a metric of type typ (counter, gauge, rate, trend) into
// the aggregate and the time series exactly as ReadK6 folds the same sample read from k6's
// JSON output. The adversarial points are not kept here (see StreamAttackFile).
func (o *K6Output) AddSample(typ, metric string, t time.Time, v float64, tags map[string]string) {
	if _, ok := o.agg.Types[metric]; !ok {
		o.agg.Types[metric] = typ
	}
	o.agg.add(typ, metric, t, v, tags)
	o.addSecond(metric, t, v, tags)
}

// IsAttackMetric reports whether metric's points go to StreamAttackFile.
func IsAttackMetric(metric string) bool {
	switch metric {
	case MetricAttackReq, MetricAttackTry, MetricAttackTarget, MetricEnumObs, MetricAttackServer:
		return true
	}
	return false
}
