package results

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The seconds of a streamed run freeze their latency histograms once freezeLag seconds old,
// so an hours-long run keeps only the last few live; a late sample still counts, and the
// stream file and time series are those of the never-frozen seconds.
func TestSecondsFreezeBehindTheLatest(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tags := map[string]string{"step": "B01-password"}
	fold := func(o *K6Output, late bool) {
		for s := range 30 {
			for k := range 50 {
				at := t0.Add(time.Duration(s)*time.Second + time.Duration(k)*20*time.Millisecond)
				o.AddSample("trend", MetricHTTPReqDuration, at, float64(1+s+k%7), tags)
				o.AddSample("counter", MetricHTTPReqs, at, 1, tags)
			}
		}
		if late {
			o.AddSample("trend", MetricHTTPReqDuration, t0.Add(2*time.Second), 99, tags)
		}
	}
	for _, tc := range []struct {
		name string
		late bool
	}{{"in order", false}, {"with a late sample", true}} {
		t.Run(tc.name, func(t *testing.T) {
			o := NewK6Output()
			fold(o, tc.late)
			for i, s := range o.secs.secs {
				old := i < len(o.secs.secs)-1-freezeLag
				if tc.late && i == 2 {
					assert.False(t, s.latency.Frozen(), "the late sample thawed second 2")
					assert.Equal(t, uint64(51), s.latency.Count())
					continue
				}
				assert.Equalf(t, old, s.latency.Frozen(), "second %d", i)
			}
			// the same run with nothing frozen: identical stream and time series
			ref := NewK6Output()
			fold(ref, tc.late)
			for _, s := range ref.secs.secs {
				s.latency.thaw()
			}
			got, err := json.Marshal(o.secs.toJSON())
			require.NoError(t, err)
			want, err := json.Marshal(ref.secs.toJSON())
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
			assert.Equal(t, ref.secs.windows(), o.secs.windows())
		})
	}
}
