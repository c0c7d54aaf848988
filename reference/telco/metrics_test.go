package telco

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gather returns each sample of reg as "name{label values}" → value (histograms: their count).
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName() + "{"
			for i, l := range m.GetLabel() {
				if i > 0 {
					key += ","
				}
				key += l.GetValue()
			}
			key += "}"
			switch {
			case m.Counter != nil:
				out[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				out[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				out[key] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return out
}

func TestCollectors(t *testing.T) {
	ctx := context.Background()
	s, w, clock := newSim(t, DefaultConfig(), 1)
	w.set("0981234567", "C", "4g")
	w.set("0901234567", "D", "none")
	require.NoError(t, s.Send(ctx, otp("0981234567", "1")))
	require.NoError(t, s.Send(ctx, otp("0901234567", "2")))
	require.NoError(t, s.Send(ctx, otp("0901234567", "3")))
	require.Error(t, s.Send(ctx, otp("12", "3")))

	reg := prometheus.NewPedanticRegistry()
	for _, c := range s.Collectors() {
		require.NoError(t, reg.Register(c))
	}
	assert.Equal(t, 3.0, gather(t, reg)["eidsim_sms_pending{}"])

	clock.Advance(time.Hour)
	s.Advance(ctx)
	got := gather(t, reg)
	for key, want := range map[string]float64{
		"eidsim_sms_submitted_total{Viettel}":                   1,
		"eidsim_sms_submitted_total{MobiFone}":                  2,
		"eidsim_sms_delivered_total{Viettel}":                   1,
		"eidsim_sms_delivered_total{MobiFone}":                  0,
		"eidsim_sms_expired_total{MobiFone}":                    2,
		"eidsim_sms_delivery_seconds{Viettel}":                  1,
		"eidsim_sms_refused_total{unknown,invalid_destination}": 1,
		"eidsim_sms_pending{}":                                  0,
	} {
		assert.Equal(t, want, got[key], key)
	}
}
