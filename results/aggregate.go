package results

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// GroupTags are the k6 tags an Aggregate keeps series apart by. Demographic tags (ethnicity,
// handset, coverage, sim) split only the harness's own eidsim_* metrics, so that the
// outcome-by-segment tables exist without multiplying the series of k6's built-in metrics.
var GroupTags = []string{"scenario", "flow", "step", "outcome", "cause", "ethnicity", "handset", "coverage", "sim", "carrier"}

var demographicTags = map[string]bool{"ethnicity": true, "handset": true, "coverage": true, "sim": true, "carrier": true}

// Metric types as k6 names them.
const (
	TypeCounter = "counter"
	TypeGauge   = "gauge"
	TypeRate    = "rate"
	TypeTrend   = "trend"
)

// RateCount is a k6 Rate: how many samples were non-zero out of how many.
type RateCount struct {
	Hits  uint64 `json:"hits"`
	Total uint64 `json:"total"`
}

// Rate returns Hits/Total, or 0 when there were no samples.
func (r *RateCount) Rate() float64 {
	if r == nil || r.Total == 0 {
		return 0
	}
	return float64(r.Hits) / float64(r.Total)
}

// Aggregate is what a run's raw k6 points reduce to, in a form that merges exactly across
// execution segments: Trend metrics as Histograms, Counters as sums, Rates as hit/total
// counts. Series are keyed by SeriesKey(metric, tags).
type Aggregate struct {
	// First and Last are the times of the earliest and latest point.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Points is the number of points read.
	Points uint64 `json:"points"`
	// Types maps each metric name to its k6 type.
	Types    map[string]string          `json:"types"`
	Trends   map[string]*Histogram      `json:"trends"`
	Counters map[string]float64         `json:"counters"`
	Rates    map[string]*RateCount      `json:"rates"`
	Gauges   map[string]float64         `json:"gauges,omitempty"`
	Segments []string                   `json:"segments,omitempty"`
	Extra    map[string]json.RawMessage `json:"extra,omitempty"`
}

// NewAggregate returns an empty Aggregate.
func NewAggregate() *Aggregate {
	return &Aggregate{
		Types:    map[string]string{},
		Trends:   map[string]*Histogram{},
		Counters: map[string]float64{},
		Rates:    map[string]*RateCount{},
		Gauges:   map[string]float64{},
	}
}

// SeriesKey is the canonical key of a series: the metric name, then the given tags sorted
// by name, as name{k=v,k=v}; just the name when tags is empty.
func SeriesKey(metric string, tags map[string]string) string {
	if len(tags) == 0 {
		return metric
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(metric)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(tags[k])
	}
	b.WriteByte('}')
	return b.String()
}

// ParseSeriesKey splits a key made by SeriesKey into the metric name and its tags.
func ParseSeriesKey(key string) (metric string, tags map[string]string) {
	i := strings.IndexByte(key, '{')
	if i < 0 || !strings.HasSuffix(key, "}") {
		return key, map[string]string{}
	}
	tags = map[string]string{}
	for _, kv := range strings.Split(key[i+1:len(key)-1], ",") {
		k, v, _ := strings.Cut(kv, "=")
		tags[k] = v
	}
	return key[:i], tags
}

// add records one point.
func (a *Aggregate) add(typ, metric string, t time.Time, v float64, tags map[string]string) {
	a.Points++
	if !t.IsZero() {
		if a.First.IsZero() || t.Before(a.First) {
			a.First = t
		}
		if t.After(a.Last) {
			a.Last = t
		}
	}
	own := strings.HasPrefix(metric, OwnMetricPrefix)
	group := map[string]string{}
	for _, k := range GroupTags {
		if val, ok := tags[k]; ok && val != "" && (own || !demographicTags[k]) {
			group[k] = val
		}
	}
	switch typ {
	case TypeTrend:
		a.trend(metric).Record(v)
		if step := tags["step"]; step != "" {
			a.trend(SeriesKey(metric, map[string]string{"step": step})).Record(v)
		}
	case TypeCounter:
		a.Counters[metric] += v
		if len(group) > 0 {
			a.Counters[SeriesKey(metric, group)] += v
		}
	case TypeRate:
		a.rate(metric).add(v)
		if len(group) > 0 {
			a.rate(SeriesKey(metric, group)).add(v)
		}
	case TypeGauge:
		if v > a.Gauges[metric] {
			a.Gauges[metric] = v // the peak: vus and vus_max
		}
	}
}

func (r *RateCount) add(v float64) {
	r.Total++
	if v != 0 {
		r.Hits++
	}
}

func (a *Aggregate) trend(key string) *Histogram {
	h := a.Trends[key]
	if h == nil {
		h = &Histogram{}
		a.Trends[key] = h
	}
	return h
}

func (a *Aggregate) rate(key string) *RateCount {
	r := a.Rates[key]
	if r == nil {
		r = &RateCount{}
		a.Rates[key] = r
	}
	return r
}

// Duration is the time between the first and the last point.
func (a *Aggregate) Duration() time.Duration {
	if a.First.IsZero() {
		return 0
	}
	return a.Last.Sub(a.First)
}

// Steps returns the step names seen in http_req_duration, sorted.
func (a *Aggregate) Steps() []string {
	var steps []string
	for k := range a.Trends {
		m, tags := ParseSeriesKey(k)
		if m == MetricHTTPReqDuration && tags["step"] != "" {
			steps = append(steps, tags["step"])
		}
	}
	sort.Strings(steps)
	return steps
}
