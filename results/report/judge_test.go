package report

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

func judgeAgg(t *testing.T) *results.Aggregate {
	o := results.NewK6Output()
	t0 := time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)
	for i := range 1000 {
		// 1 … 1000 ms on step A: p(95) = 950, p(99) = 990.
		o.AddSample(results.TypeTrend, "http_req_duration", t0, float64(i+1), map[string]string{"step": "A"})
		o.AddSample(results.TypeRate, "http_req_failed", t0, map[bool]float64{true: 1}[i%50 == 0], nil) // 2 %
	}
	o.AddSample(results.TypeCounter, "dropped_iterations", t0, 3, nil)
	agg, err := o.Aggregate()
	require.NoError(t, err)
	return agg
}

func TestJudgeThresholds(t *testing.T) {
	agg := judgeAgg(t)
	for _, tc := range []struct {
		name            string
		ts              []results.StreamThreshold
		failed, unknown int
		line            string
	}{
		{"p95 holds", []results.StreamThreshold{{Metric: "http_req_duration{step:A}", Source: "p(95)<=1000"}}, 0, 0, ""},
		{"p95 fails", []results.StreamThreshold{{Metric: "http_req_duration{step:A}", Source: "p(95)<=900"}}, 1, 0, "FAIL http_req_duration{step:A} p(95)<=900"},
		{"rate", []results.StreamThreshold{{Metric: "http_req_failed", Source: "rate<0.01"}}, 1, 0, "FAIL http_req_failed rate<0.01"},
		{"count", []results.StreamThreshold{{Metric: "dropped_iterations", Source: "count<=3"}}, 0, 0, ""},
		{"empty step passes as in k6", []results.StreamThreshold{{Metric: "http_req_duration{step:B}", Source: "p(95)<=1"}}, 0, 1, "not measured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := JudgeThresholds(agg, tc.ts, nil)
			assert.Equal(t, tc.failed, j.Failed)
			assert.Equal(t, tc.unknown, j.Unknown)
			assert.Equal(t, tc.failed == 0, j.Passed())
			if tc.line != "" {
				assert.Contains(t, j.String(), tc.line)
			}
		})
	}
	j := JudgeThresholds(agg, nil, map[string]*results.RateCount{"status 200": {Hits: 9, Total: 10}, "ok": {Hits: 3, Total: 3}})
	assert.Equal(t, "thresholds: 0 of 0 passed (judged by eidsim on the streamed histograms)\nchecks that failed:\n  status 200: 1 of 10 failed\n", j.String())
}

// A streamed run directory (no k6-summary.json) yields the thresholds its stream recorded.
func TestThresholdDefsFromStream(t *testing.T) {
	dir := t.TempDir()
	_, _, err := thresholdDefs(dir)
	assert.True(t, os.IsNotExist(err), "%v", err)
	meta := results.StreamMeta{Thresholds: []results.StreamThreshold{{Metric: "checks", Source: "rate>0.95"}}}
	require.NoError(t, results.WriteStreamFile(filepath.Join(dir, results.StreamFile), meta, results.NewK6Output()))
	defs, byK6, err := thresholdDefs(dir)
	require.NoError(t, err)
	assert.False(t, byK6)
	assert.Equal(t, map[string]map[string]bool{"checks": {"rate>0.95": false}}, defs)
}
