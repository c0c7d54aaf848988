package calibrate

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/campaign"
	"github.com/eidsim/eidsim/scenarios/evidence"
)

// Method names the sampler in records and reports.
const Method = "ABC-PMC with adaptive tolerances (Lenormand, Jabot and Deffuant 2013; kernel of Beaumont et al. 2009; importance weights of the deterministic mixture of all rounds' proposals)"

// quantiles returns the weighted p-quantiles of xs (weights sum to anything positive).
func quantiles(xs, w []float64, ps ...float64) []float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	sx, sw := make([]float64, len(xs)), make([]float64, len(xs))
	for k, i := range idx {
		sx[k], sw[k] = xs[i], w[i]
	}
	out := make([]float64, len(ps))
	for k, p := range ps {
		out[k] = stat.Quantile(p, stat.Empirical, sx, sw)
	}
	return out
}

// freq turns normalised weights into frequency weights (gonum divides by Σw − 1).
func freq(w []float64) []float64 {
	out := make([]float64, len(w))
	floats.ScaleTo(out, float64(len(w))/floats.Sum(w), w)
	return out
}

// sample is a weighted set of simulations.
type sample struct {
	sims []*Sim
	w    []float64 // normalised
}

func (st *State) population() sample {
	s := sample{w: st.Weights()}
	for _, i := range st.Kept {
		s.sims = append(s.sims, &st.Sims[i])
	}
	return s
}

// ess is the effective sample size (Σw)²/Σw².
func (s sample) ess() float64 {
	var a, b float64
	for _, w := range s.w {
		a += w
		b += w * w
	}
	return a * a / b
}

// ParamSummaries are the parameters' posterior means, medians, 90% intervals and how much
// narrower they are than the prior.
func ParamSummaries(st *State) []results.ParamSummary {
	s := st.population()
	var out []results.ParamSummary
	for k, p := range st.Config.Space {
		z := make([]float64, len(s.sims))
		th := make([]float64, len(s.sims))
		for i, sm := range s.sims {
			z[i], th[i] = sm.Z[k], p.FromZ(sm.Z[k])
		}
		qz := quantiles(z, s.w, 0.05, 0.95)
		qt := quantiles(th, s.w, 0.05, 0.5, 0.95)
		lo, hi := p.ZBounds()
		ratio := (qz[1] - qz[0]) / (0.9 * (hi - lo))
		id := "not identified"
		switch {
		case ratio < 0.5:
			id = "pinned down"
		case ratio < 0.8:
			id = "weakly"
		}
		out = append(out, results.ParamSummary{Name: p.Name, Meaning: p.Meaning, Dist: p.Dist, PriorLo: p.Lo, PriorHi: p.Hi,
			Mean: stat.Mean(th, s.w), Median: qt[1], Q05: qt[0], Q95: qt[2], WidthRatio: ratio, Identified: id})
	}
	return out
}

// Correlation is the weighted posterior correlation matrix on the sampler's scale.
func Correlation(st *State) [][]float64 {
	s := st.population()
	d := len(st.Config.Space)
	x := mat.NewDense(len(s.sims), d, nil)
	for i, sm := range s.sims {
		x.SetRow(i, sm.Z)
	}
	var c mat.SymDense
	stat.CorrelationMatrix(&c, x, freq(s.w))
	out := make([][]float64, d)
	for i := range out {
		out[i] = make([]float64, d)
		for j := range out[i] {
			v := c.At(i, j)
			if math.IsNaN(v) {
				v = 0 // a parameter that did not vary
			}
			out[i][j] = v
		}
	}
	return out
}

// predictive is the weighted 5%, 50% and 95% of a point's predictions over the sample.
func (s sample) predictive(j int) (lo, med, hi float64) {
	xs := make([]float64, len(s.sims))
	for i, sm := range s.sims {
		xs[i] = sm.Preds[j]
	}
	q := quantiles(xs, s.w, 0.05, 0.5, 0.95)
	return q[0], q[1], q[2]
}

// fitRow compares point j with the sample's predictive distribution.
func fitRow(pt Point, s sample, j int) results.PointFit {
	lo, med, hi := s.predictive(j)
	covered := pt.Value >= lo && pt.Value <= hi
	if pt.Kind == evidence.AtLeast {
		covered = hi >= pt.Value
	}
	return results.PointFit{ID: pt.ID, Campaign: pt.Campaign, Date: pt.Date, Metric: pt.Metric, Kind: pt.Kind, Reported: pt.Value,
		Median: med, Lo: lo, Hi: hi, ErrorPct: 100 * (med - pt.Value) / pt.Value, Covered: covered}
}

// Fits compares every evidence point with the posterior predictive distribution (in sample).
func Fits(p *Problem, st *State) []results.PointFit {
	s := st.population()
	out := make([]results.PointFit, len(p.Points))
	for j, pt := range p.Points {
		out[j] = fitRow(pt, s, j)
	}
	return out
}

// Posterior is the state's population as the posterior file.
func Posterior(p *Problem, st *State) *campaign.Posterior {
	s := st.population()
	post := &campaign.Posterior{Format: campaign.PosteriorFormat, Method: Method, Params: st.Config.Space.Names(), Weights: s.w,
		EvidenceVersion: evidenceVersion(), Campaigns: p.Hashes, Citizens: p.Count, Seed: st.Config.Seed,
		Epsilon: st.Epsilon, Runs: st.Runs()}
	for _, sm := range s.sims {
		post.Particles = append(post.Particles, st.Config.Space.Theta(sm.Z))
	}
	return post
}

// Summarise is the calibration's record without validation.
func Summarise(p *Problem, st *State) *results.CalibrationSummary {
	var names []string
	for _, c := range p.Campaigns {
		names = append(names, c.Name)
	}
	return &results.CalibrationSummary{Method: Method, Campaigns: names, Citizens: p.Count, EvidenceVersion: evidenceVersion(),
		Seed: st.Config.Seed, Particles: st.Config.Particles, Rounds: st.Round, Runs: st.Runs(), Epsilon: st.Epsilon,
		Acceptance: st.Acceptance, StopReason: st.Stop, Params: ParamSummaries(st), Correlation: Correlation(st),
		Fit: Fits(p, st), Sensitivity: Sensitivities(st)}
}
