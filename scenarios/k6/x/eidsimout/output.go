// Package eidsimout is a k6 output extension (xk6-style, registered as "eidsim") that folds
// every metric sample into eidsim's mergeable histograms and counters (results.K6Output:
// the Aggregate per metric, step, scenario, outcome/cause and segment tags, and the run's
// figures second by second) inside the k6 process, and writes the compact aggregate
// (results.StreamFile) during the run: every flush interval and a last time on Stop, so a
// k6 killed loses at most one interval (which stretches to ten times the time a write takes,
// as the run and its file grow). The points of the adversarial metrics go, one by one, to
// results.StreamAttackFile. k6 then needs neither its JSON output nor its Trend sinks:
// eidsim runs it with --no-thresholds --summary-mode=disabled and judges the thresholds, which
// this output records from the script's options, on the histograms.
//
// Usage: k6 run --out eidsim=RUN_DIR/k6-stream.json.gz script.js. The flush interval is
// K6_EIDSIM_FLUSH_INTERVAL (a Go duration, default 5s).
package eidsimout

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.k6.io/k6/metrics"
	"go.k6.io/k6/output"

	"github.com/eidsim/eidsim/results"
)

// Name is the output's name on k6's command line (--out eidsim=PATH).
const Name = "eidsim"

// DefaultFlushInterval is how often the aggregate is rewritten when
// K6_EIDSIM_FLUSH_INTERVAL is not set.
const DefaultFlushInterval = 5 * time.Second

// iterationDuration is k6's metric of one sample per iteration (ms), sent when it ends.
const iterationDuration = "iteration_duration"

// foldInterval is how often buffered samples are folded into the aggregate.
const foldInterval = time.Second

func init() {
	output.RegisterExtension(Name, New)
}

// Output is the eidsim output. AddMetricSamples only buffers; one goroutine folds the
// buffered samples every foldInterval and writes the file every flush interval.
type Output struct {
	output.SampleBuffer

	path     string
	interval time.Duration
	started  time.Time

	mu         sync.Mutex // guards everything below (the folding goroutine and Stop)
	agg        *results.K6Output
	meta       results.StreamMeta
	tags       tagCache
	attack     *attackWriter
	lastWrite  time.Time
	every      time.Duration // the current flush interval (adaptive, see write)
	writeErr   error
	flusher    *output.PeriodicFlusher
	thresholds []results.StreamThreshold
}

// New makes the output from k6's parameters: the config argument is the aggregate file's
// path (relative paths are taken from k6's working directory).
func New(p output.Params) (output.Output, error) {
	if p.ConfigArgument == "" {
		return nil, fmt.Errorf("the eidsim output needs a file: --out %s=RUN_DIR/%s", Name, results.StreamFile)
	}
	interval := DefaultFlushInterval
	if v := p.Environment["K6_EIDSIM_FLUSH_INTERVAL"]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("K6_EIDSIM_FLUSH_INTERVAL=%q: want a positive duration such as 5s", v)
		}
		interval = d
	}
	return &Output{path: p.ConfigArgument, interval: interval, every: interval, agg: results.NewK6Output(), tags: tagCache{}}, nil
}

// Description is shown by k6 run.
func (o *Output) Description() string {
	return fmt.Sprintf("eidsim (%s, every %s)", o.path, o.interval)
}

// SetThresholds records the script's thresholds (k6 hands them over before Start).
func (o *Output) SetThresholds(ts map[string]metrics.Thresholds) {
	o.thresholds = thresholdsOf(ts)
}

// Start writes an empty aggregate (so the file exists from the start: a run directory
// without it is a run whose k6 never started) and starts folding.
func (o *Output) Start() error {
	if dir := filepath.Dir(o.path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("eidsim output: directory %s does not exist", dir)
		}
	}
	o.started = time.Now()
	o.meta = results.StreamMeta{Started: o.started, FlushInterval: o.interval, Thresholds: o.thresholds,
		Checks: map[string]*results.RateCount{}}
	o.attack = &attackWriter{path: filepath.Join(filepath.Dir(o.path), results.StreamAttackFile)}
	o.mu.Lock()
	err := o.write(false)
	o.mu.Unlock()
	if err != nil {
		return err
	}
	pf, err := output.NewPeriodicFlusher(foldInterval, o.tick)
	if err != nil {
		return err
	}
	o.flusher = pf
	return nil
}

// tick folds the buffered samples and writes the file when the flush interval has passed.
func (o *Output) tick() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fold(o.GetBufferedSamples())
	if time.Since(o.lastWrite) >= o.every {
		if err := o.write(false); err != nil && o.writeErr == nil {
			o.writeErr = err
		}
	}
}

// Stop folds what is left, writes the final aggregate and closes the attack points.
func (o *Output) Stop() error {
	if o.flusher != nil {
		o.flusher.Stop()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fold(o.GetBufferedSamples())
	err := o.attack.close()
	if werr := o.write(true); err == nil {
		err = werr
	}
	if err == nil {
		err = o.writeErr
	}
	return err
}

// fold adds samples to the aggregate; o.mu is held.
func (o *Output) fold(containers []metrics.SampleContainer) {
	for _, sc := range containers {
		for _, s := range sc.GetSamples() {
			o.addSample(s)
		}
	}
}

func (o *Output) addSample(s metrics.Sample) {
	if s.Metric == nil {
		return
	}
	name := s.Metric.Name
	tags := o.tags.of(s.Tags)
	typ := s.Metric.Type.String()
	o.meta.Samples++
	if results.IsAttackMetric(name) {
		if err := o.attack.add(typ, name, s.Time, s.Value, tags); err != nil && o.writeErr == nil {
			o.writeErr = err
		}
	}
	o.agg.AddSample(typ, name, s.Time, s.Value, tags)
	if name == iterationDuration { // when the iteration started: its end less its length
		o.meta.AddIteration(tags["scenario"], s.Time.Add(-time.Duration(s.Value*float64(time.Millisecond))), 1)
	}
	if name == results.MetricChecks {
		if c := tags["check"]; c != "" {
			r := o.meta.Checks[c]
			if r == nil {
				r = &results.RateCount{}
				o.meta.Checks[c] = r
			}
			r.Total++
			if s.Value != 0 {
				r.Hits++
			}
		}
	}
}

// write rewrites the aggregate file; o.mu is held.
func (o *Output) write(final bool) error {
	if err := o.attack.flush(); err != nil {
		return err
	}
	o.meta.Final = final
	o.meta.Flushes++
	o.meta.Written = time.Now()
	o.meta.FlushInterval = o.every
	if err := results.WriteStreamFile(o.path, o.meta, o.agg); err != nil {
		return fmt.Errorf("eidsim output: %w", err)
	}
	// The file holds the whole run, so writing it takes longer as the run grows (about 0.3 s
	// per hour of run): the interval stretches to ten times the write, so that writing never
	// takes more than a tenth of a core.
	o.lastWrite = time.Now()
	o.every = max(o.interval, 10*o.lastWrite.Sub(o.meta.Written))
	return nil
}
