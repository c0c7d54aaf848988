package calibrate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/campaign"
)

// smallProblem is the nation (which holds the pooled priors) and one province; all: every
// built-in campaign with evidence.
func smallProblem(t testing.TB, count int, all ...bool) *Problem {
	t.Helper()
	names := []string{"vietnam-2022", "kon-tum-2023"}
	if len(all) > 0 && all[0] {
		names = nil
		for _, n := range campaign.Builtin() {
			c, err := campaign.Load(n)
			require.NoError(t, err)
			if hasEvidence(c) {
				names = append(names, n)
			}
		}
	}
	var cs []*campaign.Campaign
	for _, n := range names {
		c, err := campaign.Load(n)
		require.NoError(t, err)
		cs = append(cs, c)
	}
	p, err := NewProblem(context.Background(), cs, count, 1)
	require.NoError(t, err)
	return p
}

// A small calibration on two real campaigns, end to end: the posterior, its summary, the
// validation (one hold-out per campaign) and the sensitivity indices have their shape.
func TestCalibrationOnRealCampaigns(t *testing.T) {
	p := smallProblem(t, 300)
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
	require.Len(t, v.Holdouts, 2, "kon-tum left out, and the national time split")
	assert.Contains(t, v.Holdouts[0].Name, "after "+NationalSplit)
	held := 0
	for _, pt := range p.Points {
		if pt.Campaign == "kon-tum-2023" || (pt.Date > NationalSplit && pt.Date <= NationalHorizon) {
			held++
		}
	}
	assert.Equal(t, held, v.Points, "kon-tum's points and the national points of the time split are held out")
	assert.NotEmpty(t, v.Worst)
	require.Len(t, sum.Sensitivity, len(p.Outputs))
	assert.Len(t, sum.Sensitivity[0].Indices, len(p.Space))
}
