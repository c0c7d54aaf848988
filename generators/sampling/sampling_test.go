package sampling

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPermIsABijection(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 10, 1000, 65537, 300_001} {
		p := NewPerm(n, 99)
		seen := make([]bool, n)
		for x := uint64(0); x < n; x++ {
			y := p.At(x)
			require.Less(t, y, n)
			require.False(t, seen[y], "n=%d: %d hit twice", n, y)
			seen[y] = true
		}
	}
	a, b := NewPerm(1000, 1), NewPerm(1000, 2)
	diff := 0
	for x := uint64(0); x < 1000; x++ {
		if a.At(x) != b.At(x) {
			diff++
		}
	}
	assert.Greater(t, diff, 900, "different keys give different permutations")
}

func TestAliasMatchesWeights(t *testing.T) {
	w := []float64{0.5, 0.3, 0.15, 0.05, 0}
	a, err := NewAlias(w)
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(1, 1))
	counts := make([]float64, len(w))
	const n = 400000
	for i := 0; i < n; i++ {
		counts[a.Draw(r.Uint64())]++
	}
	for i := range w {
		assert.InDelta(t, w[i], counts[i]/n, 0.004, "category %d", i)
	}
	assert.Zero(t, counts[4])
	_, err = NewAlias([]float64{0, 0})
	assert.Error(t, err)
	_, err = NewAlias([]float64{1, -1})
	assert.Error(t, err)
}

func TestDeriveDependsOnEveryInput(t *testing.T) {
	assert.NotEqual(t, Derive(1, 2, 3), Derive(1, 3, 2))
	assert.NotEqual(t, Derive(1, 2), Derive(2, 2))
	assert.Equal(t, Derive(5, 6, 7), Derive(5, 6, 7))
}
