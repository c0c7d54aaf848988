package results_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

func TestReadK6JSON(t *testing.T) {
	raw, err := os.ReadFile("testdata/k6-small.json")
	require.NoError(t, err)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(raw)
	require.NoError(t, zw.Close())

	for name, data := range map[string][]byte{"plain": raw, "gzip": gz.Bytes()} {
		t.Run(name, func(t *testing.T) {
			a, err := results.ReadK6JSON(bytes.NewReader(data), "k6-small.json")
			require.NoError(t, err)
			assert.Equal(t, uint64(8), a.Points)
			assert.Equal(t, 2.0, a.Counters["http_reqs"])
			assert.Equal(t, 2.0, a.Counters["http_reqs{scenario=login,step=L01_Login_01_Password}"], "demographic tags do not split built-in metrics")
			assert.Equal(t, uint64(2), a.Trends["http_req_duration"].Count())
			assert.Equal(t, 30.0, a.Trends["http_req_duration{step=L01_Login_01_Password}"].Max())
			assert.Equal(t, 0.5, a.Rates["http_req_failed"].Rate())
			assert.Equal(t, 1.0, a.Counters["eidsim_outcomes{cause=otp_to_other_phone,coverage=2g,ethnicity=Hmong,flow=recovery,handset=feature,outcome=failed,scenario=recovery,sim=non_owner}"])
			assert.Equal(t, 7.0, a.Gauges["vus"])
			assert.Equal(t, "2s", a.Duration().String())
			assert.Equal(t, []string{"L01_Login_01_Password"}, a.Steps())
		})
	}
}

func TestReadK6JSONErrorsNameTheLine(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"bad json":     {"{\"type\":\"Metric\",\"metric\":\"x\",\"data\":{\"type\":\"counter\"}}\n{oops\n", "f.json:2:"},
		"point first":  {`{"type":"Point","metric":"x","data":{"value":1}}`, `f.json:1: point of metric "x" before its Metric line`},
		"unknown type": {`{"type":"Nope","metric":"x"}`, `f.json:1: unknown line type "Nope"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := results.ReadK6JSON(strings.NewReader(tc.in), "f.json")
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestSeriesKeyRoundTrip(t *testing.T) {
	tags := map[string]string{"step": "S1", "cause": "no_coverage"}
	k := results.SeriesKey("eidsim_outcomes", tags)
	assert.Equal(t, "eidsim_outcomes{cause=no_coverage,step=S1}", k)
	m, back := results.ParseSeriesKey(k)
	assert.Equal(t, "eidsim_outcomes", m)
	assert.Equal(t, tags, back)
	m, back = results.ParseSeriesKey("http_reqs")
	assert.Equal(t, "http_reqs", m)
	assert.Empty(t, back)
}

// TestMergeSegmentsEqualsWhole splits one point stream into two segment files, merges their
// aggregates and compares with the aggregate of the whole stream.
func TestMergeSegmentsEqualsWhole(t *testing.T) {
	raw, err := os.ReadFile("testdata/k6-small.json")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var seg [2]strings.Builder
	n := 0
	for _, l := range lines {
		if strings.Contains(l, `"type":"Metric"`) {
			seg[0].WriteString(l + "\n")
			seg[1].WriteString(l + "\n")
			continue
		}
		seg[n%2].WriteString(l + "\n")
		n++
	}
	whole, err := results.ReadK6JSON(strings.NewReader(string(raw)), "whole")
	require.NoError(t, err)
	a, err := results.ReadK6JSON(strings.NewReader(seg[0].String()), "a")
	require.NoError(t, err)
	b, err := results.ReadK6JSON(strings.NewReader(seg[1].String()), "b")
	require.NoError(t, err)
	merged, err := results.Merge(a, b)
	require.NoError(t, err)
	assert.Equal(t, whole.Counters, merged.Counters)
	assert.Equal(t, whole.Rates, merged.Rates)
	assert.Equal(t, whole.Points, merged.Points)
	assert.Equal(t, whole.First, merged.First)
	assert.Equal(t, whole.Last, merged.Last)
	for k, h := range whole.Trends {
		require.Contains(t, merged.Trends, k)
		assert.Equal(t, h.Count(), merged.Trends[k].Count(), k)
		assert.Equal(t, h.Quantile(0.95), merged.Trends[k].Quantile(0.95), k)
	}

	// Stored and loaded, the merged aggregate is the same.
	dir := t.TempDir()
	require.NoError(t, results.WriteAggregate(dir, merged))
	back, err := results.LoadAggregate(dir)
	require.NoError(t, err)
	assert.Equal(t, merged.Counters, back.Counters)
	assert.Equal(t, merged.Trends["http_req_duration"].Quantile(0.5), back.Trends["http_req_duration"].Quantile(0.5))
}

func TestMergeRejectsTypeConflict(t *testing.T) {
	a, b := results.NewAggregate(), results.NewAggregate()
	a.Types["x"] = results.TypeCounter
	b.Types["x"] = results.TypeTrend
	_, err := results.Merge(a, b)
	require.ErrorContains(t, err, `metric "x" is a counter in one part and a trend in part 1`)
}

func TestLoadAggregateFromRaw(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile("testdata/k6-small.json")
	require.NoError(t, err)
	f, err := os.Create(filepath.Join(dir, results.RawFile))
	require.NoError(t, err)
	zw := gzip.NewWriter(f)
	_, _ = zw.Write(raw)
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
	a, err := results.LoadAggregate(dir)
	require.NoError(t, err)
	assert.Equal(t, 2.0, a.Counters["http_reqs"])
	assert.FileExists(t, filepath.Join(dir, results.AggregateFile))

	_, err = results.LoadAggregate(t.TempDir())
	require.ErrorContains(t, err, "is it a load run directory?")
}

func FuzzReadK6JSON(f *testing.F) {
	raw, err := os.ReadFile("testdata/k6-small.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte(`{"type":"Metric","metric":"t","data":{"type":"trend"}}` + "\n" + `{"type":"Point","metric":"t","data":{"value":-1e308}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := results.ReadK6JSON(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		if _, err := results.Merge(a, a); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPrintSummaryAndOutcomes(t *testing.T) {
	a, err := results.ReadK6JSONFile("testdata/k6-small.json")
	require.NoError(t, err)
	var b strings.Builder
	a.PrintSummary(&b)
	a.PrintOutcomes(&b)
	out := b.String()
	assert.Contains(t, out, "requests 2  iterations 0  dropped 0  http_req_failed 50.00%")
	assert.Contains(t, out, "L01_Login_01_Password")
	assert.Regexp(t, `recovery\s+failed\s+otp_to_other_phone\s+1`, out)
	assert.NotContains(t, out, "outcomes by sim", "one segment only: no table repeating the totals")
	assert.Equal(t, uint64(2), a.APILatency().Count())

	// Two SIM segments: the segment × cause table.
	b.Reset()
	key := func(sim, outcome, cause string) string {
		return results.SeriesKey("eidsim_outcomes", map[string]string{"flow": "recovery", "outcome": outcome, "cause": cause, "sim": sim})
	}
	a.Counters[key("owner", "ok", "none")] = 3
	a.Counters[key("owner", "failed", "otp_to_other_phone")] = 0
	a.PrintOutcomes(&b)
	assert.Regexp(t, `(?m)^\s+non_owner\s+1\s+0\s+1\s*$`, b.String())
	assert.Regexp(t, `(?m)^\s+owner\s+3\s+3\s+0\s*$`, b.String())
}
