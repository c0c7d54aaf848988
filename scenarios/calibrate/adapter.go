package calibrate

// This file is the seam between the calibration and the campaign model: the parameters and
// their priors, setting them on a campaign, the evidence a campaign is compared with, and the
// model's value for an evidence point.

import (
	"fmt"
	"strings"

	"github.com/eidsim/eidsim/scenarios/campaign"
)

// evidenceVersion is the version of the evidence the points come from.
func evidenceVersion() int { return 0 }

// defaultPriors are the priors used until the campaign files carry their own.
var defaultPriors = Space{
	{Name: "bass_p", Dist: LogUniform, Lo: 0.1, Hi: 10, Meaning: "Bass innovation coefficient per year"},
	{Name: "bass_q", Dist: LogUniform, Lo: 0.3, Hi: 20, Meaning: "Bass imitation coefficient per year"},
	{Name: "activation_delay_days", Dist: LogUniform, Lo: 3, Hi: 400, Meaning: "mean days from enrolment to the first activation try"},
	{Name: "self_register_share", Dist: Uniform, Lo: 0, Hi: 1, Meaning: "share of able deciders who try level 1 in the app first"},
	{Name: "upgrade_share", Dist: Uniform, Lo: 0, Hi: 1, Meaning: "share of level-1 holders who later go for level 2"},
	{Name: "counter_activation_share", Dist: Uniform, Lo: 0, Hi: 1, Meaning: "share of enrolled smartphone holders activated on the spot"},
}

// priorsFor returns the pooled priors of the campaigns.
func priorsFor(cs []*campaign.Campaign) (Space, error) { return defaultPriors, nil }

// withValues returns a copy of c with the parameters set.
func withValues(c *campaign.Campaign, v map[string]float64) (*campaign.Campaign, error) {
	cp := *c
	b := &cp.Behaviour
	for n, x := range v {
		switch n {
		case "bass_p":
			b.BassP = x
		case "bass_q":
			b.BassQ = x
		case "activation_delay_days":
			b.ActivationDelayDays = x
		case "self_register_share":
			b.SelfRegisterShare = x
		case "upgrade_share":
			b.UpgradeShare = x
		case "counter_activation_share":
			b.CounterActivationShare = x
		case "standardise_share":
			b.StandardiseShare = x
		default:
			return nil, fmt.Errorf("parameter %q is not a parameter of the model", n)
		}
	}
	return &cp, nil
}

// pointsFor returns the evidence points campaign c is compared with.
func pointsFor(c *campaign.Campaign) ([]Point, error) {
	var out []Point
	for _, r := range c.Reported {
		out = append(out, Point{ID: fmt.Sprintf("%s-%s-%s", c.Name, r.Date, r.Metric), Area: c.Name, Date: r.Date.String(),
			Metric: r.Metric, Kind: "count", Value: float64(r.Value), Source: r.Source})
	}
	return out, nil
}

// predict is the model's value (at full scale) for point p in run r.
func predict(r *campaign.Result, p Point) (float64, error) {
	for i := range r.Daily {
		if r.Daily[i].Date == p.Date {
			return float64(metricValue(&r.Daily[i], p.Metric)) / r.Scale, nil
		}
	}
	return 0, fmt.Errorf("point %s: %s is not a simulated day", p.ID, p.Date)
}

func metricValue(d *campaign.DayStats, m string) int {
	switch m {
	case campaign.MetricProfiles:
		return d.Profiles
	case campaign.MetricActivated:
		return d.Activated
	case campaign.MetricLevel2:
		return d.Level2
	}
	return 0
}

// Metrics of the activated share: activated accounts over collected dossiers.
const (
	shareNumerator   = campaign.MetricActivated
	shareDenominator = campaign.MetricProfiles
)

// dayValue is a metric's value (simulated counts) on day i of r.
func dayValue(r *campaign.Result, i int, metric string) float64 {
	return float64(metricValue(&r.Daily[i], metric))
}

// national reports whether campaign k is the nation (its evidence is the national series).
func (p *Problem) national(k int) bool { return strings.HasPrefix(p.Campaigns[k].Name, "vietnam") }
