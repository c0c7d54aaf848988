package intraday

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCurves(t *testing.T) {
	for _, f := range Flows {
		c, err := Of(f)
		require.NoError(t, err, f)
		var sum float64
		for _, s := range c.Shares() {
			sum += s
		}
		assert.InDelta(t, 1, sum, 1e-12, f)
		assert.InDelta(t, 24, c.Weight(0, 24), 1e-9, f)
		assert.NotEmpty(t, c.Source)
	}
	_, err := Of("teleport")
	assert.ErrorContains(t, err, `unknown flow "teleport"`)
	// The evening peak is the busiest hour of the home curve.
	h, _ := Of(Login)
	sh := h.Shares()
	assert.Greater(t, sh[19], sh[10])
	c, _ := Of(CounterEnrolment)
	assert.Zero(t, c.Shares()[12], "counters close for lunch")
}

func TestDraw(t *testing.T) {
	c, _ := Of(Login)
	for _, tc := range []struct{ from, to float64 }{{0, 24}, {16, 24}, {0, 0.5}, {19.25, 20.75}} {
		var hist [24]int
		for i := range 10000 {
			h := c.Draw(tc.from, tc.to, (float64(i)+0.5)/10000)
			require.GreaterOrEqual(t, h, tc.from)
			require.Less(t, h, tc.to)
			hist[int(h)]++
		}
		// Each hour gets its share of the window's weight.
		for hr := int(tc.from); hr < 24 && float64(hr) < tc.to; hr++ {
			want := c.Weight(max(tc.from, float64(hr)), min(tc.to, float64(hr+1))) / c.Weight(tc.from, tc.to)
			assert.InDelta(t, want, float64(hist[hr])/10000, 0.002, "window %v hour %d", tc, hr)
		}
	}
	cc, _ := Of(CounterEnrolment)
	assert.Equal(t, 20.0, cc.Draw(20, 22, 0.5), "no weight: the window's start")
}
