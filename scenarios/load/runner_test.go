package load_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/load"
)

// fakeK6 stands in for the k6 process: it writes a raw output of the iterations the options
// ask for (two requests each, at 20 ms) and exits with exit(rate).
type fakeK6 struct {
	mu    sync.Mutex
	calls []*load.K6
	exit  func(rate float64) int
	err   error
	// extra lines appended to every raw output
	extra string
}

func (f *fakeK6) Run(_ context.Context, k *load.K6) (load.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, k)
	f.mu.Unlock()
	if f.err != nil {
		return load.Result{}, f.err
	}
	var rate, secs float64
	fmt.Sscan(k.Env["EIDSIM_RATE"], &rate)
	fmt.Sscan(k.Env["EIDSIM_DURATION"], &secs)
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var b strings.Builder
	for _, m := range [][2]string{{results.MetricHTTPReqs, "counter"}, {results.MetricHTTPReqDuration, "trend"},
		{results.MetricHTTPReqFailed, "rate"}, {results.MetricIterations, "counter"}} {
		fmt.Fprintf(&b, `{"type":"Metric","data":{"type":%q},"metric":%q}`+"\n", m[1], m[0])
	}
	n := int(rate * secs)
	for i := range n {
		at := t0.Add(time.Duration(float64(i) / rate * float64(time.Second))).Format(time.RFC3339Nano)
		for _, step := range []string{"L01_Login_01_Password", "L01_Login_03_Me"} {
			tags := fmt.Sprintf(`{"step":%q}`, step)
			fmt.Fprintf(&b, `{"type":"Point","metric":%q,"data":{"time":%q,"value":1,"tags":%s}}`+"\n", results.MetricHTTPReqs, at, tags)
			fmt.Fprintf(&b, `{"type":"Point","metric":%q,"data":{"time":%q,"value":20,"tags":%s}}`+"\n", results.MetricHTTPReqDuration, at, tags)
			fmt.Fprintf(&b, `{"type":"Point","metric":%q,"data":{"time":%q,"value":0,"tags":%s}}`+"\n", results.MetricHTTPReqFailed, at, tags)
		}
		fmt.Fprintf(&b, `{"type":"Point","metric":%q,"data":{"time":%q,"value":1,"tags":{}}}`+"\n", results.MetricIterations, at)
	}
	b.WriteString(f.extra)
	if err := os.WriteFile(k.RawOut, []byte(b.String()), 0o644); err != nil {
		return load.Result{}, err
	}
	code := 0
	if f.exit != nil {
		code = f.exit(rate)
	}
	fmt.Fprintf(k.Output, "fake k6 at %g/s: exit %d\n", rate, code)
	return load.Result{ExitCode: code, Wall: time.Second, CPU: 100 * time.Millisecond}, nil
}

var scripts = fstest.MapFS{"login-throughput.js": {Data: []byte("// login")}, "lib/api.js": {Data: []byte("// api")},
	"attack-otp-bruteforce.js": {Data: []byte("// otp")}}

// newRunner is a runner of scenario on a small synthetic population with k6 faked and a
// fault journal that counts its calls.
func newRunner(t *testing.T, scenario string, k6 *fakeK6) (*load.Runner, *int) {
	t.Helper()
	pop := filepath.Join(t.TempDir(), "pop.jsonl")
	require.NoError(t, os.WriteFile(pop, synthPopulation(t, 400), 0o644))
	sc, err := load.Lookup(scenario)
	require.NoError(t, err)
	journals := 0
	return &load.Runner{Scenario: sc, Target: "http://127.0.0.1:1", Token: "s3cret", Population: pop, Seed: 3,
		Segment: load.Segment{I: 1, N: 1}, K6Binary: "k6", Exec: k6, Scripts: scripts,
		Journal: func(time.Time) any { journals++; return map[string]any{"changes": journals} }}, &journals
}

func newRun(t *testing.T, kind string) *results.Run {
	t.Helper()
	run, err := results.Create(t.TempDir(), results.Manifest{RunID: "run", Kind: kind, Started: time.Now().UTC(), Hash: "fast"})
	require.NoError(t, err)
	return run
}

func TestRunnerOnce(t *testing.T) {
	for _, tt := range []struct {
		name    string
		k6      *fakeK6
		status  string
		err     string
		result  bool
		exitHas int
	}{
		{"passed", &fakeK6{}, results.StatusPassed, "", true, 0},
		{"thresholds failed", &fakeK6{exit: func(float64) int { return load.ExitThresholds }}, results.StatusThresholdsFailed, "", true, load.ExitThresholds},
		{"k6 failed", &fakeK6{exit: func(float64) int { return 107 }}, results.StatusFailed, "k6 exited with code 107", false, 107},
		{"k6 could not start", &fakeK6{err: errors.New("starting k6: no such file")}, results.StatusFailed, "starting k6: no such file", false, -1},
		{"k6 output unreadable", &fakeK6{extra: "{oops\n"}, results.StatusFailed, "k6 output: ", false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, journals := newRunner(t, "login-throughput", tt.k6)
			run := newRun(t, "load")
			var out strings.Builder
			oc, err := r.Once(context.Background(), run, load.Options{Rate: 5, Duration: 4 * time.Second, VUs: 10, OTPWait: time.Second}, &out)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.status, oc.Status)
			assert.Equal(t, 1, *journals, "the fault journal is recorded once")
			m, err := results.ReadManifest(run.Dir)
			require.NoError(t, err)
			assert.Equal(t, tt.status, m.Status)
			assert.Equal(t, map[string]any{"changes": 1.0}, m.Faults)
			var st results.LoadStep
			if !tt.result {
				assert.ErrorIs(t, m.DecodeResult(&st), results.ErrNoResult, "a failed run records no result")
				return
			}
			require.NoError(t, m.DecodeResult(&st))
			assert.Equal(t, oc.Step, st)
			assert.Equal(t, 5.0, st.Rate)
			assert.Equal(t, 40.0, st.Requests, "20 iterations of two requests")
			assert.Equal(t, 5.0, st.Achieved)
			assert.InDelta(t, 20, st.P95, 1)
			assert.Equal(t, tt.exitHas == 0, st.Passed)
			for _, f := range []string{results.AggregateFile, results.StdoutFile, results.RawFile, results.PoolFile("login"), "scripts/login-throughput.js", "scripts/lib/api.js"} {
				assert.FileExists(t, filepath.Join(run.Dir, f))
			}
			assert.Contains(t, out.String(), "fake k6 at 5/s")
			assert.Contains(t, out.String(), "k6: exit")
			k := tt.k6.calls[0]
			assert.Equal(t, "s3cret", k.SecretEnv["EIDSIM_OPERATOR_TOKEN"])
			assert.NotContains(t, strings.Join(k.Args(), " "), "s3cret", "the token is not on k6's command line")
			assert.Equal(t, "3", k.Env["EIDSIM_SEED"])
			assert.Equal(t, filepath.Join(run.Dir, "scripts", "login-throughput.js"), k.Script)
		})
	}
}

// An adversarial run writes attack.json from the same pass over k6's output, asks the
// target's policy once, and its verdict decides the status.
func TestRunnerOnceAttack(t *testing.T) {
	won := `{"type":"Metric","data":{"type":"trend"},"metric":"eidsim_attack_req"}
{"type":"Metric","data":{"type":"counter"},"metric":"eidsim_attack_target"}
{"type":"Point","metric":"eidsim_attack_req","data":{"time":"2026-12-01T08:00:01Z","value":9,"tags":{"vector":"guess","role":"attacker","status":"200","code":"","ra":"n"}}}
{"type":"Point","metric":"eidsim_attack_target","data":{"time":"2026-12-01T08:00:01Z","value":1,"tags":{"vector":"guess","result":"compromised"}}}
`
	for _, tt := range []struct {
		name, extra, status string
	}{
		{"the attacker won", won, results.StatusAttackSucceeded},
		{"the defences held", "", results.StatusPassed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newRunner(t, "otp-bruteforce", &fakeK6{extra: tt.extra})
			asked := 0
			r.Policy = func(context.Context, *results.Run) results.AttackPolicy {
				asked++
				return results.AttackPolicy{OTPLength: 6}
			}
			run := newRun(t, "load")
			oc, err := r.Once(context.Background(), run, load.Options{Rate: 2, Duration: 2 * time.Second, VUs: 2, OTPWait: time.Second}, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.status, oc.Status)
			assert.Equal(t, 1, asked)
			require.NotNil(t, oc.Attack)
			b, err := os.ReadFile(filepath.Join(run.Dir, results.AttackFile))
			require.NoError(t, err)
			var a results.Attack
			require.NoError(t, json.Unmarshal(b, &a))
			assert.Equal(t, oc.Attack.Verdict.Succeeded, a.Verdict.Succeeded)
			assert.Equal(t, tt.status == results.StatusAttackSucceeded, a.Verdict.Succeeded)
		})
	}
}

// FindMax runs each step into run/steps/, finishes every step's manifest with its own status,
// result and fault journal, and records the search in the run's manifest.
func TestRunnerFindMax(t *testing.T) {
	k6 := &fakeK6{exit: func(rate float64) int {
		if rate > 12 {
			return load.ExitThresholds
		}
		return 0
	}}
	r, journals := newRunner(t, "login-throughput", k6)
	run := newRun(t, "find-max")
	s := load.Search{Start: 4, Increment: 4, Resolution: 1, MaxSteps: 8, WarmUp: true}
	res, err := r.FindMax(context.Background(), run, s, 2*time.Second, load.Options{Rate: 4, VUs: 10, OTPWait: time.Second})
	require.NoError(t, err)
	assert.Equal(t, 12.0, res.MaxRate)
	assert.True(t, res.Bracketed)
	require.NotNil(t, res.Best)
	assert.Equal(t, "fast", res.Hash)
	assert.Equal(t, len(res.Steps)+1, *journals, "a journal per step and one for the search")

	m, err := results.ReadManifest(run.Dir)
	require.NoError(t, err)
	assert.Equal(t, results.StatusPassed, m.Status)
	var got results.FindMaxResult
	require.NoError(t, m.DecodeResult(&got))
	assert.Equal(t, res.Steps, got.Steps)

	steps, err := filepath.Glob(filepath.Join(run.Dir, "steps", "*"))
	require.NoError(t, err)
	require.Len(t, steps, len(res.Steps))
	seen := map[string]string{}
	for _, st := range res.Steps {
		sm, err := results.ReadManifest(st.Dir)
		require.NoError(t, err)
		want := results.StatusPassed
		if !st.Passed {
			want = results.StatusThresholdsFailed
		}
		assert.Equal(t, want, sm.Status, st.Dir)
		assert.Equal(t, "find-max-step", sm.Kind)
		assert.NotNil(t, sm.Faults)
		var rec results.LoadStep
		require.NoError(t, sm.DecodeResult(&rec))
		assert.Equal(t, st.Rate, rec.Rate)
		b, err := os.ReadFile(filepath.Join(st.Dir, results.PoolFile("login")))
		require.NoError(t, err)
		var cs []load.Sampled
		require.NoError(t, json.Unmarshal(b, &cs))
		require.NotEmpty(t, cs)
		if prev, ok := seen[cs[0].CitizenID]; ok && !st.WarmUp {
			t.Errorf("steps %s and %s start with the same citizen", prev, st.Dir)
		}
		seen[cs[0].CitizenID] = st.Dir
		assert.Equal(t, "1", k6.calls[0].Env["EIDSIM_FIND_MAX"])
	}
}

func TestRunnerFindMaxNothingPasses(t *testing.T) {
	r, _ := newRunner(t, "login-throughput", &fakeK6{exit: func(float64) int { return load.ExitThresholds }})
	run := newRun(t, "find-max")
	_, err := r.FindMax(context.Background(), run, load.Search{Start: 4, Increment: 4, Resolution: 1, MaxSteps: 3}, 2*time.Second, load.Options{VUs: 1})
	require.ErrorContains(t, err, "no rate passed")
	m, err := results.ReadManifest(run.Dir)
	require.NoError(t, err)
	assert.Equal(t, results.StatusFailed, m.Status)
	var got results.FindMaxResult
	require.NoError(t, m.DecodeResult(&got))
	assert.Len(t, got.Steps, 3)
	assert.Nil(t, got.Best)
}

func TestRunnerPresampleSlicesDisjointSteps(t *testing.T) {
	r, _ := newRunner(t, "login-throughput", &fakeK6{})
	require.NoError(t, r.Presample(load.Search{Start: 0.1, Increment: 0.05, MaxSteps: 3, Resolution: 1}, 10*time.Second, load.Options{}))
	all := r.Pre("login")
	require.NotEmpty(t, all)
	a, st := r.Slice(map[string]int{"login": 2}, 0)
	b, _ := r.Slice(map[string]int{"login": 2}, 2)
	require.Len(t, a["login"], 2)
	require.Len(t, b["login"], 2)
	assert.NotEqual(t, a["login"][0].CitizenID, b["login"][0].CitizenID)
	assert.Equal(t, 2, st.Sampled["login"])
	far, st := r.Slice(map[string]int{"login": 2}, len(all)+1)
	require.Len(t, far["login"], 2, "beyond the sample it starts again from the top")
	assert.Equal(t, all[1].CitizenID, far["login"][0].CitizenID)
	assert.Equal(t, 2, st.Sampled["login"])
}

// A population file gone after a search sampled it is an error naming it, not a crash (its
// size was read with the error thrown away).
func TestRunnerPopulationGoneAfterSampling(t *testing.T) {
	r, _ := newRunner(t, "login-throughput", &fakeK6{})
	require.NoError(t, r.Presample(load.Search{Start: 1, Increment: 1, MaxSteps: 1, Resolution: 1}, 2*time.Second, load.Options{}))
	require.NoError(t, os.Remove(r.Population))
	run := newRun(t, "load")
	oc, err := r.Once(context.Background(), run, load.Options{Rate: 1, Duration: 2 * time.Second, VUs: 1}, nil)
	require.ErrorContains(t, err, "population: stat "+r.Population)
	assert.Equal(t, results.StatusFailed, oc.Status)
}
