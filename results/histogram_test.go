package results_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// exactQuantile is the nearest-rank quantile of sorted values.
func exactQuantile(sorted []float64, q float64) float64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

func lognormal(r *rand.Rand, n int) []float64 {
	vs := make([]float64, n)
	for i := range vs {
		vs[i] = math.Exp(r.NormFloat64()*1.2 + 3) // ms, median ~20
	}
	return vs
}

func TestHistogramQuantileWithinBucketError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 10, 1000, 50000} {
		vs := lognormal(r, n)
		var h results.Histogram
		for _, v := range vs {
			h.Record(v)
		}
		sort.Float64s(vs)
		require.Equal(t, uint64(n), h.Count())
		assert.Equal(t, vs[0], h.Min())
		assert.Equal(t, vs[n-1], h.Max())
		for _, q := range []float64{0.01, 0.5, 0.9, 0.95, 0.99, 0.999} {
			got, want := h.Quantile(q), exactQuantile(vs, q)
			// relative bucket width 1/128, plus rounding to whole microseconds
			assert.InEpsilonf(t, want, got, 1.0/128+0.001, "n=%d q=%v", n, q)
		}
	}
}

func TestHistogramMergeOfHalvesEqualsWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vs := lognormal(r, 20001)
	var whole, a, b results.Histogram
	for i, v := range vs {
		whole.Record(v)
		if i%3 == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	var merged results.Histogram
	merged.Merge(&a)
	merged.Merge(&b)
	wj, err := json.Marshal(&whole)
	require.NoError(t, err)
	mj, err := json.Marshal(&merged)
	require.NoError(t, err)
	// Buckets and counts are identical; the float sum may differ in the last bits.
	var wv, mv map[string]any
	require.NoError(t, json.Unmarshal(wj, &wv))
	require.NoError(t, json.Unmarshal(mj, &mv))
	assert.Equal(t, wv["buckets"], mv["buckets"])
	assert.Equal(t, wv["count"], mv["count"])
	assert.InEpsilon(t, whole.Mean(), merged.Mean(), 1e-9)
	for _, q := range []float64{0.5, 0.95, 0.99} {
		assert.Equal(t, whole.Quantile(q), merged.Quantile(q))
	}
}

func TestHistogramJSONRoundTrip(t *testing.T) {
	var h results.Histogram
	for _, v := range []float64{0, 0.1, 0.255, 0.256, 1, 1.5, 999, 1e6, -3} {
		h.Record(v)
	}
	b, err := json.Marshal(&h)
	require.NoError(t, err)
	var back results.Histogram
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, h.Count(), back.Count())
	for _, q := range []float64{0, 0.3, 0.5, 0.9, 1} {
		assert.Equal(t, h.Quantile(q), back.Quantile(q))
	}
	assert.Equal(t, 0.0, h.Min(), "negative values count as 0")
}

func TestHistogramRejectsInconsistentJSON(t *testing.T) {
	var h results.Histogram
	err := json.Unmarshal([]byte(`{"count":3,"buckets":[[1,1]]}`), &h)
	require.ErrorContains(t, err, "buckets hold 1 values, count says 3")
}

func TestHistogramEmpty(t *testing.T) {
	var h results.Histogram
	assert.Equal(t, 0.0, h.Quantile(0.95))
	assert.Equal(t, 0.0, h.Mean())
	h.Merge(nil)
	assert.Equal(t, uint64(0), h.Count())
}

func FuzzHistogramJSON(f *testing.F) {
	f.Add([]byte(`{"count":1,"sum":2,"min":2,"max":2,"buckets":[[2000,1]]}`))
	f.Add([]byte(`{"count":0,"buckets":[]}`))
	f.Add([]byte(`{"count":2,"buckets":[[4294967296,2]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var h results.Histogram
		if err := json.Unmarshal(b, &h); err != nil {
			return
		}
		// A histogram that loaded is consistent: quantiles are within [min, max].
		if h.Count() > 0 {
			q := h.Quantile(0.5)
			if q < h.Min() || q > h.Max() {
				if !(h.Min() > h.Max()) {
					t.Fatalf("median %v outside [%v, %v]", q, h.Min(), h.Max())
				}
			}
		}
	})
}
