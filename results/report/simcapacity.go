package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// capacitySection reads capacity.json into the headline and a section; it reports whether
// the directory held one.
func capacitySection(r *Report, dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, results.CapacityFile))
	if err != nil {
		return false
	}
	var c results.CapacityResult
	if err := json.Unmarshal(b, &c); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", results.CapacityFile, err))
		return true
	}
	f := Figure{Key: "capacity:" + c.Lever, Label: fmt.Sprintf("Capacity needed: fewest %s to meet %q", c.Lever, c.Deadline), Value: c.Answer, Better: -1,
		Note: fmt.Sprintf("%s %s by %s; the campaign has %s", thousands(float64(c.Target)), c.Metric, c.Date, num(c.Current))}
	switch {
	case c.Found && !c.Binds:
		f.Text, f.Note = "does not limit", fmt.Sprintf("every probe down to %s met %s %s by %s", num(c.Answer), thousands(float64(c.Target)), c.Metric, c.Date)
	case c.Found:
		f.Text = num(c.Answer)
	default:
		f.Value, f.Text = math.NaN(), "none within the search bound"
		f.Note = "demand, not " + c.Lever + ", limits this deadline; " + f.Note
	}
	r.Headline = append(r.Headline, f)
	goal := fmt.Sprintf("%q (%s %s by %s)", c.Deadline, thousands(float64(c.Target)), c.Metric, c.Date)
	switch {
	case c.Found && !c.Binds:
		r.Verdict = &Verdict{State: VerdictHeld, Text: fmt.Sprintf("%s DOES NOT LIMIT %s: every probe down to %s met it", strings.ToUpper(c.Lever), goal, num(c.Answer))}
	case c.Found:
		r.Verdict = &Verdict{State: VerdictHeld, Text: fmt.Sprintf("CAPACITY NEEDED: %s %s are the fewest that meet %s; the campaign has %s", num(c.Answer), c.Lever, goal, num(c.Current))}
	default:
		r.Verdict = &Verdict{State: VerdictNotHeld, Text: fmt.Sprintf("NOT REACHABLE BY %s: no value within the search bound meets %s; demand limits it", strings.ToUpper(c.Lever), goal)}
	}
	s := Section{Title: "Capacity search: " + c.Lever}
	if c.Rule != "" {
		s.Text = append(s.Text, c.Rule)
	}
	tb := Table{Caption: "probes", Header: []string{c.Lever, c.Metric + " on " + c.Date, "95% CI", "met " + thousands(float64(c.Target))}, Numeric: map[int]bool{0: true, 1: true}}
	xs, ys := []float64{}, []float64{}
	idx := make([]float64, len(c.Probes))
	for i, p := range c.Probes {
		idx[i] = p.Value
	}
	for _, i := range sortedBy(idx) {
		p := c.Probes[i]
		met := "no"
		if p.Met {
			met = "yes"
		}
		tb.Rows = append(tb.Rows, []string{num(p.Value), thousands(p.AtTarget.Mean), thousands(p.AtTarget.CILow) + " – " + thousands(p.AtTarget.CIHigh), met})
		xs, ys = append(xs, p.Value), append(ys, p.AtTarget.Mean)
	}
	s.Tables = append(s.Tables, tb)
	if len(xs) > 1 {
		target := series{Name: "target", X: []float64{xs[0], xs[len(xs)-1]}, Y: []float64{float64(c.Target), float64(c.Target)}, Dashed: true}
		if svg, err := linePlot(axes{Title: c.Metric + " on " + c.Date + " by " + c.Lever, X: c.Lever, Y: c.Metric + " (full scale)", YMin0: true},
			[]series{{Name: "simulated (mean of replicas)", X: xs, Y: ys}, target}); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "capacity-" + slug(c.Lever), Title: c.Metric + " by " + c.Lever, SVG: svg,
				Caption: "Each point is a full simulation at one value of the lever; the capacity needed is where the curve crosses the target."})
		}
	}
	r.Sections = append(r.Sections, s)
	return true
}
