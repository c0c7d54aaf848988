package campaign

import (
	"context"
	"io"
	"math"
	"path/filepath"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/intraday"
)

// runFlowEvents starts, on day d, the sessions of the flow events under way that day: each
// citizen able to take the flow (an active account holder with a smartphone for login, an
// approved account not yet activated on a smartphone for activation) takes it with the
// probability that the event's extra hazard, (Hazard − 1) × the flow's usual hourly rate
// over the day's event hours weighted by the flow's intra-day curve, gives; the session's
// time is drawn from the curve within those hours. It counts the sessions by hour.
func (s *sim) runFlowEvents(ctx context.Context, d int) {
	day0 := s.date(d)
	b := s.c.Behaviour
	for _, e := range s.c.flowEvents() {
		from := math.Max(0, e.Start.Sub(day0).Hours())
		to := math.Min(24, e.End().Sub(day0).Hours())
		if to <= from {
			continue
		}
		curve, _ := intraday.Of(eventFlows[e.Flow])
		perHour, kind, stage := b.LoginsPerYear/8760, kindLogin, stActive
		if e.Flow == "activation" {
			perHour, kind, stage = b.ActivationRate/8760, kindActivate, stPending
		}
		p := 1 - math.Exp(-(e.Hazard-1)*perHour*curve.Weight(from, to))
		var counts [24]int
		for i := range s.cit {
			c := &s.cit[i]
			if c.stage != stage || c.handset != hsSmart || c.u() >= p {
				continue
			}
			s.drawSwaps(ctx, int32(i))
			h := curve.Draw(from, to, c.u())
			s.sessionAt(int32(i), kind, day0.Add(time.Duration(h*float64(time.Hour))))
			counts[int(h)]++
		}
		for h, n := range counts {
			if n > 0 {
				s.flowEv = append(s.flowEv, results.FlowEventHour{Replica: s.replica, Date: day0.Format("2006-01-02"), Day: d,
					Event: e.Name, Flow: eventFlows[e.Flow], Hour: h, Sessions: n})
			}
		}
	}
}

// writeFlowEvents writes the sessions the flow events added (results.FlowEventsFile) when
// any replica had some.
func writeFlowEvents(dir string, rs []*Result) error {
	var rows []results.FlowEventHour
	for _, r := range rs {
		rows = append(rows, r.FlowEvents...)
	}
	if len(rows) == 0 {
		return nil
	}
	return WriteFile(filepath.Join(dir, results.FlowEventsFile), func(w io.Writer) error {
		return results.WriteFlowEventHours(w, rows)
	})
}

// FlowEventHour counts the sessions a flow event added in one hour of one day.
type FlowEventHour = results.FlowEventHour
