package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerdictLine: every kind of report opens with one line that answers its question.
func TestVerdictLine(t *testing.T) {
	for _, tc := range []struct {
		fixture, state string
		want           []string
	}{
		{"load-before", VerdictNotHeld, []string{"NOT HELD (5 of 8 thresholds failed) at 12 iterations/s for 1 min", "dropped iterations 60 > 10", "p99 of C01_Recover_01_ForgottenLogin 2712 ms > 2500 ms", "and 1 more latency threshold,", "failed requests 3.5 % (57 of 1,626) < 5.0 %"}},
		{"load-after", VerdictHeld, []string{"HELD 12 iterations/s for 1 min: p95 85 ms ≤ 1000 ms (slowest: C01_Recover_03_Verify), p99 119 ms ≤ 2500 ms", "dropped iterations 0 ≤ 10"}},
		{"findmax", VerdictHeld, []string{"SUSTAINABLE 25 iterations/s", "step (20 s) held every threshold", "27.5 iterations/s did not hold"}},
		{"merged", VerdictHeld, []string{"HELD 12 iterations/s for 10 s: p95", "judged from the merged histograms of 2 parts"}},
		{"load-interrupted", VerdictUnknown, []string{"UNFINISHED"}},
		{"simulation", VerdictNotHeld, []string{"TARGET NOT MET: 2023 plan (profiles) — ", "334,972 of 357,943 profiles by 2023-12-31, short by 22,971 (6.4 % of the target)", "met in 0 % of 2 replicas"}},
		{"counterfactual", VerdictHeld, []string{"TARGET MET: 2023 plan (profiles) — ", "reached on 2023-08-03 (day 398)"}},
		{"capacity", VerdictHeld, []string{"CAPACITY NEEDED: 19 kits are the fewest"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			r := built(t, tc.fixture)
			require.NotNil(t, r.Verdict)
			assert.Equal(t, tc.state, r.Verdict.State, r.Verdict.Text)
			for _, w := range tc.want {
				assert.Contains(t, r.Verdict.Text, w)
			}
			var md, html bytes.Buffer
			require.NoError(t, WriteMarkdown(&md, r))
			require.NoError(t, WriteHTML(&html, r))
			first := strings.SplitN(md.String(), "\n\n", 3)[1]
			assert.Equal(t, "**"+mdText(r.Verdict.Text)+"**", first, "the verdict is the first paragraph")
			assert.Contains(t, html.String(), `<p id="verdict" class="verdict `+tc.state+`">`)
		})
	}
}

var withN = regexp.MustCompile(`^(– |[0-9.]+ %) \([0-9,]+ of [0-9,]+\)$`)

// TestHeadlineAtMostEightAndSharesWithN: no report shows more than MaxHeadline headline
// figures, every figure is shown once (headline or a group), and every share of a load run
// carries its n.
func TestHeadlineAtMostEightAndSharesWithN(t *testing.T) {
	for _, name := range []string{"load-before", "load-after", "findmax", "merged", "simulation", "counterfactual", "capacity"} {
		t.Run(name, func(t *testing.T) {
			r := built(t, name)
			assert.LessOrEqual(t, len(r.Top()), MaxHeadline)
			n := len(r.Top())
			for _, g := range r.Groups() {
				n += len(g.Figures)
				assert.NotEqual(t, overflowGroup, g.Title, "every figure beyond the headline has a question")
			}
			assert.Equal(t, len(r.Headline), n)
			if r.Kind == "simulation" || strings.HasPrefix(r.Kind, "sim") {
				return
			}
			for _, f := range r.Headline {
				if f.Unit == "%" {
					assert.Regexp(t, withN, f.Text, f.Key)
				}
			}
		})
	}
}

// TestExpectedRefusalsAreDefences: a flow the contract says must be refused (a wrong
// password) is shown as a defence working, not as 0 % of citizens getting through.
func TestExpectedRefusalsAreDefences(t *testing.T) {
	agg := results.NewAggregate()
	agg.Counters["eidsim_outcomes{cause=wrong_password,flow=login_wrong_password,outcome=rejected}"] = 3
	agg.Counters["eidsim_outcomes{cause=none,flow=login,outcome=ok}"] = 8
	agg.Counters["eidsim_outcomes{cause=gave_up_waiting,flow=login,outcome=failed}"] = 4
	agg.Counters["iterations"] = 15
	r := &Report{}
	(&loadRun{rate: 1, dur: 15 * time.Second}).headline(r, agg)
	got := map[string]Figure{}
	for _, f := range r.Headline {
		got[f.Key] = f
	}
	assert.NotContains(t, got, "flow_ok:login_wrong_password", "no 'got through' share for a flow meant to be refused")
	d := got["flow_refused:login_wrong_password"]
	assert.Equal(t, groupDefences, d.Group)
	assert.Equal(t, "100 % (3 of 3)", d.Text)
	assert.Equal(t, +1, d.Better, "more refusals of wrong passwords is better")
	assert.Equal(t, "73.3 % (11 of 15)", got["intended"].Text, "refusals count as ending as intended")
	assert.Equal(t, "33.3 % (4 of 12)", got["login_failed"].Text, "the small denominator is shown")
}

// TestEvaluateThresholds judges k6 threshold expressions on an aggregate, as k6 would.
func TestEvaluateThresholds(t *testing.T) {
	agg := results.NewAggregate()
	h := agg.Trends
	h["http_req_duration{step=A}"] = &results.Histogram{}
	for i := 1; i <= 100; i++ {
		h["http_req_duration{step=A}"].Record(float64(i * 10)) // 10 … 1000 ms
	}
	agg.Types["dropped_iterations"] = results.TypeCounter
	agg.Counters["dropped_iterations"] = 12
	agg.Rates["http_req_failed"] = &results.RateCount{Hits: 3, Total: 100}
	agg.Rates["checks"] = &results.RateCount{Hits: 100, Total: 100}
	for _, tc := range []struct {
		metric, expr string
		ok, known    bool
	}{
		{"http_req_duration{step:A}", "p(95)<=1000", true, true},
		{"http_req_duration{step:A}", "p(95)<=900", false, true},
		{"http_req_duration{step:A}", "p(99.9)<1000", false, true},
		{"http_req_duration{step:A}", "avg<600", true, true},
		{"http_req_duration{step:A}", "max<=1000", true, true},
		{"http_req_failed", "rate<0.05", true, true},
		{"http_req_failed", "rate==0", false, true},
		{"checks", "rate==1", true, true},
		{"dropped_iterations", "count<=10", false, true},
		{"dropped_iterations", "count<=12", true, true},
		{"iterations_never_seen", "count==0", true, true},
		{"http_req_duration{step:B}", "p(95)<=1000", false, false},
		{"http_req_failed", "bogus", false, false},
	} {
		t.Run(tc.metric+" "+tc.expr, func(t *testing.T) {
			ts := evaluate(agg, map[string]map[string]bool{tc.metric: {tc.expr: false}}, false)
			require.Len(t, ts, 1)
			assert.Equal(t, tc.known, ts[0].Known)
			if tc.known {
				assert.Equal(t, tc.ok, ts[0].OK, "observed %v", ts[0].Observed)
			}
		})
	}
}

// TestMergedThresholdsFromMergedHistograms: a merged run is judged on the sum of its parts
// — two parts that each keep within the dropped budget can exceed it together — and its
// percentiles come from the merged histogram, not from either part's.
func TestMergedThresholdsFromMergedHistograms(t *testing.T) {
	part := func(dropped float64, lat ...float64) *results.Aggregate {
		a := results.NewAggregate()
		a.Types["dropped_iterations"] = results.TypeCounter
		a.Counters["dropped_iterations"] = dropped
		hh := &results.Histogram{}
		for _, v := range lat {
			hh.Record(v)
		}
		a.Trends["http_req_duration{step=A}"] = hh
		return a
	}
	a, b := part(6, 100, 100, 100, 100), part(6, 2000, 2000, 2000, 2000)
	defs := map[string]map[string]bool{"dropped_iterations": {"count<=10": false}, "http_req_duration{step:A}": {"p(50)<=1500": false}}
	for _, p := range []*results.Aggregate{a, b} {
		ts := evaluate(p, defs, false)
		failed, _ := failedCount(ts)
		assert.LessOrEqual(t, failed, 1)
	}
	m, err := results.Merge(a, b)
	require.NoError(t, err)
	ts := evaluate(m, defs, false)
	byExpr := map[string]threshold{}
	for _, th := range ts {
		byExpr[th.Expr] = th
	}
	assert.False(t, byExpr["count<=10"].OK, "12 dropped in all exceeds the budget each part kept")
	assert.Equal(t, 12.0, byExpr["count<=10"].Observed)
	assert.InDelta(t, m.Trends["http_req_duration{step=A}"].Quantile(0.5), byExpr["p(50)<=1500"].Observed, 1e-9)

	// The merged fixture: its thresholds table is judged, and has a time series.
	r := built(t, "merged")
	var thr, over *Section
	for i := range r.Sections {
		switch r.Sections[i].Title {
		case "Thresholds":
			thr = &r.Sections[i]
		case "Over time":
			over = &r.Sections[i]
		}
	}
	require.NotNil(t, thr)
	require.Len(t, thr.Tables, 1)
	assert.Len(t, thr.Tables[0].Rows, 8)
	require.NotNil(t, over, "a merged run gets a time series from its parts")
	assert.Len(t, over.Plots, 2)
}

// TestSegmentRunSaysItIsAPart: one segment of a split run is judged alone and says so.
func TestSegmentRunSaysItIsAPart(t *testing.T) {
	r, err := Build(fixture("merged-seg1of2"))
	require.NoError(t, err)
	require.NotNil(t, r.Verdict)
	assert.Contains(t, r.Verdict.Text, "k6 execution segment 1/2 of a split run, judged alone")
}

// TestMergedWithoutItsParts: a merge whose parts are gone says so and gives no verdict
// rather than a made-up one.
func TestMergedWithoutItsParts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "merged")
	copyDir(t, fixture("merged"), dir)
	r, err := Build(dir)
	require.NoError(t, err)
	require.NotNil(t, r.Verdict)
	assert.Equal(t, VerdictUnknown, r.Verdict.State)
	assert.Contains(t, strings.Join(r.Missing, "\n"), "not found (nor beside this directory)")
}

// shortRun writes a load run directory of seconds seconds at rate, with extra points
// appended after the run (the tail of iterations finishing).
func shortRun(t *testing.T, seconds int, tail []byte) string {
	t.Helper()
	dir := t.TempDir()
	raw := append(synthLoad{seed: 3, seconds: seconds, rate: 12, baseMS: 200, growth: 1, dropFrom: 1000, failOTP: 0.5}.raw(), tail...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, results.RawFile), gz(raw), 0o644))
	m := fixtureManifest("short", "load", results.StatusPassed, 3, map[string]any{"rate": 12.0, "duration": (time.Duration(seconds) * time.Second).String()})
	writeJSON(t, filepath.Join(dir, results.ManifestFile), m)
	writeJSON(t, filepath.Join(dir, results.SummaryFile), k6Summary(t, raw))
	return dir
}

func overTime(t *testing.T, r *Report) Section {
	t.Helper()
	for _, s := range r.Sections {
		if s.Title == "Over time" {
			return s
		}
	}
	t.Fatal("no section Over time")
	return Section{}
}

// TestPartialLastWindowLeftOut: a last window holding only a few fast requests of the
// iterations finishing is marked partial and left out of the plots, so latency does not
// appear to fall to zero at the end.
func TestPartialLastWindowLeftOut(t *testing.T) {
	w := &k6Writer{seen: map[string]bool{"http_req_duration": true, "http_reqs": true}}
	end := fixtureStart.Add(40*time.Second + 100*time.Millisecond)
	w.point("http_req_duration", "trend", end, 0.5, map[string]string{"scenario": "recoveries", "step": "C01_Recover_03_Verify"})
	r, err := Build(shortRun(t, 40, w.b.Bytes()))
	require.NoError(t, err)
	s := overTime(t, r)
	require.Len(t, s.Plots, 2)
	assert.Contains(t, s.Plots[0].Caption, "is partial")
	c := r.curves["Latency p95 over time"].s
	require.NotEmpty(t, c.X)
	assert.Less(t, c.X[len(c.X)-1], 40.0, "the partial window after second 40 is not plotted")
	for _, y := range c.Y {
		assert.Greater(t, y, 50.0, "no window's p95 falls towards 0")
	}
}

// TestShortRunGetsATable: a run too short for a curve (a smoke test) gets a table of its
// windows, not a plot of a single dot.
func TestShortRunGetsATable(t *testing.T) {
	r, err := Build(shortRun(t, 2, nil))
	require.NoError(t, err)
	s := overTime(t, r)
	assert.Empty(t, s.Plots)
	require.Len(t, s.Tables, 1)
	assert.NotEmpty(t, s.Tables[0].Rows)
	assert.Contains(t, strings.Join(s.Text, " "), "too short to draw")
}

// TestConfiguredRamp: the schedule rampHold asks k6 for is drawn as configured.
func TestConfiguredRamp(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		rate     float64
		dur      time.Duration
		step     bool
		segment  string
		ok       bool
		x, y     []float64
	}{
		{"recovery-storm", 12, time.Minute, false, "", true, []float64{0, 20, 60}, []float64{0, 12, 12}},
		{"login-throughput", 25, 20 * time.Second, true, "", true, []float64{0, 5, 20}, []float64{0, 25, 25}},
		{"login-throughput", 20, 30 * time.Second, false, "1/2", true, []float64{0, 10, 30}, []float64{0, 10, 10}},
		{"smoke", 1, 16 * time.Second, false, "", false, nil, nil},
		{"deadline-surge", 20, 48 * time.Second, false, "", false, nil, nil},
		{"recovery-storm", math.NaN(), time.Minute, false, "", false, nil, nil},
	} {
		rp, ok := configuredRamp(tc.scenario, tc.rate, tc.dur, tc.step, tc.segment)
		assert.Equal(t, tc.ok, ok, tc.scenario)
		if ok {
			assert.Equal(t, tc.x, rp.X, tc.scenario)
			assert.InDeltaSlice(t, tc.y, rp.Y, 1e-9, tc.scenario)
		}
	}
	r := built(t, "load-before")
	var th *Plot
	for _, s := range r.Sections {
		for i := range s.Plots {
			if s.Plots[i].Name == "throughput-over-time" {
				th = &s.Plots[i]
			}
		}
	}
	require.NotNil(t, th)
	assert.Contains(t, string(th.SVG), "asked for (configured)", "the configured ramp is in the legend")
}

// TestHumanUnits: durations, hash settings and unset flags as a reader wants them.
func TestHumanUnits(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{humanDuration(30 * time.Millisecond), "30 ms"},
		{humanDuration(1500 * time.Millisecond), "1.5 s"},
		{humanDuration(20 * time.Second), "20 s"},
		{humanDuration(2 * time.Minute), "2 min"},
		{humanDuration(62 * time.Second), "1 min 2 s"},
		{humanDuration(125 * time.Minute), "2 h 5 min"},
		{humanDuration(0), "0 s"},
		{humanMS(310.4), "310 ms"},
		{humanMS(2.25), "2.2 ms"},
		{humanMS(65000), "1 min 5 s"},
		{hashPhrase(map[string]any{"algorithm": "argon2id", "params": map[string]any{"memory_kib": 19456.0, "time": 2.0, "threads": 1.0, "salt_len": 16.0}}), "argon2id m=19 MiB t=2 p=1"},
		{hashPhrase(map[string]any{"algorithm": "fast", "params": map[string]any{"digest": "sha256"}}), "fast (salted SHA-256, for load tests only)"},
		{hashPhrase("not reported"), "not reported"},
		{optionsPhrase(map[string]any{"kits": -1.0, "sms_rate": -1.0, "deadline": 0.0, "capacity": "", "replicas": 2.0, "otp_wait": "20s"}), "otp_wait=20 s, replicas=2"},
		{optionsPhrase(map[string]any{"kits": 40.0, "sms_rate": 0.0, "lock_duration": 9e11}), "kits=40, lock_duration=15 min, sms_rate=0"},
		{bytesPhrase(9000000), "8.6 MiB"},
	} {
		assert.Equal(t, tc.want, tc.got)
	}
	for _, name := range []string{"simulation", "capacity", "counterfactual", "load-before"} {
		for _, kv := range built(t, name).Provenance {
			for _, bad := range []string{"kits=-1", "sms_rate=-1", "deadline=0", "{\"", "1m0s"} {
				assert.NotContains(t, kv.Value, bad, "%s: %s", name, kv.Key)
			}
		}
	}
}
