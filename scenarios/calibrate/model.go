package calibrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/eidsim/eidsim/scenarios/campaign"
	"github.com/eidsim/eidsim/scenarios/campaigns"
	"github.com/eidsim/eidsim/scenarios/evidence"
)

// Point is one evidence figure a campaign is compared with.
type Point struct {
	ID     string  `json:"id"`
	Area   string  `json:"area"`
	Date   string  `json:"date"`
	Metric string  `json:"metric"`
	Kind   string  `json:"kind"` // count, at_least or about
	Value  float64 `json:"value"`
	Source string  `json:"source,omitempty"`
	// Campaign is the campaign that predicts it.
	Campaign string `json:"campaign"`
	ev       evidence.Point
}

// Problem is the calibration of one pooled parameter set over several campaigns (the nation
// and the provinces): a Model whose targets are every campaign's evidence points. Each
// campaign's World (population) is built once and shared by every particle.
type Problem struct {
	Campaigns []*campaign.Campaign
	Worlds    []*campaign.World
	Space     Space
	Points    []Point
	// Outputs are the headline outputs recorded per run: per campaign its activated share at
	// the end and, when it has a deadline, the day its first deadline's target is reached.
	Outputs []string
	// Count is the citizens simulated per campaign; Seed the population seed.
	Count  int
	Seed   uint64
	Hashes []campaign.CampaignHash
	// first[k] is the index of campaign k's first point in Points.
	first []int
}

// NewProblem prepares the campaigns: their populations of count citizens (seed), their
// evidence points and the pooled priors.
func NewProblem(ctx context.Context, cs []*campaign.Campaign, count int, seed uint64) (*Problem, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("no campaign to calibrate on")
	}
	p := &Problem{Campaigns: cs, Count: count, Seed: seed}
	sp, err := Priors(cs)
	if err != nil {
		return nil, err
	}
	p.Space = sp
	for _, c := range cs {
		pts, err := pointsFor(c)
		if err != nil {
			return nil, err
		}
		p.first = append(p.first, len(p.Points))
		for i := range pts {
			pts[i].Campaign = c.Name
		}
		p.Points = append(p.Points, pts...)
		p.Outputs = append(p.Outputs, c.Name+"/activated_share_end")
		if len(c.Deadlines) > 0 {
			p.Outputs = append(p.Outputs, c.Name+"/deadline_day")
		}
		h, err := hashOf(c)
		if err != nil {
			return nil, err
		}
		p.Hashes = append(p.Hashes, h)
	}
	if len(p.Points) == 0 {
		return nil, fmt.Errorf("campaigns %s have no evidence points", names(cs))
	}
	for _, c := range cs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w, err := campaign.PrepareWorld(c, count, seed)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		p.Worlds = append(p.Worlds, w)
	}
	return p, nil
}

func names(cs []*campaign.Campaign) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return strings.Join(out, ", ")
}

// hashOf is the SHA-256 of a campaign's file (the embedded bytes for a built-in one).
func hashOf(c *campaign.Campaign) (campaign.CampaignHash, error) {
	var b []byte
	var err error
	if name, ok := strings.CutPrefix(c.File, "builtin:"); ok {
		b, err = campaigns.Read(name)
	} else {
		b, err = os.ReadFile(c.File)
	}
	if err != nil {
		return campaign.CampaignHash{}, fmt.Errorf("%s: %w", c.Name, err)
	}
	s := sha256.Sum256(b)
	return campaign.CampaignHash{Name: c.Name, File: c.File, SHA256: hex.EncodeToString(s[:])}, nil
}

// Targets are the points as the sampler's targets; each point's resolution is one simulated
// citizen of its campaign at full scale.
func (p *Problem) Targets() []Target {
	out := make([]Target, len(p.Points))
	for k := range p.Campaigns {
		res := 1 / p.Worlds[k].Scale
		for i := p.first[k]; i < p.len(k); i++ {
			pt := p.Points[i]
			out[i] = Target{ID: pt.ID, Value: pt.Value, AtLeast: pt.Kind == evidence.AtLeast, Resolution: math.Round(res)}
		}
	}
	return out
}

// Config is the calibration of this problem with the given sampler settings.
func (p *Problem) Config(particles, rounds int, minAcceptance float64, seed uint64) Config {
	c := Config{Particles: particles, Rounds: rounds, MinAcceptance: minAcceptance, Seed: seed, Space: p.Space,
		Targets: p.Targets(), Outputs: p.Outputs}
	id := struct {
		Hashes   []campaign.CampaignHash
		Evidence int
		Count    int
		PopSeed  uint64
		Points   []Point
		Space    Space
	}{p.Hashes, evidenceVersion(), p.Count, p.Seed, p.Points, p.Space}
	b, _ := json.Marshal(id)
	s := sha256.Sum256(b)
	c.Model = hex.EncodeToString(s[:8])
	return c
}

// Simulate runs every campaign once at theta (seed derived per campaign) and returns the
// predictions of every point and the headline outputs.
func (p *Problem) Simulate(ctx context.Context, theta []float64, seed uint64) ([]float64, []float64, error) {
	v := make(map[string]float64, len(theta))
	for i, pr := range p.Space {
		v[pr.Name] = theta[i]
	}
	preds := make([]float64, len(p.Points))
	var outs []float64
	for k, c := range p.Campaigns {
		cc, err := withValues(c, v)
		if err != nil {
			return nil, nil, err
		}
		w := p.Worlds[k]
		r, err := campaign.Run(ctx, cc, w.Pop, w.Scale, mix(seed+uint64(k)), 0)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		end := p.len(k)
		for i := p.first[k]; i < end; i++ {
			if preds[i], err = predict(r, p.Points[i]); err != nil {
				return nil, nil, err
			}
		}
		outs = append(outs, shareAt(r, len(r.Daily)-1))
		if len(c.Deadlines) > 0 {
			outs = append(outs, reachedDay(r, c.Deadlines[0]))
		}
	}
	return preds, outs, nil
}

func (p *Problem) len(k int) int {
	if k+1 < len(p.first) {
		return p.first[k+1]
	}
	return len(p.Points)
}

// shareAt is activated ÷ dossiers on day i (0 when nothing is collected).
func shareAt(r *campaign.Result, i int) float64 {
	d := dayValue(r, i, shareDenominators[0])
	if d == 0 {
		return 0
	}
	return dayValue(r, i, shareNumerator) / d
}

// reachedDay is the first day index the deadline's target is reached (full scale), or the
// number of simulated days when it never is.
func reachedDay(r *campaign.Result, dl campaign.Deadline) float64 {
	for i := range r.Daily {
		if dayValue(r, i, dl.Metric)/r.Scale >= float64(dl.Target) {
			return float64(i)
		}
	}
	return float64(len(r.Daily))
}
