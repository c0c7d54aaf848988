package campaign

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
)

func smartOwners(n int) []population.Record {
	var pop []population.Record
	for i := range n {
		pop = append(pop, person(i, population.HandsetSmartphone, true, population.Coverage4G))
	}
	return pop
}

func lastDay(r *Result) DayStats { return r.Daily[len(r.Daily)-1] }

// An account exists for its holder only once the ministry approves the dossier: with the
// pipeline at its smallest capacity nobody activates a level-2 account, with it open they do.
func TestActivationWaitsForApproval(t *testing.T) {
	pop := smartOwners(40)
	c := tinyCampaign(t)
	slow, err := c.WithParams(map[string]float64{"approval_per_day": 1e4})
	require.NoError(t, err)
	r := runOne(t, slow, pop)
	last := lastDay(r)
	assert.Positive(t, last.Profiles, "dossiers are taken at the counter")
	assert.Zero(t, last.ApprovedLevel2)
	assert.Zero(t, last.Level2, "no level-2 activation before approval")
	assert.Positive(t, last.ApprovalQueue)
	assert.Positive(t, outcomes(r)["awaiting_approval/none"], "%v", outcomes(r))

	fast := lastDay(runOne(t, c, pop))
	assert.Equal(t, fast.Profiles, fast.ApprovedLevel2, "an open pipeline approves every dossier")
	assert.Positive(t, fast.Level2)
}

// The ministry rejects rejection_share of new dossiers; their holders come back to a counter.
func TestRejectedDossiersComeBack(t *testing.T) {
	pop := smartOwners(60)
	c := tinyCampaign(t)
	c.Behaviour.RejectionShare = 0.2
	last := lastDay(runOne(t, c, pop))
	assert.Positive(t, last.Rejected)
	assert.Greater(t, last.Profiles, last.ApprovedLevel2, "a rejected dossier is taken again")
}

// Before the app's launch nobody registers at level 1 or activates; counters take dossiers.
func TestNothingActivatesBeforeTheAppLaunch(t *testing.T) {
	pop := smartOwners(40)
	c := tinyCampaign(t)
	c.Start = Date{time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)}
	c.Days = 60 // to 30 Jun 2022
	c.Deadlines = nil
	c.Interventions = Interventions{}
	c.Behaviour.SelfRegisterShare = 1
	c.Behaviour.CounterActivationShare = 1
	last := lastDay(runOne(t, c, pop))
	assert.Positive(t, last.Profiles)
	assert.Zero(t, last.Activated)
	assert.Zero(t, last.ApprovedLevel1)
}

// The pressure series: outreach multiplies the national events, a drive fades after its end
// date with the half-life, need grows from the launch.
func TestPressureSeries(t *testing.T) {
	c := tinyCampaign(t)
	c.Start = Date{time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)}
	c.Days = 200
	c.Deadlines = nil
	c.Outreach = []Outreach{{Kind: "media", From: Date{time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)},
		To: Date{time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC)}, Intensity: 1}}
	c.Behaviour.PressureDirective05 = 4
	c.Behaviour.PressureOnDecision = 0.5
	c.Behaviour.NeedGrowthPerYear = 0
	c.Behaviour.PressureHalfLifeDays = 30
	s := &sim{c: c}
	require.NoError(t, s.pressureSeries())
	day := func(y int, m time.Month, d int) int {
		return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(c.Start.Time).Hours() / 24)
	}
	assert.InDelta(t, 1, s.mult[day(2023, 2, 10)], 1e-9, "before the directive")
	assert.InDelta(t, 5, s.mult[day(2023, 2, 23)], 1e-9, "the directive: 1 + 4")
	assert.InDelta(t, 10, s.mult[day(2023, 3, 10)], 1e-9, "outreach doubles it")
	assert.InDelta(t, 2*3, s.multDec[day(2023, 3, 10)], 1e-9, "decisions: outreach × (1 + 0.5 × 4)")
	assert.InDelta(t, 1+4*0.5, s.mult[day(2023, 7, 30)], 1e-9, "30 days after 30 Jun: half the pressure")
	c.Behaviour.PressureHalfLifeDays = 0
	require.NoError(t, s.pressureSeries())
	assert.InDelta(t, 1, s.mult[day(2023, 7, 1)], 1e-9, "without a half-life it stops at once")
	c.Behaviour.NeedGrowthPerYear = 1
	require.NoError(t, s.pressureSeries())
	years := time.Date(2023, 2, 10, 0, 0, 0, 0, time.UTC).Sub(appLaunch()).Hours() / 24 / 365.25
	assert.InDelta(t, 1+years, s.mult[day(2023, 2, 10)], 1e-9, "need grows from the launch")
}

// need: urban residents and people aged 60+ get their multipliers.
func TestNeedMultipliers(t *testing.T) {
	c := tinyCampaign(t)
	c.Behaviour.NeedUrban, c.Behaviour.NeedOld = 2, 0.5
	s := &sim{c: c}
	assert.InDelta(t, 1, s.need(&citizen{}), 1e-12)
	assert.InDelta(t, 2, s.need(&citizen{urban: true}), 1e-12)
	assert.InDelta(t, 1, s.need(&citizen{urban: true, ageBand: 4}), 1e-12)
}
