package calibrate

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"

	"github.com/eidsim/eidsim/results"
)

// SensitivityMethod names the estimator of the first-order indices.
const SensitivityMethod = "first-order variance-based indices Var(E[Y|X_i])/Var(Y), given-data estimator (equal-count bins of X_i, Plischke 2010) on round 0's prior draws"

// Sensitivities are the first-order indices of every headline output with respect to every
// parameter, estimated from round 0's simulations (independent draws from the prior, so the
// indices are over the prior ranges): the simulations are sorted by the parameter, cut into
// √n bins of equal count, and the variance of the bins' means is compared with the total.
// Behavioural noise and interactions make the indices sum to less than one.
func Sensitivities(st *State) []results.Sensitivity {
	var prior []*Sim
	for i := range st.Sims {
		if st.Sims[i].Round == 0 {
			prior = append(prior, &st.Sims[i])
		}
	}
	n := len(prior)
	if n < 16 {
		return nil
	}
	bins := int(math.Sqrt(float64(n)))
	var out []results.Sensitivity
	for o, name := range st.Config.Outputs {
		y := make([]float64, n)
		for i, s := range prior {
			y[i] = s.Outputs[o]
		}
		vy := stat.Variance(y, nil)
		sn := results.Sensitivity{Output: name, Method: SensitivityMethod, Samples: n}
		for k, p := range st.Config.Space {
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			sort.SliceStable(idx, func(a, b int) bool { return prior[idx[a]].Z[k] < prior[idx[b]].Z[k] })
			var s1 float64
			if vy > 0 {
				means := make([]float64, bins)
				sizes := make([]float64, bins)
				for b := 0; b < bins; b++ {
					lo, hi := b*n/bins, (b+1)*n/bins
					var sum float64
					for _, i := range idx[lo:hi] {
						sum += y[i]
					}
					means[b], sizes[b] = sum/float64(hi-lo), float64(hi-lo)
				}
				mean := stat.Mean(y, nil)
				var v float64
				for b := range means {
					v += sizes[b] * (means[b] - mean) * (means[b] - mean)
				}
				s1 = v / float64(n) / (vy * float64(n-1) / float64(n))
			}
			sn.Indices = append(sn.Indices, results.SIndex{Param: p.Name, S1: s1})
		}
		out = append(out, sn)
	}
	return out
}
