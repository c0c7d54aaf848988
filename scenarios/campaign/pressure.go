package campaign

import (
	"math"
	"time"

	"github.com/eidsim/eidsim/scenarios/evidence"
)

// appLaunch is the day the VNeID app opened to the public (scenarios/evidence events.yaml):
// before it nobody registers at level 1 or activates an account.
func appLaunch() time.Time {
	ev, err := evidence.BuiltinEvents()
	if err != nil || ev.AppLaunch.IsZero() {
		return time.Date(2022, 7, 18, 0, 0, 0, 0, time.UTC)
	}
	return ev.AppLaunch.Time
}

// pressureParam returns the behaviour's value of a national event's parameter (0 when the
// event names a parameter the model does not know; ParamSpace's test rules that out).
func pressureParam(b *Behaviour, name string) float64 {
	if p, ok := paramByName(name); ok {
		return p.get(b)
	}
	return 0
}

// pressureSeries computes, for every simulated day, the local outreach multiplier
// O(t) = 1 + Σ local outreach intensities active on t, the national events' E(t) = Σ event
// pressures active on t, the activation multiplier
//
//	M(t) = O(t) · (1 + E(t)) · G(t)
//
// and the decision hazard's (Bass p term) O(t) · (1 + pressure_on_decision · E(t)) · G(t) (the
// events raise the need for an account one holds more than the reach of the counters; local
// outreach multiplies what the nation asks), with G(t) below; and
// the level-2 part L2(t) = Σ pressures of the events only a level-2 account meets (the
// upgrade hazard of level-1 holders). An event with an end date fades after it with the
// half-life pressure_half_life_days (0: it stops at once). G(t) = 1 + need_growth_per_year × years since the app's
// launch is the need for the account growing as services move onto it. The campaign's
// deadlines boost the decision hazard.
func (s *sim) pressureSeries() error {
	ev, err := evidence.BuiltinEvents()
	if err != nil {
		return err
	}
	b := &s.c.Behaviour
	n := s.c.Days + 1
	s.mult = make([]float64, n)
	s.multL2 = make([]float64, n)
	s.boost = make([]float64, n)
	s.multDec = make([]float64, n)
	launch := appLaunch()
	s.launchDay = int(math.Ceil(launch.Sub(s.c.Start.Time).Hours() / 24))
	for d := 0; d < n; d++ {
		t := s.date(d)
		out := 1.0
		for _, o := range s.c.Outreach {
			if !t.Before(o.From.Time) && !t.After(o.To.Time) {
				out += o.Intensity
			}
		}
		events := 0.0
		for _, e := range ev.Events {
			if t.Before(e.From.Time) {
				continue
			}
			v := pressureParam(b, e.Param)
			if !e.To.IsZero() && t.After(e.To.Time) {
				// after its end date a drive's pressure fades with a half-life
				if b.PressureHalfLifeDays <= 0 {
					continue
				}
				v *= math.Exp2(-t.Sub(e.To.Time).Hours() / 24 / b.PressureHalfLifeDays)
			}
			events += v
			if e.Level == evidence.Level2 {
				s.multL2[d] += v
			}
		}
		g := 1 + b.NeedGrowthPerYear*max(0, t.Sub(launch).Hours()/24/365.25)
		s.mult[d] = out * (1 + events) * g
		s.multDec[d] = out * (1 + b.PressureOnDecision*events) * g
		if s.multL2[d] > 0 {
			s.hasL2 = true
		}
		boost := 1.0
		for _, dl := range s.c.Deadlines {
			left := dl.Date.Sub(t).Hours() / 24
			if left >= 0 && left < float64(b.DeadlineWindowDays) {
				boost = math.Max(boost, 1+(b.DeadlineBoost-1)*(1-left/float64(b.DeadlineWindowDays)))
			}
		}
		s.boost[d] = boost
	}
	return nil
}

// pressure is the day's decision hazard per citizen of a village: (p·O(t) + q·F_v)·boost per day.
func (s *sim) pressure(d int, v *village) float64 {
	b := &s.c.Behaviour
	all := float64(s.adoptedAll) / float64(len(s.cit))
	local := 0.0
	if v.adults > 0 {
		local = float64(v.adopted) / float64(v.adults)
	}
	f := imitationLocal*local + (1-imitationLocal)*all
	return (b.BassP*s.multDec[d] + b.BassQ*f) * s.boost[d] / 365
}

// appOpen reports whether the app is open on day d (level-1 registration, activation).
func (s *sim) appOpen(d int) bool { return d >= s.launchDay }
