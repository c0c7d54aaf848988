package calibrate

// This file is the seam between the calibration and the campaign model: the parameters and
// their priors (the campaign files' priors blocks, inside ParamSpace's hard bounds), setting
// them on a campaign (WithParams), the evidence a campaign is compared with (its evidence
// area's points within its simulated days) and the model's value for a point (Predict).

import (
	"fmt"
	"strings"

	"github.com/eidsim/eidsim/scenarios/campaign"
	"github.com/eidsim/eidsim/scenarios/evidence"
)

// evidenceVersion is the version of the built-in evidence table.
func evidenceVersion() int {
	tb, err := evidence.Builtin()
	if err != nil {
		return 0
	}
	return tb.Version
}

// Priors returns the pooled priors of the campaigns, in ParamSpace order: the union of their
// priors blocks (the national file holds them; a province may omit them). When none of them
// has a priors block, those of the built-in campaigns (vietnam-2022) are used. Two files
// giving one parameter different priors is an error naming both.
func Priors(cs []*campaign.Campaign) (Space, error) {
	for _, c := range cs {
		if len(c.Priors) > 0 {
			return priorsFor(cs)
		}
	}
	var builtin []*campaign.Campaign
	for _, n := range campaign.Builtin() {
		if c, err := campaign.Load(n); err == nil && len(c.Priors) > 0 {
			builtin = append(builtin, c)
		}
	}
	sp, err := priorsFor(append(builtin, cs...))
	if err != nil {
		return nil, err
	}
	return sp, nil
}

func priorsFor(cs []*campaign.Campaign) (Space, error) {
	type src struct {
		p    campaign.Prior
		file string
	}
	given := map[string]src{}
	for _, c := range cs {
		for _, p := range c.Priors {
			if o, ok := given[p.Param]; ok && (o.p.Dist != p.Dist || o.p.Lo != p.Lo || o.p.Hi != p.Hi) {
				return nil, fmt.Errorf("prior of %s: %s gives %s %v–%v, %s gives %s %v–%v (pooled parameters need one prior)",
					p.Param, o.file, o.p.Dist, o.p.Lo, o.p.Hi, c.File, p.Dist, p.Lo, p.Hi)
			}
			given[p.Param] = src{p, c.File}
		}
	}
	var sp Space
	for _, ps := range campaign.ParamSpace() {
		if g, ok := given[ps.Name]; ok {
			sp = append(sp, Param{Name: ps.Name, Dist: g.p.Dist, Lo: g.p.Lo, Hi: g.p.Hi, Meaning: ps.Meaning})
		}
	}
	if len(sp) == 0 {
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		return nil, fmt.Errorf("none of %s has a priors: block (the national campaign, e.g. vietnam-2022, holds the pooled priors)", strings.Join(names, ", "))
	}
	return sp, sp.Check()
}

// withValues returns a copy of c with the parameters set.
func withValues(c *campaign.Campaign, v map[string]float64) (*campaign.Campaign, error) {
	return c.WithParams(v)
}

// pointsFor returns the evidence points campaign c is compared with.
func pointsFor(c *campaign.Campaign) ([]Point, error) {
	pts, err := c.EvidencePoints()
	if err != nil {
		return nil, err
	}
	out := make([]Point, len(pts))
	for i, p := range pts {
		out[i] = Point{ID: p.ID, Area: p.Area, Date: p.Date.String(), Metric: p.Metric, Kind: p.Kind, Value: float64(p.Value),
			Source: p.Source, ev: p}
	}
	return out, nil
}

// predict is the model's value (at full scale) for point p in run r.
func predict(r *campaign.Result, p Point) (float64, error) { return campaign.Predict(r, p.ev) }

// The activated share: activated accounts over e-ID dossiers received (levels 1 and 2), or
// over level-2 counter dossiers where an area reports only those.
var (
	shareNumerator    = evidence.Activated
	shareDenominators = []string{evidence.Dossiers, evidence.ProfilesLevel2}
)

// dayValue is a metric's value (simulated counts) on day i of r.
func dayValue(r *campaign.Result, i int, metric string) float64 {
	v, _ := campaign.MetricValue(&r.Daily[i], metric)
	return float64(v)
}

// national reports whether campaign k is the nation (its evidence is the national series).
func (p *Problem) national(k int) bool { return p.Campaigns[k].EvidenceArea() == evidence.AreaVietnam }

// hasEvidence reports whether a campaign has evidence to calibrate on.
func hasEvidence(c *campaign.Campaign) bool {
	pts, err := c.EvidencePoints()
	return err == nil && len(pts) > 0
}
