// Package intraday holds when in the day each flow of the e-ID happens: an hourly curve per
// flow, a stated assumption with its source. The campaign simulation counts flows per day;
// its flow events (a gift-day rush) place their sessions in the hours by these curves, and
// `eidsim load replay` spreads a simulated day over its hours with them.
package intraday

import (
	"fmt"
	"math"
)

// The flows a simulated day is replayed as (scenarios/k6/replay.js names them the same).
const (
	Login            = "login"
	NewDeviceLogin   = "new_device_login"
	Registration     = "registration"
	Activation       = "activation"
	Recovery         = "recovery"
	CounterEnrolment = "counter_enrolment"
)

// Flows lists every flow in a fixed order.
var Flows = []string{Login, NewDeviceLogin, Registration, Activation, Recovery, CounterEnrolment}

// Curve is the relative weight of each hour of the day (00 h … 23 h, local time), with
// where it comes from.
type Curve struct {
	Weights [24]float64
	Source  string
}

// home is the curve of what citizens do at home in the app: low at night, a working day, and
// the evening peak of 19:00–21:00 that the C06 director reported in June 2023 ("logins slow
// 19:00–21:00 daily because of a surge in new users", research §4.4, vietnamnet). The peak's
// height (1.8 × the daytime level) and the rest of the shape are assumptions.
var home = Curve{
	Weights: [24]float64{0.2, 0.1, 0.05, 0.05, 0.05, 0.15, 0.4, 0.7, 0.9, 1, 1, 0.9,
		0.7, 0.8, 0.9, 0.9, 0.9, 0.9, 1.1, 1.8, 1.8, 1.0, 0.6, 0.35},
	Source: "evening peak 19:00–21:00: C06 director, June 2023 (research §4.4); its height and the rest of the day: assumption",
}

// counter is the police counters' day: Vietnamese public office hours 07:30–11:30 and
// 13:30–17:00 (the hours deadline-surge.js assumes), nothing outside them.
var counter = Curve{
	Weights: [24]float64{7: 0.5, 8: 1, 9: 1, 10: 1, 11: 0.5, 13: 0.5, 14: 1, 15: 1, 16: 1},
	Source:  "public office hours 07:30–11:30 and 13:30–17:00 (assumption, as deadline-surge.js)",
}

// Of returns the curve of flow; an error for a flow it does not know.
func Of(flow string) (Curve, error) {
	switch flow {
	case Login, NewDeviceLogin, Registration, Activation, Recovery:
		return home, nil
	case CounterEnrolment:
		return counter, nil
	}
	return Curve{}, fmt.Errorf("intraday: unknown flow %q (known: %v)", flow, Flows)
}

// Shares returns the weights normalised to sum 1: the share of a day's count in each hour.
func (c Curve) Shares() [24]float64 {
	var sum float64
	for _, w := range c.Weights {
		sum += w
	}
	var out [24]float64
	for h, w := range c.Weights {
		out[h] = w / sum
	}
	return out
}

// Weight returns the integral over [from, to) hours of the day (0 ≤ from ≤ to ≤ 24) of the
// curve normalised to a mean of 1 per hour: the hazard-hours a constant hourly hazard times
// the curve accumulates over the window.
func (c Curve) Weight(from, to float64) float64 {
	sh := c.Shares()
	var w float64
	for h := 0; h < 24; h++ {
		lo, hi := math.Max(from, float64(h)), math.Min(to, float64(h+1))
		if hi > lo {
			w += (hi - lo) * sh[h] * 24
		}
	}
	return w
}

// Draw returns an hour of the day (fractional) in [from, to), distributed as the curve, for
// u uniform in [0, 1). It returns from when the curve has no weight in the window.
func (c Curve) Draw(from, to, u float64) float64 {
	total := c.Weight(from, to)
	if total <= 0 {
		return from
	}
	target := u * total
	sh := c.Shares()
	for h := 0; h < 24; h++ {
		lo, hi := math.Max(from, float64(h)), math.Min(to, float64(h+1))
		if hi <= lo {
			continue
		}
		seg := (hi - lo) * sh[h] * 24
		if target < seg {
			return lo + (hi-lo)*target/seg
		}
		target -= seg
	}
	return math.Nextafter(to, from)
}
