package calibrate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/campaign"
)

func smallProblem(t testing.TB, count int) *Problem {
	t.Helper()
	var cs []*campaign.Campaign
	for _, n := range []string{"dien-bien-2023", "kon-tum-2023"} {
		c, err := campaign.Load(n)
		require.NoError(t, err)
		cs = append(cs, c)
	}
	p, err := NewProblem(cs, count, 1)
	require.NoError(t, err)
	return p
}

// A small calibration on two real campaigns, end to end: the posterior, its summary, the
// validation (one hold-out per campaign) and the sensitivity indices have their shape.
func TestCalibrationOnRealCampaigns(t *testing.T) {
	p := smallProblem(t, 400)
	st, err := NewState(p.Config(8, 1, 0, 5))
	require.NoError(t, err)
	st, err = Run(context.Background(), st, p, 2, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, 16+8, st.Runs())

	post := Posterior(p, st)
	require.NoError(t, post.Check())
	assert.Equal(t, p.Space.Names(), post.Params)
	assert.Len(t, post.Campaigns, 2)
	assert.NotEmpty(t, post.Campaigns[0].SHA256)

	sum := Summarise(p, st)
	assert.Len(t, sum.Params, len(p.Space))
	assert.Len(t, sum.Correlation, len(p.Space))
	for i := range sum.Correlation {
		assert.InDelta(t, 1, sum.Correlation[i][i], 1e-9)
	}
	assert.Len(t, sum.Fit, len(p.Points))
	v := Validate(p, st)
	assert.Len(t, v.Holdouts, 2)
	assert.Equal(t, len(p.Points), v.Points, "every point is held out once")
	assert.NotEmpty(t, v.Worst)
	require.Len(t, sum.Sensitivity, len(p.Outputs))
	assert.Len(t, sum.Sensitivity[0].Indices, len(p.Space))
}
