package calibrate

import (
	"fmt"
	"io"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// PrintSummary writes a calibration's headline on the terminal: the posterior of each
// parameter, the fit, and the validation's coverage with its worst misses.
func PrintSummary(w io.Writer, s *results.CalibrationSummary) {
	state := s.StopReason
	if s.Interrupted {
		state = "INTERRUPTED after round " + fmt.Sprint(s.Rounds)
	}
	fmt.Fprintf(w, "calibration on %s: %d model runs, %d particles, %d rounds (%s)\n", strings.Join(s.Campaigns, ", "),
		s.Runs, s.Particles, s.Rounds, state)
	fmt.Fprintf(w, "  %-26s %12s %12s %25s  %s\n", "parameter", "prior", "median", "90% interval", "posterior/prior width")
	for _, p := range s.Params {
		fmt.Fprintf(w, "  %-26s %5s–%-6s %12s %12s – %-10s  %.2f %s\n", p.Name, num(p.PriorLo), num(p.PriorHi), num(p.Median),
			num(p.Q05), num(p.Q95), p.WidthRatio, p.Identified)
	}
	covered := 0
	for _, f := range s.Fit {
		if f.Covered {
			covered++
		}
	}
	fmt.Fprintf(w, "in sample: %d of %d evidence points inside the posterior predictive 90%% interval\n", covered, len(s.Fit))
	for _, f := range s.Fit {
		fmt.Fprintf(w, "  %-34s %10s %-9s predicted %10s [%s – %s] %+6.1f%%%s\n", f.ID, num(f.Reported), f.Kind, num(f.Median), num(f.Lo), num(f.Hi),
			f.ErrorPct, mark(f.Covered))
	}
	v := s.Validation
	if v == nil {
		return
	}
	fmt.Fprintf(w, "validation (held out): %d of %d points covered by their 90%% interval (%.0f%%); activated share median abs error %.1f points",
		v.Covered, v.Points, 100*v.Coverage, v.ShareMAE)
	if v.NationalMaxErrorPct > 0 {
		fmt.Fprintf(w, "; national time split worst error %.1f%%", v.NationalMaxErrorPct)
	}
	fmt.Fprintln(w)
	for _, h := range v.Holdouts {
		for _, f := range h.Rows {
			fmt.Fprintf(w, "  %-22s %-34s %10s predicted %10s [%s – %s] %+6.1f%%%s\n", h.Name, f.ID, num(f.Reported), num(f.Median),
				num(f.Lo), num(f.Hi), f.ErrorPct, mark(f.Covered))
		}
	}
	for _, m := range v.Worst {
		fmt.Fprintf(w, "  worst: %s (%s): %s\n", m.ID, m.Holdout, m.Why)
	}
}

func mark(ok bool) string {
	if ok {
		return "  covered"
	}
	return "  MISSED"
}
