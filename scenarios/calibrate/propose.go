package calibrate

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distmv"
)

// Proposals returns the next round's proposals, a pure function of the state: round 0 draws
// from the prior; a later round picks a particle of the population by weight and perturbs it
// with a Gaussian kernel of twice the weighted covariance (Beaumont et al. 2009), redrawing
// until inside the prior box. Proposal i uses its own stream of (seed, round, i).
func (st *State) Proposals() ([]Proposal, error) {
	if st.Done {
		return nil, errors.New("the calibration is finished")
	}
	g, sp, cfg := st.NextRound(), st.Config.Space, st.Config
	d := len(sp)
	out := make([]Proposal, st.Size(g))
	if g == 0 {
		for i := range out {
			r := rng(cfg.Seed, tagPropose, g, i)
			z := make([]float64, d)
			for k, p := range sp {
				lo, hi := p.ZBounds()
				z[k] = lo + r.Float64()*(hi-lo)
			}
			out[i] = Proposal{Round: g, Index: i, Z: z}
		}
		return out, nil
	}
	w := st.Weights()
	pts := mat.NewDense(len(st.Kept), d, nil)
	for k, i := range st.Kept {
		pts.SetRow(k, st.Sims[i].Z)
	}
	chol, err := kernel(pts, w, sp)
	if err != nil {
		return nil, err
	}
	cum := make([]float64, len(w))
	floats.CumSum(cum, w)
	for i := range out {
		r := rng(cfg.Seed, tagPropose, g, i)
		var z []float64
		for try := 0; try < 10000; try++ {
			u := r.Float64() * cum[len(cum)-1]
			j := sort.SearchFloat64s(cum, u)
			j = min(j, len(cum)-1)
			nrm := distmv.NewNormalChol(st.Sims[st.Kept[j]].Z, chol, r)
			z = nrm.Rand(nil)
			if sp.Inside(z) {
				break
			}
			z = nil
		}
		if z == nil {
			return nil, fmt.Errorf("round %d proposal %d: no perturbation inside the prior box in 10000 tries", g, i)
		}
		out[i] = Proposal{Round: g, Index: i, Z: z}
	}
	return out, nil
}

// mixture is the density every simulation so far was drawn from, as one deterministic
// mixture of the rounds' proposal densities: round 0 the prior, round g ≥ 1
// q_g(z) = Σ_j W_j N(z; z_j, Σ_g) over the population it perturbed. The importance weight of
// a simulation z is π(z) / Σ_g (M_g / M) q_g(z), M_g the round's size (the balance heuristic
// of multiple importance sampling; Veach and Guibas 1995, Cornuet et al. 2012). Unlike the
// weight π/q_g of the round that drew it, it does not let a particle that survives from an
// early, wide round outweigh all the later ones: every round could have proposed it.
type mixture struct {
	logPrior float64
	rounds   []roundDensity
	logFrac  []float64 // ln(M_g/M), round 0 first
}

type roundDensity struct {
	pts  [][]float64
	lw   []float64
	dens *distmv.Normal // zero mean, covariance Σ_g
}

func (st *State) mixture() (*mixture, error) {
	if st.mix != nil {
		return st.mix, nil
	}
	sp := st.Config.Space
	m := &mixture{logPrior: -sp.LogVolume()}
	total := 0
	for g := 0; g <= st.Round; g++ {
		total += st.Size(g)
	}
	for g := 0; g <= st.Round; g++ {
		m.logFrac = append(m.logFrac, math.Log(float64(st.Size(g))/float64(total)))
	}
	for _, pr := range st.Proposed {
		pts := mat.NewDense(len(pr.Parents), len(sp), nil)
		rd := roundDensity{}
		for k, i := range pr.Parents {
			pts.SetRow(k, st.Sims[i].Z)
			rd.pts = append(rd.pts, st.Sims[i].Z)
			rd.lw = append(rd.lw, math.Log(pr.Weights[k]))
		}
		chol, err := kernel(pts, pr.Weights, sp)
		if err != nil {
			return nil, err
		}
		rd.dens = distmv.NewNormalChol(make([]float64, len(sp)), chol, nil)
		m.rounds = append(m.rounds, rd)
	}
	st.mix = m
	return m, nil
}

// logWeight is ln π(z) − ln Σ_g (M_g/M) q_g(z).
func (m *mixture) logWeight(z []float64) float64 {
	terms := []float64{m.logFrac[0] + m.logPrior}
	diff := make([]float64, len(z))
	lq := make([]float64, 0, 128)
	for g, rd := range m.rounds {
		lq = lq[:0]
		for k, p := range rd.pts {
			floats.SubTo(diff, z, p)
			lq = append(lq, rd.lw[k]+rd.dens.LogProb(diff))
		}
		terms = append(terms, m.logFrac[g+1]+floats.LogSumExp(lq))
	}
	return m.logPrior - floats.LogSumExp(terms)
}

// kernel is the Cholesky factor of twice the weighted covariance of the population, with a
// floor on each variance (a millionth of the prior range squared) so that a collapsed
// population still moves.
func kernel(pts *mat.Dense, w []float64, sp Space) (*mat.Cholesky, error) {
	// gonum treats weights as frequencies (divisor Σw − 1): scale them to sum to the count.
	fw := make([]float64, len(w))
	floats.ScaleTo(fw, float64(len(w)), w)
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, pts, fw)
	cov.ScaleSym(2, &cov)
	for k, p := range sp {
		lo, hi := p.ZBounds()
		floor := 1e-6 * (hi - lo) * (hi - lo)
		if cov.At(k, k) < floor {
			cov.SetSym(k, k, cov.At(k, k)+floor)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(&cov) {
		// Fall back to the diagonal (perfectly correlated parameters).
		diag := mat.NewSymDense(len(sp), nil)
		for k := range sp {
			diag.SetSym(k, k, cov.At(k, k))
		}
		if !chol.Factorize(diag) {
			return nil, errors.New("the perturbation kernel's covariance is not positive definite")
		}
	}
	return &chol, nil
}
