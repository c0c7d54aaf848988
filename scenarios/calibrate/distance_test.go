package calibrate

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLogError(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Target
		pred float64
		want float64
	}{
		{"exact", Target{Value: 1000}, 1000, 0},
		{"twice", Target{Value: 999}, 1999, math.Log(2)},
		{"half", Target{Value: 1999}, 999, -math.Log(2)},
		{"bound met", Target{Value: 1000, AtLeast: true}, 5000, 0},
		{"bound missed", Target{Value: 1999, AtLeast: true}, 999, -math.Log(2)},
		{"zero predicted, resolution 1", Target{Value: 65999}, 0, -math.Log(66000)},
		{"zero predicted, coarse resolution", Target{Value: 66000, Resolution: 26000}, 0, math.Log(26000.0 / 92000)},
		{"negative predictions count as zero", Target{Value: 9}, -5, math.Log(0.1)},
	} {
		assert.InDelta(t, tc.want, LogError(tc.t, tc.pred), 1e-12, tc.name)
	}
}

func TestDistanceIsTheRMSOverThePointsInUse(t *testing.T) {
	ts := []Target{{Value: 999}, {Value: 999}, {Value: 999}}
	preds := []float64{1999, 999, 499}
	assert.InDelta(t, math.Sqrt((math.Log(2)*math.Log(2)+math.Log(2)*math.Log(2))/3), Distance(ts, preds, nil), 1e-12)
	assert.InDelta(t, math.Log(2), Distance(ts, preds, []bool{true, false, false}), 1e-12)
	assert.Equal(t, 0.0, Distance(ts, preds, []bool{false, false, false}))
}
