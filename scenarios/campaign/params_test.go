package campaign

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/evidence"
)

func TestParamSpaceWellFormed(t *testing.T) {
	def := DefaultBehaviour()
	seen := map[string]bool{}
	for _, p := range ParamSpace() {
		assert.False(t, seen[p.Name], "%s twice", p.Name)
		seen[p.Name] = true
		assert.Less(t, p.Lo, p.Hi, p.Name)
		assert.NotEmpty(t, p.Meaning, p.Name)
		if p.Share {
			assert.True(t, p.Lo >= 0 && p.Hi <= 1, p.Name)
		}
		v := p.Get(&def)
		assert.True(t, v >= p.Lo && v <= p.Hi, "default %s = %v outside [%v, %v]", p.Name, v, p.Lo, p.Hi)
	}
	// Every national event's parameter is calibratable.
	ev, err := evidence.BuiltinEvents()
	require.NoError(t, err)
	for _, e := range ev.Events {
		assert.True(t, seen[e.Param], "event %s: parameter %s is not in ParamSpace", e.ID, e.Param)
	}
}

func TestWithParams(t *testing.T) {
	c := tinyCampaign(t)
	cases := []struct {
		name string
		p    map[string]float64
		want string
	}{
		{"sets", map[string]float64{"bass_p": 0.7, "counter_activation_share": 0.4}, ""},
		{"unknown", map[string]float64{"bass_r": 1}, `parameter "bass_r" is unknown`},
		{"above bound", map[string]float64{"upgrade_share": 1.2}, "parameter upgrade_share: 1.2 is outside its bounds [0, 1]"},
		{"below bound", map[string]float64{"activation_rate": 0}, "parameter activation_rate: 0 is outside"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := c.Params()
			got, err := c.WithParams(tc.p)
			assert.Equal(t, before, c.Params(), "the original is unchanged")
			if tc.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				return
			}
			require.NoError(t, err)
			for k, v := range tc.p {
				assert.Equal(t, v, got.Params()[k], k)
			}
		})
	}
}

func TestPriorQuantiles(t *testing.T) {
	u := Prior{Param: "bass_p", Dist: DistUniform, Lo: 1, Hi: 3}
	l := Prior{Param: "bass_p", Dist: DistLogUniform, Lo: 1, Hi: 100}
	assert.InDelta(t, 2, u.Median(), 1e-12)
	assert.InDelta(t, 10, l.Median(), 1e-9)
	assert.InDelta(t, 1, l.Quantile(0), 1e-9)
	assert.InDelta(t, 100, l.Quantile(1), 1e-9)
}

// Predict reads the point's metric on its date at full scale, like for like.
func TestPredictLikeForLike(t *testing.T) {
	r := &Result{Scale: 0.01, Daily: []DayStats{
		{Date: "2022-11-06"},
		{Date: "2022-11-07", Profiles: 100, Activated: 30, Level2: 20, ApprovedLevel1: 5, ApprovedLevel2: 80, Rejected: 1},
	}}
	pt := func(metric string) evidence.Point {
		return evidence.Point{ID: "x", Date: evidence.Date{Time: mustDate("2022-11-07")}, Metric: metric}
	}
	for metric, want := range map[string]float64{
		evidence.Dossiers: 10500, evidence.ProfilesLevel2: 10000, evidence.Approved: 8500, evidence.ApprovedLevel1: 500,
		evidence.ApprovedLevel2: 8000, evidence.Rejected: 100, evidence.Activated: 3000, evidence.ActivatedLevel1: 1000,
		evidence.ActivatedLevel2: 2000,
	} {
		got, err := Predict(r, pt(metric))
		require.NoError(t, err, metric)
		assert.InDelta(t, want, got, 1e-6, metric)
	}
	p := pt(evidence.Activated)
	p.Date = evidence.Date{Time: mustDate("2023-01-01")}
	_, err := Predict(r, p)
	assert.ErrorContains(t, err, "not a simulated day")
}

func TestEvidenceBecomesReported(t *testing.T) {
	c, err := Load("dien-bien-2023")
	require.NoError(t, err)
	assert.Equal(t, evidence.AreaDienBien, c.EvidenceArea())
	pts, err := c.EvidencePoints()
	require.NoError(t, err)
	require.NotEmpty(t, pts)
	ids := map[string]bool{}
	for _, r := range c.Reported {
		ids[r.ID] = true
	}
	for _, p := range pts {
		assert.True(t, ids[p.ID], "%s is compared in the summary", p.ID)
	}
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// One's own reported figures stay beside the evidence area's.
func TestOwnReportedBesideEvidence(t *testing.T) {
	c, err := Parse([]byte("population: {profile: kon-tum}\nstart: 2023-02-23\ndays: 160\nevidence: kon-tum\n"+
		"reported:\n  - {date: 2023-06-30, metric: activated, value: 90000, source: my survey}\n"), "mine.yaml")
	require.NoError(t, err)
	var own, ev int
	for _, r := range c.Reported {
		if r.ID == "" {
			own++
			assert.Equal(t, "my survey", r.Source)
		} else {
			ev++
		}
	}
	assert.Equal(t, 1, own)
	assert.Equal(t, 3, ev, "Kon Tum's three evidence points")
}
