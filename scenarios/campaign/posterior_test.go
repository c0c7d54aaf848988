package campaign

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/evidence"
)

// The shipped posterior must be of this model: a change of the parameters or of the evidence
// without a refit (make posterior) fails here.
func TestDefaultPosteriorMatchesTheModel(t *testing.T) {
	p, err := DefaultPosterior()
	require.NoError(t, err)
	// The pooled priors of the built-in campaigns, in ParamSpace order, are what a refit
	// would calibrate.
	given := map[string]bool{}
	for _, n := range Builtin() {
		c, err := Load(n)
		require.NoError(t, err)
		for _, pr := range c.Priors {
			given[pr.Param] = true
		}
	}
	var want []string
	for _, ps := range ParamSpace() {
		if given[ps.Name] {
			want = append(want, ps.Name)
		}
	}
	assert.Equal(t, want, p.Params, "the shipped posterior's parameters are the model's calibrated parameters (refit: make posterior)")
	tb, err := evidence.Builtin()
	require.NoError(t, err)
	assert.Equal(t, tb.Version, p.EvidenceVersion, "the shipped posterior was fitted on this evidence version (refit: make posterior)")
	var sum float64
	for _, w := range p.Weights {
		sum += w
	}
	assert.InDelta(t, 1, sum, 1e-9)
}

func TestPosteriorDrawIsDeterministicAndFollowsWeights(t *testing.T) {
	p := &Posterior{Format: PosteriorFormat, Params: []string{"bass_p"}, Particles: [][]float64{{1}, {2}}, Weights: []float64{0.9, 0.1}}
	require.NoError(t, p.Check())
	n := map[int]int{}
	for r := range 2000 {
		i := p.Draw(7, r)
		assert.Equal(t, i, p.Draw(7, r))
		n[i]++
	}
	assert.InDelta(t, 1800, n[0], 80)
}

func TestReplicasDrawTheirParametersFromThePosterior(t *testing.T) {
	c, err := Load("testdata/minimal.yaml")
	require.NoError(t, err)
	w, err := PrepareWorld(c, 200, 1)
	require.NoError(t, err)
	// Two particles far apart: replicas on the slow one adopt far less.
	p := &Posterior{Format: PosteriorFormat, Params: []string{"bass_p", "bass_q"}, Particles: [][]float64{{0.01, 0.01}, {8, 5}},
		Weights: []float64{0.5, 0.5}}
	rs, err := RunReplicas(context.Background(), c, w, 3, 8, 2, WithPosterior(p))
	require.NoError(t, err)
	again, err := RunReplicas(context.Background(), c, w, 3, 8, 1, WithPosterior(p))
	require.NoError(t, err)
	for r := range rs {
		end := rs[r].Daily[len(rs[r].Daily)-1].Profiles
		assert.Equal(t, end, again[r].Daily[len(again[r].Daily)-1].Profiles, "replica %d same for any workers", r)
		if p.Draw(3, r) == 0 {
			assert.Less(t, end, 40, "replica %d on the slow particle", r)
		} else {
			assert.Greater(t, end, 40, "replica %d on the fast particle", r)
		}
	}
}

func TestSetsParamsTellsWhichCampaignsRunOnThePosterior(t *testing.T) {
	p := &Posterior{Params: []string{"bass_p", "bass_q"}}
	dir := t.TempDir()
	for _, tc := range []struct {
		body string
		want bool
	}{
		{"name: x\nbehaviour:\n  bass_q: 2\n", true},
		{"name: x\nbehaviour:\n  patience: 2\n", false},
		{"name: x\n", false},
	} {
		path := filepath.Join(dir, "c.yaml")
		require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o644))
		got, err := p.SetsParams(&Campaign{File: path})
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, tc.body)
	}
	got, err := p.SetsParams(&Campaign{File: "builtin:dien-bien-2023"})
	require.NoError(t, err)
	assert.False(t, got, "dien-bien-2023 sets none of them: it runs on the posterior")
}
