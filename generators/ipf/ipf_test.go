package ipf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFitTwoWayKeepsOddsRatio(t *testing.T) {
	// 2x2 seed with odds ratio 4, fitted to margins 0.3 / 0.6.
	tb := NewTable(2, 2)
	tb.Cells = []float64{4, 1, 1, 1}
	rows := Control{Name: "row", Group: func(c []int) int { return c[0] }, Targets: []float64{0.3, 0.7}}
	cols := Control{Name: "col", Group: func(c []int) int { return c[1] }, Targets: []float64{0.6, 0.4}}
	res, err := Fit(tb, []Control{rows, cols}, 200, 1e-10)
	require.NoError(t, err)
	assert.True(t, res.Converged)
	assert.InDeltaSlice(t, []float64{0.3, 0.7}, Margins(tb, rows), 1e-9)
	assert.InDeltaSlice(t, []float64{0.6, 0.4}, Margins(tb, cols), 1e-9)
	c := tb.Cells
	assert.InDelta(t, 4.0, c[0]*c[3]/(c[1]*c[2]), 1e-6)
}

func TestConditionalControlAndStructuralZero(t *testing.T) {
	// dims: has phone (0 no, 1 yes) x owner (0 no, 1 yes); no phone → owner impossible.
	tb := NewTable(2, 2)
	tb.Cells = []float64{1, 0, 1, 1}
	phone := Control{Name: "phone", Group: func(c []int) int { return c[0] }, Targets: []float64{0.2, 0.8}}
	owner := Control{Name: "owner", Group: func(c []int) int {
		if c[0] == 0 {
			return -1
		}
		return c[1]
	}, Targets: []float64{0.8 * 0.3, 0.8 * 0.7}}
	_, err := Fit(tb, []Control{phone, owner}, 100, 1e-12)
	require.NoError(t, err)
	assert.Zero(t, tb.Cells[1])
	assert.InDelta(t, 0.56, tb.Cells[3], 1e-9)
}

func TestImpossibleControl(t *testing.T) {
	tb := NewTable(2)
	tb.Cells = []float64{1, 0}
	_, err := Fit(tb, []Control{{Name: "x", Labels: []string{"a", "b"}, Group: func(c []int) int { return c[0] }, Targets: []float64{0.5, 0.5}}}, 10, 1e-9)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x category b")
}

func TestIndexCoordRoundTrip(t *testing.T) {
	tb := NewTable(2, 3, 4)
	c := make([]int, 3)
	for i := range tb.Cells {
		tb.Coord(i, c)
		assert.Equal(t, i, tb.Index(c...))
	}
}
