package smsfault_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/smsfault"
)

func TestValidate(t *testing.T) {
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		s     smsfault.Setting
		field string // "" for valid
	}{
		{"healthy", smsfault.Setting{}, ""},
		{"loss and delay", smsfault.Setting{Carriers: map[string]smsfault.Carrier{
			"Viettel": {Loss: 0.3, ExtraDelay: smsfault.Latency{P50: time.Second, P95: 5 * time.Second}}}}, ""},
		{"loss over 1", smsfault.Setting{Carriers: map[string]smsfault.Carrier{"Viettel": {Loss: 1.5}}}, "carriers.Viettel.loss"},
		{"loss NaN", smsfault.Setting{Carriers: map[string]smsfault.Carrier{"Viettel": {Loss: math.NaN()}}}, "carriers.Viettel.loss"},
		{"p95 below p50", smsfault.Setting{Carriers: map[string]smsfault.Carrier{"x": {ExtraDelay: smsfault.Latency{P50: 2, P95: 1}}}}, "carriers.x.extra_delay"},
		{"negative rate", smsfault.Setting{Carriers: map[string]smsfault.Carrier{"x": {SubmitRate: -1}}}, "carriers.x.submit_rate"},
		{"same carrier twice", smsfault.Setting{Carriers: map[string]smsfault.Carrier{"G-Mobile": {}, "gmobile": {}}}, "name the same carrier"},
		{"empty name", smsfault.Setting{Carriers: map[string]smsfault.Carrier{"-": {}}}, "empty carrier name"},
		{"outage backwards", smsfault.Setting{Outages: []smsfault.Outage{{From: t0, Until: t0}}}, "outages[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestNormalisedLookups(t *testing.T) {
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	given := smsfault.Setting{
		Carriers: map[string]smsfault.Carrier{"Vina Phone": {Loss: 0.5}, "*": {Loss: 0.1}},
		Outages: []smsfault.Outage{
			{Carrier: "Viettel", From: t0, Until: t0.Add(10 * time.Minute)},
			{From: t0.Add(5 * time.Minute), Until: t0.Add(20 * time.Minute)},
		},
	}
	n := given.Normalised()
	_, kept := given.Carriers["Vina Phone"]
	assert.True(t, kept, "Normalised leaves the given setting alone")
	tests := []struct {
		name   string
		key    string
		at     time.Time
		loss   float64
		outage time.Time
	}{
		{"listed carrier", smsfault.CarrierKey("VinaPhone"), t0, 0.5, time.Time{}},
		{"other carrier takes *", "mobifone", t0, 0.1, time.Time{}},
		{"carrier's own outage", "viettel", t0, 0.1, t0.Add(10 * time.Minute)},
		{"the later of two outages", "viettel", t0.Add(6 * time.Minute), 0.1, t0.Add(20 * time.Minute)},
		{"outage of every carrier", "gmobile", t0.Add(19 * time.Minute), 0.1, t0.Add(20 * time.Minute)},
		{"after every outage", "viettel", t0.Add(20 * time.Minute), 0.1, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.loss, n.ForCarrier(tt.key).Loss)
			assert.Equal(t, tt.outage, n.OutageEnd(tt.key, tt.at))
		})
	}
	c := given.Clone()
	c.Carriers["*"] = smsfault.Carrier{Loss: 0.9}
	assert.Equal(t, 0.1, given.Carriers["*"].Loss, "Clone is deep")
	assert.True(t, smsfault.Setting{}.Healthy())
	assert.False(t, given.Healthy())
}

func TestLatencyQuantile(t *testing.T) {
	l := smsfault.Latency{P50: time.Second, P95: 4 * time.Second}
	assert.Equal(t, time.Second, l.Quantile(0))
	assert.InDelta(t, float64(4*time.Second), float64(l.Quantile(1.6448536269514722)), float64(time.Millisecond))
	assert.Equal(t, 3*time.Second, smsfault.Latency{P50: 3 * time.Second}.Quantile(2), "P95 unset: constant")
	assert.True(t, smsfault.Latency{}.Zero())
}
