package replay

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/intraday"
)

// Day is one simulated day at full scale: the sessions of each flow in each hour, the mean
// over the replicas divided by the simulation's scale.
type Day struct {
	Date   string
	Hourly map[string][24]float64
}

// Total is the day's sessions of every flow.
func (d Day) Total() float64 {
	var t float64
	for _, h := range d.Hourly {
		for _, v := range h {
			t += v
		}
	}
	return t
}

// Day returns the day spec names: a date YYYY-MM-DD of the simulation, or "busiest", the day
// with the most sessions of all flows together.
func (s *Simulation) Day(spec string) (Day, error) {
	if spec == "busiest" {
		best, bestN := -1, -1.0
		for d := range s.Days {
			if n := s.day(d).Total(); n > bestN {
				best, bestN = d, n
			}
		}
		return s.day(best), nil
	}
	if _, err := time.Parse("2006-01-02", spec); err != nil {
		return Day{}, fmt.Errorf("--day %q: want a date YYYY-MM-DD or busiest", spec)
	}
	for d, date := range s.Days {
		if date == spec {
			return s.day(d), nil
		}
	}
	return Day{}, fmt.Errorf("--day %s: not a simulated day of %s (%s to %s)", spec, s.Campaign, s.Days[0], s.Days[len(s.Days)-1])
}

// day spreads day d's sessions over the hours: the sessions of flow events at their hours,
// the rest by the flow's curve; logins split into bound and new-device (NewDeviceShare).
func (s *Simulation) day(d int) Day {
	out := Day{Date: s.Days[d], Hourly: map[string][24]float64{}}
	k := 1 / (float64(s.Replicas) * s.Scale)
	for flow, n := range s.Sessions[d] {
		var ev [24]float64
		if e := s.Events[d][flow]; e != nil {
			ev = *e
		}
		var evTotal float64
		for _, v := range ev {
			evTotal += v
		}
		curve, _ := intraday.Of(flow)
		sh := curve.Shares()
		base := math.Max(0, n-evTotal)
		var h [24]float64
		for i := range h {
			h[i] = (base*sh[i] + ev[i]) * k
		}
		if flow == intraday.Login {
			var nd [24]float64
			for i := range h {
				nd[i] = h[i] * NewDeviceShare
				h[i] -= nd[i]
			}
			out.Hourly[intraday.NewDeviceLogin] = nd
		}
		out.Hourly[flow] = h
	}
	return out
}

// Compress is the time a simulated span is replayed in: 24h:30m plays a day in 30 minutes.
type Compress struct{ From, To time.Duration }

// ParseCompress reads FROM:TO (Go durations, TO ≤ FROM).
func ParseCompress(v string) (Compress, error) {
	a, b, ok := strings.Cut(v, ":")
	from, err1 := time.ParseDuration(a)
	to, err2 := time.ParseDuration(b)
	if !ok || err1 != nil || err2 != nil || from <= 0 || to <= 0 || to > from {
		return Compress{}, fmt.Errorf("--compress %q: want FROM:TO with TO no longer than FROM, e.g. 24h:30m", v)
	}
	return Compress{from, to}, nil
}

// Factor is how many times faster than simulated time the replay runs.
func (c Compress) Factor() float64 { return float64(c.From) / float64(c.To) }

// Plan is a replay: per flow and simulated hour, the simulated rate and the rate asked.
type Plan = results.ReplayPlan

// FlowPlan is one flow's hours.
type FlowPlan = results.ReplayFlow

// Plan makes the replay of d: fraction of the simulated rates (0 < fraction ≤ 1), played
// c.Factor() times faster.
func (d Day) Plan(sim, campaign string, fraction float64, c Compress) (Plan, error) {
	if !(fraction > 0 && fraction <= 1) {
		return Plan{}, fmt.Errorf("--fraction %g: want a share in (0, 1]", fraction)
	}
	hour := time.Duration(float64(time.Hour) / c.Factor())
	if hour < time.Second {
		return Plan{}, fmt.Errorf("--compress %s:%s plays an hour in %s: want at least a second", c.From, c.To, hour)
	}
	p := Plan{Simulation: sim, Campaign: campaign, Date: d.Date, Fraction: fraction, Compress: c.From.String() + ":" + c.To.String(),
		Factor: c.Factor(), Hour: results.Duration{Duration: hour}, Flows: map[string]FlowPlan{}}
	for _, flow := range intraday.Flows {
		h, ok := d.Hourly[flow]
		if !ok {
			continue
		}
		var fp FlowPlan
		for i, n := range h {
			fp.Simulated[i] = n / 3600
			fp.Asked[i] = fp.Simulated[i] * fraction * c.Factor()
			fp.Iterations += fp.Asked[i] * hour.Seconds()
		}
		p.Flows[flow] = fp
	}
	return p, nil
}
