package report

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/eidsim/eidsim/results"
)

// replay.go: a replay run (eidsim load replay) puts the simulated, the asked-for and the
// achieved rates side by side, per flow and per simulated hour. Achieved is the iterations
// each k6 scenario (one per flow) completed in each stage, from the stream's per-second
// counts; it is given in the simulated full-scale unit (÷ fraction ÷ compression) beside
// the asked rate in replay time.

// replayAchieved returns, per flow, the iterations per second of replay time completed in
// each of the 24 stages.
func replayAchieved(p *results.ReplayPlan, meta results.StreamMeta) map[string][24]float64 {
	out := map[string][24]float64{}
	stage := p.Hour.Seconds()
	for flow, secs := range meta.Iterations {
		var a [24]float64
		for i, n := range secs {
			h := int(float64(i) / stage)
			if h >= 0 && h < 24 {
				a[h] += n
			}
		}
		for h := range a {
			a[h] /= stage
		}
		out[flow] = a
	}
	return out
}

// replaySection is the section of a replay run directory; ok is false for another run.
func replaySection(dir string) (Section, bool) {
	p, err := results.ReadReplayPlan(dir)
	if err != nil {
		return Section{}, false
	}
	s := Section{Title: "Replay of a simulated day"}
	s.Text = append(s.Text, fmt.Sprintf("%s of %s (simulation %s), at %.3g %% of the simulated full-scale rates, %s: one simulated hour in %s (rates × %g). Asked and achieved are iterations per second of replay time; achieved ÷ (fraction × %g) is what the service did in simulated terms.",
		p.Date, p.Campaign, p.Simulation, 100*p.Fraction, p.Compress, p.Hour.Duration, p.Factor, p.Factor))
	_, meta, err := results.ReadStreamDir(dir)
	if err != nil {
		s.Text = append(s.Text, "The achieved rates need the streamed aggregate ("+results.StreamFile+"), which this run has not: only the plan is shown.")
	}
	got := replayAchieved(p, meta)
	flows := make([]string, 0, len(p.Flows))
	for f := range p.Flows {
		flows = append(flows, f)
	}
	sort.Strings(flows)
	per := Table{Caption: "Per flow: the day's busiest simulated hour and the whole day",
		Header:  []string{"flow", "busiest hour", "simulated /s (full scale)", "asked /s", "achieved /s", "achieved/asked", "day: asked", "day: achieved"},
		Numeric: map[int]bool{2: true, 3: true, 4: true, 5: true, 6: true, 7: true}}
	var tot [3][24]float64
	for _, f := range flows {
		fp := p.Flows[f]
		h, sim := fp.Peak()
		a := got[f]
		var dayAsk, dayGot float64
		for i := range 24 {
			dayAsk += fp.Asked[i] * p.Hour.Seconds()
			dayGot += a[i] * p.Hour.Seconds()
			tot[0][i] += fp.Simulated[i]
			tot[1][i] += fp.Asked[i]
			tot[2][i] += a[i]
		}
		per.Rows = append(per.Rows, []string{f, fmt.Sprintf("%02d h", h), num3(sim), num3(fp.Asked[h]), num3(a[h]), ratio(a[h], fp.Asked[h]),
			fmt.Sprintf("%.0f", dayAsk), fmt.Sprintf("%.0f", dayGot)})
	}
	hours := Table{Caption: "All flows, hour by hour", Header: []string{"hour", "replay time", "simulated /s (full scale)", "asked /s", "achieved /s", "achieved/asked"},
		Numeric: map[int]bool{2: true, 3: true, 4: true, 5: true}}
	for i := range 24 {
		at := time.Duration(i) * p.Hour.Duration
		hours.Rows = append(hours.Rows, []string{fmt.Sprintf("%02d h", i), at.Round(time.Second).String(), num3(tot[0][i]), num3(tot[1][i]), num3(tot[2][i]), ratio(tot[2][i], tot[1][i])})
	}
	s.Tables = append(s.Tables, per, hours)
	return s, true
}

func num3(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) < 10:
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100*a/b)
}
