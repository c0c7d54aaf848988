package campaign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
)

// person builds a population record with the barriers asked for.
func person(i int, handset string, owner bool, coverage string) population.Record {
	pw := true
	r := population.Record{CitizenID: fmt.Sprintf("011090%06d", i), FullName: fmt.Sprintf("Lò Văn %d", i), Sex: "M",
		BirthDate: "1990-05-06", ProvinceCode: "011", Ethnicity: "Thai", Handset: handset, Coverage: coverage,
		VillageID: fmt.Sprintf("v%d", i%4), Power: &pw, ChipCard: true,
		Traits: &population.Traits{ForgetPerYear: 0, TypoRate: 0, Patience: 3, BiometricQuality: 0.95}}
	if handset != population.HandsetNone {
		r.SIM = population.SIM{Phone: fmt.Sprintf("0912%06d", i), OwnerRegistered: owner, Carrier: "VinaPhone"}
	}
	return r
}

func tinyCampaign(t *testing.T) *Campaign {
	t.Helper()
	c, err := Load("testdata/minimal.yaml")
	require.NoError(t, err)
	return c
}

// outcomes counts the "all" funnel by outcome/cause.
func outcomes(r *Result) map[string]int {
	m := map[string]int{}
	for _, f := range r.Funnel {
		if f.Dimension == "all" {
			m[f.Outcome+"/"+f.Cause] += f.Count
		}
	}
	return m
}

func runOne(t *testing.T, c *Campaign, pop []population.Record) *Result {
	t.Helper()
	r, err := Run(context.Background(), c, pop, 1, 7, 0)
	require.NoError(t, err)
	return r
}

// Barriers come from the flows: a SIM in someone else's name stops enrolment until free SIMs
// arrive; without them the citizen stays blocked with phone_not_owner's cause.
func TestNonOwnerSIMNeedsFreeSIM(t *testing.T) {
	var pop []population.Record
	for i := range 40 {
		pop = append(pop, person(i, population.HandsetSmartphone, false, population.Coverage4G))
	}
	c := tinyCampaign(t)
	with := outcomes(runOne(t, c, pop))
	noSIMs, err := Without(c, []string{"free_sims"})
	require.NoError(t, err)
	without := outcomes(runOne(t, noSIMs, pop))
	assert.Positive(t, without["blocked/non_owner_sim"], "%v", without)
	assert.Zero(t, without["active_level2/none"]+without["active_level1/none"], "%v", without)
	assert.Positive(t, with["active_level2/none"]+with["pending_activation/none"], "%v", with)
}

// People without a smartphone get a profile at the counter but activate only through a web
// activation team (the OTP goes to their feature phone).
func TestFeaturePhoneNeedsWebTeam(t *testing.T) {
	var pop []population.Record
	for i := range 40 {
		pop = append(pop, person(i, population.HandsetFeature, true, population.Coverage4G))
	}
	c := tinyCampaign(t)
	r := runOne(t, c, pop)
	assert.Positive(t, outcomes(r)["active_level2/none"], "%v", outcomes(r))
	noWeb, err := Without(c, []string{"web_activation"})
	require.NoError(t, err)
	o := outcomes(runOne(t, noWeb, pop))
	assert.Positive(t, o["pending_activation/no_smartphone"], "%v", o)
	assert.Zero(t, o["active_level2/none"], "%v", o)
}

// In a village without coverage the activation OTP is held at the SMSC and expires: the
// first try at home fails with no_coverage; a later try in town succeeds.
func TestNoCoverageOTPExpires(t *testing.T) {
	var pop []population.Record
	for i := range 30 {
		pop = append(pop, person(i, population.HandsetSmartphone, true, population.CoverageNone))
	}
	c := tinyCampaign(t)
	c.Behaviour.CounterActivationShare = 0
	c.Behaviour.SelfRegisterShare = 0
	c.Behaviour.ActivationDelayDays = 1
	r := runOne(t, c, pop)
	var nocov, expired int64
	for _, d := range r.Daily {
		nocov += int64(d.Failures[causeNoCoverage])
		expired += d.SMSExpired
	}
	assert.Positive(t, nocov)
	assert.Positive(t, expired, "the telco expired held OTPs")
}

// A full counter queue sends people away: with almost no kits, citizens give up.
func TestCounterQueuePatience(t *testing.T) {
	var pop []population.Record
	for i := range 200 {
		pop = append(pop, person(i, population.HandsetFeature, true, population.Coverage4G))
	}
	c := tinyCampaign(t)
	c.Counters.Kits = 1
	c.Counters.HoursPerDay = 0.5
	c.Behaviour.BassP = 300 // everybody wants to go at once
	r := runOne(t, c, pop)
	var gaveUp int
	for _, d := range r.Daily {
		gaveUp += d.CounterGaveUp
	}
	assert.Positive(t, gaveUp)
}

// Same seed → the same bytes of the daily series for any number of workers.
func TestDeterministicAcrossWorkers(t *testing.T) {
	c := tinyCampaign(t)
	w, err := PrepareWorld(c, 0, 3)
	require.NoError(t, err)
	daily := func(workers int) []byte {
		rs, err := RunReplicas(context.Background(), c, w, 3, 3, workers)
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, WriteDaily(&b, rs))
		require.NoError(t, WriteFunnel(&b, Funnel(rs)))
		return b.Bytes()
	}
	one, two := daily(1), daily(2)
	assert.Equal(t, one, two)
	// and replicas differ from one another
	rs, err := RunReplicas(context.Background(), c, w, 3, 2, 2)
	require.NoError(t, err)
	assert.NotEqual(t, rs[0].Daily, rs[1].Daily)
}

func TestSummaryAndCapacity(t *testing.T) {
	c := tinyCampaign(t)
	w, err := PrepareWorld(c, 0, 1)
	require.NoError(t, err)
	rs, err := RunReplicas(context.Background(), c, w, 1, 2, 2)
	require.NoError(t, err)
	sm := Summarise(c, rs, 1)
	require.Len(t, sm.Deadlines, 1)
	assert.Equal(t, 2, sm.End[MetricProfiles].N)
	assert.LessOrEqual(t, sm.End[MetricProfiles].CILow, sm.End[MetricProfiles].Mean)

	// Capacity: the search's answer meets the target and one kit fewer does not. The target is
	// 90% of what the campaign's own kits reach.
	c.Deadlines[0].Target = int(0.9 * sm.Deadlines[0].AtDeadline.Mean)
	res, err := SearchCapacity(context.Background(), c, w, 1, 2, 2, LeverKits, 0, nil)
	require.NoError(t, err)
	require.True(t, res.Found, "%+v", res)
	assert.LessOrEqual(t, res.Answer, float64(c.Counters.Kits))
	for _, p := range res.Probes {
		if p.Value == res.Answer {
			assert.True(t, p.Met)
		}
		if p.Value == res.Answer-1 {
			assert.False(t, p.Met)
		}
	}
}

// A throttled SMS gateway refuses OTPs: flows fail with unavailable and activation drops.
func TestSMSThrottleLimitsActivation(t *testing.T) {
	var pop []population.Record
	for i := range 60 {
		pop = append(pop, person(i, population.HandsetSmartphone, true, population.Coverage4G))
	}
	c := tinyCampaign(t)
	free := runOne(t, c, pop)
	c.SMS.RatePerSecond = 0.00002 // one token per carrier every ~14 hours
	slow := runOne(t, c, pop)
	last := func(r *Result) DayStats { return r.Daily[len(r.Daily)-1] }
	var refused int
	var throttled int64
	for _, d := range slow.Daily {
		refused += d.Failures[causeSMSUnavailable]
		throttled += d.SMSThrottled
	}
	assert.Positive(t, refused)
	assert.Positive(t, throttled)
	assert.Less(t, last(slow).Activated, last(free).Activated)
}

// A campaign may run on a population file (relative to the campaign file); accounts in it are
// held from the start.
func TestPopulationFile(t *testing.T) {
	dir := t.TempDir()
	var lines []byte
	for i := range 30 {
		r := person(i, population.HandsetSmartphone, true, population.Coverage4G)
		if i < 5 {
			r.Account = &population.Account{Level: 2, Phone: r.SIM.Phone, Password: "Abc!12345", DeviceID: "d"}
		}
		b, err := json.Marshal(r)
		require.NoError(t, err)
		lines = append(append(lines, b...), '\n')
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pop.jsonl"), lines, 0o644))
	camp := "name: f\npopulation:\n  file: pop.jsonl\n  real_adults: 300\nstart: 2023-01-01\ndays: 20\nbehaviour: {bass_p: 5}\ncounters: {kits: 700}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(camp), 0o644))
	c, err := Load(filepath.Join(dir, "c.yaml"))
	require.NoError(t, err)
	w, err := PrepareWorld(c, 0, 1)
	require.NoError(t, err)
	assert.Len(t, w.Pop, 30)
	assert.InDelta(t, 0.1, w.Scale, 1e-9)
	rs, err := RunReplicas(context.Background(), c, w, 1, 1, 1)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, rs[0].Daily[0].Activated, 0)
	assert.GreaterOrEqual(t, outcomes(rs[0])["active_level2/none"], 5, "the accounts held at the start stay active")
}
