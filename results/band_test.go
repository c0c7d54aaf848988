package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBandOf(t *testing.T) {
	for _, tt := range []struct {
		name string
		xs   []float64
		want Band
	}{
		{"none", nil, Band{}},
		{"one replica: every bound is the value", []float64{10}, Band{Mean: 10, CILow: 10, CIHigh: 10, P025: 10, P975: 10, N: 1}},
		{"five replicas: 1.96 · sd / √n", []float64{5, 1, 4, 2, 3},
			Band{Mean: 3, CILow: 3 - 1.96*1.5811388/2.2360680, CIHigh: 3 + 1.96*1.5811388/2.2360680, P025: 1, P975: 5, N: 5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := BandOf(tt.xs)
			assert.Equal(t, tt.want.N, got.N)
			for _, p := range [][2]float64{{tt.want.Mean, got.Mean}, {tt.want.CILow, got.CILow}, {tt.want.CIHigh, got.CIHigh},
				{tt.want.P025, got.P025}, {tt.want.P975, got.P975}} {
				assert.InDelta(t, p[0], p[1], 1e-6)
			}
		})
	}
}

func TestBandOfLeavesInputUnsorted(t *testing.T) {
	xs := []float64{3, 1, 2}
	BandOf(xs)
	assert.Equal(t, []float64{3, 1, 2}, xs)
}
