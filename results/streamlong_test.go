package results

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An hours-long run's stream stays small and reads fast: its size grows with the seconds
// (one small histogram each), not with the samples. 8 h with 100 requests a second on three
// steps (86 M samples in a real run; here the per-second histograms they fill).
func TestLongRunStreamIsSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("folds 2.9 M samples")
	}
	const hours = 8
	rng := rand.New(rand.NewPCG(1, 2))
	o := NewK6Output()
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	steps := []map[string]string{{"step": "L01_Login_01_Password"}, {"step": "L01_Login_02_OTP"}, {"step": "L01_Login_03_Me"}}
	for s := range hours * 3600 {
		ts := t0.Add(time.Duration(s) * time.Second)
		for i := range 100 {
			o.AddSample(TypeTrend, MetricHTTPReqDuration, ts, math.Exp(rng.NormFloat64()*0.7+2), steps[i%3])
		}
		o.AddSample(TypeCounter, MetricHTTPReqs, ts, 100, nil)
		o.AddSample(TypeCounter, MetricIterations, ts, 33, nil)
	}
	path := filepath.Join(t.TempDir(), StreamFile)
	start := time.Now()
	require.NoError(t, WriteStreamFile(path, StreamMeta{Started: t0}, o))
	wrote := time.Since(start)
	st, err := os.Stat(path)
	require.NoError(t, err)
	start = time.Now()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	back, _, err := ReadStream(f, path)
	require.NoError(t, err)
	ts := back.TimeSeries()
	read := time.Since(start)
	t.Logf("%d h: stream %.1f MB, written in %v, read with its time series in %v", hours, float64(st.Size())/1e6, wrote.Round(time.Millisecond), read.Round(time.Millisecond))
	assert.Less(t, st.Size(), int64(100<<20), "under 100 MB")
	assert.Len(t, ts.Windows, MaxWindows)
	agg, err := back.Aggregate()
	require.NoError(t, err)
	assert.Equal(t, uint64(hours*3600*100), agg.Trends[MetricHTTPReqDuration].Count())
}
