package sampling

import (
	"fmt"
	"math"
)

// Alias is a Vose alias table: a categorical distribution drawn in O(1) from one 64-bit
// random value.
type Alias struct {
	prob  []uint32 // acceptance threshold of column i, scaled to 2^32
	alias []int32
	p     []float64 // the normalised probabilities
}

// NewAlias builds a table for weights (non-negative, not all zero).
func NewAlias(weights []float64) (*Alias, error) {
	n := len(weights)
	if n == 0 {
		return nil, fmt.Errorf("alias: no categories")
	}
	sum := 0.0
	for i, w := range weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("alias: weight %d is %v", i, w)
		}
		sum += w
	}
	if sum <= 0 {
		return nil, fmt.Errorf("alias: all weights are zero")
	}
	a := &Alias{prob: make([]uint32, n), alias: make([]int32, n), p: make([]float64, n)}
	scaled := make([]float64, n)
	var small, large []int
	for i, w := range weights {
		a.p[i] = w / sum
		scaled[i] = w / sum * float64(n)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.prob[s] = toU32(scaled[s])
		a.alias[s] = int32(l)
		scaled[l] = scaled[l] + scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.prob[i] = math.MaxUint32
		a.alias[i] = int32(i)
	}
	for _, i := range small { // rounding leftovers
		a.prob[i] = math.MaxUint32
		a.alias[i] = int32(i)
	}
	return a, nil
}

func toU32(f float64) uint32 {
	v := f * 4294967296.0
	if v >= 4294967295 {
		return math.MaxUint32
	}
	if v <= 0 {
		return 0
	}
	return uint32(v)
}

// MustAlias is NewAlias for weights known to be valid.
func MustAlias(weights []float64) *Alias {
	a, err := NewAlias(weights)
	if err != nil {
		panic(err)
	}
	return a
}

// Len returns the number of categories.
func (a *Alias) Len() int { return len(a.prob) }

// P returns the probability of category i.
func (a *Alias) P(i int) float64 { return a.p[i] }

// Draw returns a category for the random value u.
func (a *Alias) Draw(u uint64) int {
	i := int((u >> 32) * uint64(len(a.prob)) >> 32)
	if uint32(u) < a.prob[i] || a.prob[i] == math.MaxUint32 {
		return i
	}
	return int(a.alias[i])
}
