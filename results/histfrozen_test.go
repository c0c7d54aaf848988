package results_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// frozenCases are histograms to freeze: empty, tiny, exact-range, k6-like and very wide
// random data, and one read from JSON with a zero-count bucket (kept as stored).
func frozenCases(t *testing.T) map[string]func() *results.Histogram {
	record := func(vs []float64) func() *results.Histogram {
		return func() *results.Histogram {
			var h results.Histogram
			for _, v := range vs {
				h.Record(v)
			}
			return &h
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	small := make([]float64, 500)
	for i := range small {
		small[i] = float64(r.IntN(256)) / 1000 // the exact buckets
	}
	wide := make([]float64, 3000)
	for i := range wide {
		wide[i] = math.Exp(r.Float64()*30 - 8) // 0.3 µs .. 3e9 ms
	}
	return map[string]func() *results.Histogram{
		"empty":                     record(nil),
		"one value":                 record([]float64{12.5}),
		"zero and negative and NaN": record([]float64{0, -3, math.NaN(), 1}),
		"exact range":               record(small),
		"k6-like 3000":              record(lognormal(r, 3000)),
		"k6-like 50000":             record(lognormal(r, 50000)),
		"wide":                      record(wide),
		"from JSON with zero-count bucket": func() *results.Histogram {
			var h results.Histogram
			require.NoError(t, json.Unmarshal([]byte(`{"count":3,"sum":9,"min":1,"max":5,"buckets":[[5000,1],[1000,2],[3000,0]]}`), &h))
			return &h
		},
	}
}

func mustJSON(t *testing.T, h *results.Histogram) string {
	b, err := json.Marshal(h)
	require.NoError(t, err)
	return string(b)
}

// A frozen histogram answers exactly as the live one: JSON bytes, count, min, max, mean,
// every quantile, and merges in either direction; Record on it thaws it first.
func TestFrozenHistogramEqualsLive(t *testing.T) {
	other := frozenCases(t)["k6-like 3000"]
	for name, mk := range frozenCases(t) {
		t.Run(name, func(t *testing.T) {
			live, frozen := mk(), mk()
			frozen.Freeze()
			frozen.Freeze() // idempotent
			assert.Equal(t, live.Count() > 0, frozen.Frozen(), "only a non-empty histogram has a frozen form")
			assert.Equal(t, mustJSON(t, live), mustJSON(t, frozen))
			assert.Equal(t, live.Count(), frozen.Count())
			assert.Equal(t, live.Min(), frozen.Min())
			assert.Equal(t, live.Max(), frozen.Max())
			assert.Equal(t, live.Mean(), frozen.Mean())
			for q := 0.0; q <= 1.0; q += 0.001 {
				require.Equalf(t, live.Quantile(q), frozen.Quantile(q), "q=%v", q)
			}

			// frozen merged into a live histogram = live merged into it
			a, b := other(), other()
			a.Merge(live)
			b.Merge(frozen)
			assert.Equal(t, mustJSON(t, a), mustJSON(t, b), "merge of a frozen histogram")
			assert.Equal(t, a.Quantile(0.99), b.Quantile(0.99))

			// a live histogram merged into a frozen one (and a frozen into a frozen)
			c, o := mk(), other()
			c.Merge(o)
			d, fo := mk(), other()
			d.Freeze()
			fo.Freeze()
			d.Merge(fo)
			assert.Equal(t, mustJSON(t, c), mustJSON(t, d), "merge into a frozen histogram")
			assert.False(t, d.Frozen() && o.Count() > 0, "merging into it thaws it")

			// Record on a frozen histogram
			live.Record(7.25)
			frozen.Record(7.25)
			assert.False(t, frozen.Frozen())
			assert.Equal(t, mustJSON(t, live), mustJSON(t, frozen))

			// JSON round trip of a frozen histogram
			frozen.Freeze()
			var back results.Histogram
			require.NoError(t, json.Unmarshal([]byte(mustJSON(t, frozen)), &back))
			assert.Equal(t, mustJSON(t, live), mustJSON(t, &back))
		})
	}
}

// BenchmarkWindowRetained reports the heap a finished one-second window's latency histogram
// keeps (B/window), live against frozen, for 3,000 samples a second (the three steps of
// scripts/bench-stream.js at 1,000 iterations/s): wide (lognormal, median 20 ms, about 880
// buckets) and narrow (median 1 ms, σ 0.4, about 370 buckets; a bench run's seconds against
// a local eidsim serve hold a median 162).
func BenchmarkWindowRetained(b *testing.B) {
	const windows, perWindow = 200, 3000
	r := rand.New(rand.NewPCG(5, 6))
	narrow := make([]float64, windows*perWindow)
	for i := range narrow {
		narrow[i] = math.Exp(r.NormFloat64() * 0.4)
	}
	for _, dist := range []struct {
		name    string
		samples []float64
	}{{"wide", lognormal(r, windows*perWindow)}, {"narrow", narrow}} {
		for _, freeze := range []bool{false, true} {
			name := dist.name + "/" + map[bool]string{false: "live", true: "frozen"}[freeze]
			b.Run(name, func(b *testing.B) {
				var total float64
				for range b.N {
					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					hs := make([]*results.Histogram, windows)
					for i := range hs {
						hs[i] = &results.Histogram{}
						for _, v := range dist.samples[i*perWindow : (i+1)*perWindow] {
							hs[i].Record(v)
						}
						if freeze {
							hs[i].Freeze()
						}
					}
					runtime.GC()
					runtime.ReadMemStats(&after)
					total += float64(after.HeapAlloc) - float64(before.HeapAlloc)
					runtime.KeepAlive(hs)
				}
				b.ReportMetric(total/float64(b.N)/windows, "B/window")
			})
		}
	}
}
