package calibrate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without y2 the posterior of μ is N(y1, σ²) instead of N(ȳ, σ²/2): the predictive band of
// y2 must widen, and centre on y1.
func TestBandsWidenWhenDataAreRemoved(t *testing.T) {
	st, err := NewState(toyConfig(200, 6))
	require.NoError(t, err)
	st, err = Run(context.Background(), st, normalMean{sigma: 50}, 2, nil, nil)
	require.NoError(t, err)
	flo, fmed, fhi := Interval(st, nil, 1)
	rlo, rmed, rhi := Interval(st, []bool{true, false}, 1)
	t.Logf("y2 with all data %.0f [%.0f, %.0f]; without y2 %.0f [%.0f, %.0f]", fmed, flo, fhi, rmed, rlo, rhi)
	assert.Greater(t, rhi-rlo, 1.1*(fhi-flo), "the band without y2 is wider")
	assert.InDelta(t, 1000, rmed, 25, "without y2 the prediction centres on y1")
	assert.Less(t, Refit(st, []bool{true, false}).ess(), float64(st.Config.Particles)+1e-9)
}
