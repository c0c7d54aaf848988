package eidsimout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.k6.io/k6/lib/types"
	"go.k6.io/k6/metrics"
	"go.k6.io/k6/output"

	"github.com/eidsim/eidsim/results"
)

// world is a registry and the metrics of a run like eidsim's scripts emit.
type world struct {
	reg                                  *metrics.Registry
	dur, reqs, failed, iters, vus, drops *metrics.Metric
	outcomes, checks, attackReq, try     *metrics.Metric
	iterDur                              *metrics.Metric
}

func newWorld() *world {
	r := metrics.NewRegistry()
	return &world{reg: r,
		dur: r.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time), reqs: r.MustNewMetric("http_reqs", metrics.Counter),
		failed: r.MustNewMetric("http_req_failed", metrics.Rate), iters: r.MustNewMetric("iterations", metrics.Counter),
		vus: r.MustNewMetric("vus", metrics.Gauge), drops: r.MustNewMetric("dropped_iterations", metrics.Counter),
		outcomes: r.MustNewMetric("eidsim_outcomes", metrics.Counter), checks: r.MustNewMetric("checks", metrics.Rate),
		attackReq: r.MustNewMetric("eidsim_attack_req", metrics.Trend, metrics.Time), try: r.MustNewMetric("eidsim_attack_try", metrics.Counter),
		iterDur: r.MustNewMetric("iteration_duration", metrics.Trend, metrics.Time),
	}
}

// samples returns n iterations' samples over about 40 s, deterministic in seed.
func (w *world) samples(seed uint64, n int) []metrics.Sample {
	rng := rand.New(rand.NewPCG(seed, 7))
	t0 := time.Date(2026, 12, 1, 11, 0, 0, 123456789, time.UTC)
	root := w.reg.RootTagSet().With("scenario", "logins")
	var out []metrics.Sample
	add := func(m *metrics.Metric, tags *metrics.TagSet, t time.Time, v float64) {
		out = append(out, metrics.Sample{TimeSeries: metrics.TimeSeries{Metric: m, Tags: tags}, Time: t, Value: v})
	}
	steps := []string{"E02-login-password", "E03-login-otp", "E05-me"}
	causes := []string{"none", "otp_timeout", "locked"}
	for i := range n {
		t := t0.Add(time.Duration(float64(i) / float64(n) * 40 * float64(time.Second)))
		for _, s := range steps {
			tags := root.With("step", s)
			ms := math.Exp(rng.NormFloat64()*0.8 + 3) // lognormal around 20 ms
			add(w.dur, tags, t, ms)
			add(w.reqs, tags, t, 1)
			bad := 0.0
			if rng.Float64() < 0.03 {
				bad = 1
			}
			add(w.failed, tags, t, bad)
		}
		add(w.iters, root, t, 1)
		add(w.iterDur, root, t, 2500) // started 2.5 s before it ended
		if i%97 == 0 {
			add(w.drops, root, t, 1)
		}
		if i%50 == 0 {
			add(w.vus, w.reg.RootTagSet(), t, float64(10+i%7))
		}
		c := causes[rng.IntN(len(causes))]
		add(w.outcomes, root.With("flow", "login").With("result", map[bool]string{true: "ok", false: "fail"}[c == "none"]).
			With("cause", c).With("ethnicity", []string{"kinh", "hmong", "thai"}[i%3]), t, 1)
		add(w.checks, root.With("check", "status 200"), t, map[bool]float64{true: 1, false: 0}[rng.Float64() < 0.98])
		if i%10 == 0 {
			at := w.reg.RootTagSet().With("scenario", "attack").With("vector", "stuffing").With("role", "attacker").With("status", "401").With("code", "invalid_credentials")
			add(w.attackReq, at, t, 5+rng.Float64()*10)
			add(w.try, w.reg.RootTagSet().With("vector", "stuffing").With("result", "fail"), t, 1)
		}
	}
	return out
}

// rawJSON is what k6's JSON output writes for the samples.
func rawJSON(t *testing.T, ss []metrics.Sample) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s.Metric.Name] {
			seen[s.Metric.Name] = true
			m := k6MetricLine{Type: "Metric", Metric: s.Metric.Name}
			m.Data.Type = s.Metric.Type.String()
			require.NoError(t, enc.Encode(m))
		}
		p := k6PointLine{Type: "Point", Metric: s.Metric.Name}
		p.Data.Time, p.Data.Value, p.Data.Tags = s.Time, s.Value, s.Tags.Map()
		require.NoError(t, enc.Encode(p))
	}
	return b.Bytes()
}

// stream runs the output over the samples (in batches, as k6 hands them over) into dir.
func stream(t *testing.T, dir string, ss []metrics.Sample, stop bool) *Output {
	out, err := New(output.Params{ConfigArgument: filepath.Join(dir, results.StreamFile), Environment: map[string]string{"K6_EIDSIM_FLUSH_INTERVAL": "1h"}})
	require.NoError(t, err)
	o := out.(*Output)
	o.SetThresholds(map[string]metrics.Thresholds{"http_req_duration{step:E02-login-password}": {Thresholds: []*metrics.Threshold{
		{Source: "p(95)<=1000"}, {Source: "p(99)<=2500", AbortOnFail: true, AbortGracePeriod: types.NullDurationFrom(10 * time.Second)}}}})
	require.NoError(t, o.Start())
	for i := 0; i < len(ss); i += 333 {
		o.AddMetricSamples([]metrics.SampleContainer{metrics.Samples(ss[i:min(i+333, len(ss))])})
	}
	if stop {
		require.NoError(t, o.Stop())
	}
	return o
}

// assertSameRun checks that two K6Outputs describe the same run: every counter and rate
// exactly, every histogram's count exactly and its percentiles within the histogram's
// stated relative error (0.78 %), the time series window by window, and the attack summary.
func assertSameRun(t *testing.T, want, got *results.K6Output, gauges bool) {
	t.Helper()
	wa, err := want.Aggregate()
	require.NoError(t, err)
	ga, err := got.Aggregate()
	require.NoError(t, err)
	assert.Equal(t, wa.Types, ga.Types)
	assert.Equal(t, wa.Points, ga.Points)
	assert.True(t, wa.First.Equal(ga.First) && wa.Last.Equal(ga.Last), "first/last %v %v vs %v %v", wa.First, wa.Last, ga.First, ga.Last)
	assert.Equal(t, len(wa.Counters), len(ga.Counters))
	for k, v := range wa.Counters {
		assert.InDelta(t, v, ga.Counters[k], 1e-9, k)
	}
	assert.Equal(t, wa.Rates, ga.Rates)
	if gauges {
		assert.Equal(t, wa.Gauges, ga.Gauges)
	}
	require.Equal(t, len(wa.Trends), len(ga.Trends))
	for k, h := range wa.Trends {
		g := ga.Trends[k]
		require.NotNil(t, g, k)
		assert.Equal(t, h.Count(), g.Count(), k)
		for _, q := range []float64{0.5, 0.9, 0.95, 0.99} {
			assert.InEpsilon(t, h.Quantile(q), g.Quantile(q), 0.0078, "%s p%g", k, 100*q)
		}
	}
	wt, gt := want.TimeSeries(), got.TimeSeries()
	require.Equal(t, len(wt.Windows), len(gt.Windows))
	for i := range wt.Windows {
		w, g := wt.Windows[i], gt.Windows[i]
		if !gauges {
			w.VUs, g.VUs = 0, 0
		}
		assert.Equal(t, w, g, "window %d", i)
	}
	p := results.AttackPolicy{}
	assert.Equal(t, want.Attack("attack-credential-stuffing", p), got.Attack("attack-credential-stuffing", p))
}

func TestStreamedEqualsRaw(t *testing.T) {
	w := newWorld()
	ss := w.samples(1, 4000)
	raw, err := results.ReadK6(bytes.NewReader(rawJSON(t, ss)), "raw")
	require.NoError(t, err)
	dir := t.TempDir()
	stream(t, dir, ss, true)
	got, meta, err := results.ReadStreamDir(dir)
	require.NoError(t, err)
	assert.True(t, meta.Final)
	assert.Equal(t, uint64(len(ss)), meta.Samples)
	assert.Equal(t, &results.RateCount{Hits: meta.Checks["status 200"].Hits, Total: 4000}, meta.Checks["status 200"])
	var iters float64
	for _, n := range meta.Iterations["logins"] {
		iters += n
	}
	assert.Equal(t, 4000.0, iters, "iterations per scenario over time")
	assertSameRun(t, raw, got, true)
	a := got.Attack("attack-credential-stuffing", results.AttackPolicy{})
	require.NotEmpty(t, a.Vectors)
	assert.Equal(t, int64(400), a.Vectors[0].Requests)
}

// The merge of two segments' streams (k6 instances side by side) is the stream of the whole.
func TestMergedSegmentsEqualWhole(t *testing.T) {
	w := newWorld()
	ss := w.samples(2, 3000)
	var parts [2][]metrics.Sample
	for i, s := range ss {
		if s.Metric.Type == metrics.Gauge {
			continue // each instance reports its own VUs; they add, they do not split
		}
		parts[i%2] = append(parts[i%2], s)
	}
	var whole []metrics.Sample
	for _, s := range ss {
		if s.Metric.Type != metrics.Gauge {
			whole = append(whole, s)
		}
	}
	dirs := [3]string{t.TempDir(), t.TempDir(), t.TempDir()}
	stream(t, dirs[0], whole, true)
	stream(t, dirs[1], parts[0], true)
	stream(t, dirs[2], parts[1], true)
	var outs [3]*results.K6Output
	for i, d := range dirs {
		o, _, err := results.ReadStreamDir(d)
		require.NoError(t, err)
		outs[i] = o
	}
	merged, err := results.MergeK6Outputs(outs[1], outs[2])
	require.NoError(t, err)
	assertSameRun(t, outs[0], merged, false)
}

// A k6 killed between two flushes leaves the last flushed copy, marked not final.
func TestKilledRunKeepsLastFlush(t *testing.T) {
	w := newWorld()
	ss := w.samples(3, 1000)
	dir := t.TempDir()
	o := stream(t, dir, ss, false)
	o.flusher.Stop() // the folding goroutine stops as with a kill (no final write)
	o.mu.Lock()
	o.lastWrite = time.Time{}
	o.mu.Unlock()
	o.tick()
	got, meta, err := results.ReadStreamDir(dir)
	require.NoError(t, err)
	assert.False(t, meta.Final)
	assert.Equal(t, uint64(len(ss)), meta.Samples)
	raw, err := results.ReadK6(bytes.NewReader(rawJSON(t, ss)), "raw")
	require.NoError(t, err)
	assertSameRun(t, raw, got, true) // the attack file's gzip has no trailer and still reads
}

func TestBadConfig(t *testing.T) {
	for _, tc := range []struct{ arg, flush, want string }{
		{"", "", "needs a file"},
		{"x.json.gz", "soon", "K6_EIDSIM_FLUSH_INTERVAL"},
		{"x.json.gz", "-1s", "K6_EIDSIM_FLUSH_INTERVAL"},
	} {
		_, err := New(output.Params{ConfigArgument: tc.arg, Environment: map[string]string{"K6_EIDSIM_FLUSH_INTERVAL": tc.flush}})
		require.Error(t, err, tc)
		assert.Contains(t, err.Error(), tc.want)
	}
	out, err := New(output.Params{ConfigArgument: filepath.Join(t.TempDir(), "nodir", results.StreamFile)})
	require.NoError(t, err)
	err = out.Start()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not exist")
	_, err = os.Stat(fmt.Sprint(filepath.Join(t.TempDir(), results.StreamFile)))
	assert.True(t, os.IsNotExist(err))
}
