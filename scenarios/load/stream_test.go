package load

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

func TestOutputArgs(t *testing.T) {
	for _, tc := range []struct {
		name, stream, raw string
		want              []string
	}{
		{"stream", "/r/k6-stream.json.gz", "", []string{"--out", "eidsim=/r/k6-stream.json.gz", "--no-thresholds", "--summary-mode=disabled"}},
		{"raw", "", "/r/k6-raw.json.gz", []string{"--out", "json=/r/k6-raw.json.gz"}},
		{"both", "/r/s", "/r/r", []string{"--out", "eidsim=/r/s", "--no-thresholds", "--summary-mode=disabled", "--out", "json=/r/r"}},
	} {
		k := &K6{Stream: tc.stream, RawOut: tc.raw, Script: "x.js"}
		assert.Equal(t, append(append([]string{"run", "--quiet", "--no-color"}, tc.want...), "x.js"), k.Args(), tc.name)
	}
}

// slowRun is a stream copy whose step A answered in 500 ms, elapsed after the start.
func slowRun(elapsed time.Duration, final bool) (*results.K6Output, results.StreamMeta) {
	o := results.NewK6Output()
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for range 100 {
		o.AddSample(results.TypeTrend, "http_req_duration", t0, 500, map[string]string{"step": "A"})
	}
	meta := results.StreamMeta{Version: results.StreamVersion, Started: t0, Written: t0.Add(elapsed), Final: final,
		Thresholds: []results.StreamThreshold{{Metric: "http_req_duration{step:A}", Source: "p(95)<=1000"},
			{Metric: "http_req_duration{step:A}", Source: "p(95)<=100", AbortOnFail: true, DelayAbortEval: 10 * time.Second}}}
	return o, meta
}

func TestAbortReason(t *testing.T) {
	o, meta := slowRun(5*time.Second, false)
	assert.Empty(t, abortReason(o, meta), "before delayAbortEval")
	o, meta = slowRun(20*time.Second, false)
	assert.Contains(t, abortReason(o, meta), "threshold http_req_duration{step:A} p(95)<=100 failed after 20s (abortOnFail)")
	meta.Thresholds[1].AbortOnFail = false
	assert.Empty(t, abortReason(o, meta), "failing but not abortOnFail")
}

// The watcher stops k6 through its REST API (PATCH /v1/status, stopped) when an abortOnFail
// threshold fails, and reports the progress it read.
func TestWatcherStopsK6(t *testing.T) {
	var patched atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		patched.Store(r.Method + " " + r.URL.Path + " " + string(b))
		w.WriteHeader(http.StatusOK)
	}))
	defer api.Close()
	dir := t.TempDir()
	o, meta := slowRun(30*time.Second, true)
	require.NoError(t, results.WriteStreamFile(filepath.Join(dir, results.StreamFile), meta, o))
	k := &K6{Stream: filepath.Join(dir, results.StreamFile), APIAddress: strings.TrimPrefix(api.URL, "http://")}
	var lives []Live
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	w := startWatch(ctx, k, func(l Live) { lives = append(lives, l) })
	<-w.done // the copy is final: the watcher stops by itself
	why := w.finish(cancel)
	assert.Contains(t, why, "abortOnFail")
	assert.Equal(t, `PATCH /v1/status {"data":{"type":"status","id":"default","attributes":{"stopped":true}}}`, patched.Load())
	require.Len(t, lives, 1)
	assert.Equal(t, 30*time.Second, lives[0].Elapsed)
	assert.True(t, lives[0].Final)
}

// A real k6 run with both outputs: the streamed aggregate and time series equal those read
// from the raw JSON output, within the histogram's relative error. Needs EIDSIM_K6 (the k6
// of `make k6`, with the extension).
func TestRealK6StreamEqualsRaw(t *testing.T) {
	bin := os.Getenv("EIDSIM_K6")
	if bin == "" {
		t.Skip("EIDSIM_K6 not set: build the k6 with the extension (make k6) and set EIDSIM_K6=bin/k6")
	}
	require.True(t, HasStreamOutput(context.Background(), bin), "%s has no eidsim output", bin)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/fail") {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	script := filepath.Join(dir, "t.js")
	require.NoError(t, os.WriteFile(script, []byte(`import http from 'k6/http';
import { check } from 'k6';
export const options = { scenarios: { a: { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '6s', preAllocatedVUs: 5, maxVUs: 20 } },
  thresholds: { 'http_req_duration{step:S1}': ['p(95)<=1000'] } };
export default function () {
  http.get(__ENV.T + '/ok', { tags: { step: 'S1' } });
  const r = http.get(__ENV.T + (Math.random() < 0.1 ? '/fail' : '/ok'), { tags: { step: 'S2' } });
  check(r, { ok: (x) => x.status === 200 });
}
`), 0o644))
	k := &K6{Binary: bin, Script: script, Env: map[string]string{"T": srv.URL}, Stream: filepath.Join(dir, results.StreamFile),
		RawOut: filepath.Join(dir, results.RawFile), Output: io.Discard}
	res, err := k.Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode)
	raw, err := results.ReadK6File(k.RawOut)
	require.NoError(t, err)
	got, meta, err := results.ReadStreamDir(dir)
	require.NoError(t, err)
	assert.True(t, meta.Final)
	ra, err := raw.Aggregate()
	require.NoError(t, err)
	ga, err := got.Aggregate()
	require.NoError(t, err)
	assert.Equal(t, ra.Counters, ga.Counters)
	assert.Equal(t, ra.Rates, ga.Rates)
	require.Equal(t, len(ra.Trends), len(ga.Trends))
	for key, h := range ra.Trends {
		assert.Equal(t, h.Count(), ga.Trends[key].Count(), key)
		for _, q := range []float64{0.5, 0.95, 0.99} {
			assert.InEpsilon(t, h.Quantile(q)+1e-9, ga.Trends[key].Quantile(q)+1e-9, 0.0078, "%s p%g", key, q*100)
		}
	}
	assert.Equal(t, raw.TimeSeries(), got.TimeSeries())
}

func TestNeedsK6Summary(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"EIDSIM_MIX": `{"new_device":0.2}`}, false},
		{map[string]string{"EIDSIM_MIX": `{"compare":1}`}, true},
		{map[string]string{"EIDSIM_RP_COMPARE": "1"}, true},
	} {
		assert.Equal(t, tc.want, needsK6Summary(&K6{Env: tc.env}), "%v", tc.env)
	}
}
