package results

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Band is a figure across a simulation's replicas: the mean, the 95% confidence interval of
// the mean (normal approximation; equal to the mean for one replica) and the 2.5–97.5% range
// of the replicas.
type Band struct {
	Mean   float64 `json:"mean"`
	CILow  float64 `json:"ci95_low"`
	CIHigh float64 `json:"ci95_high"`
	P025   float64 `json:"p2_5"`
	P975   float64 `json:"p97_5"`
	N      int     `json:"replicas"`
}

// BandOf summarises the replicas' values xs; the zero Band for none.
func BandOf(xs []float64) Band {
	b := Band{N: len(xs)}
	if len(xs) == 0 {
		return b
	}
	b.Mean = stat.Mean(xs, nil)
	b.CILow, b.CIHigh = b.Mean, b.Mean
	if len(xs) > 1 {
		se := stat.StdDev(xs, nil) / math.Sqrt(float64(len(xs)))
		b.CILow, b.CIHigh = b.Mean-1.96*se, b.Mean+1.96*se
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	b.P025 = stat.Quantile(0.025, stat.Empirical, s, nil)
	b.P975 = stat.Quantile(0.975, stat.Empirical, s, nil)
	return b
}
