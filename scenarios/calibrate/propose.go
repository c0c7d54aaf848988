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
	zero := make([]float64, d)
	dens := distmv.NewNormalChol(zero, chol, nil)
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
		// q(z) = Σ_j w_j N(z; z_j, Σ); the prior density is 1/volume inside the box.
		lq := make([]float64, len(st.Kept))
		diff := make([]float64, d)
		for k, j := range st.Kept {
			floats.SubTo(diff, z, st.Sims[j].Z)
			lq[k] = math.Log(w[k]) + dens.LogProb(diff)
		}
		out[i] = Proposal{Round: g, Index: i, Z: z, LogImportance: -sp.LogVolume() - floats.LogSumExp(lq)}
	}
	return out, nil
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
