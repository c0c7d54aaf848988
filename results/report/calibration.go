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

// Acceptance bars of a validation (issue 12): coverage of the held-out points by their 90%
// interval, median absolute error of the activated share, worst national time-split error.
const (
	wantCoverage        = 0.8
	wantShareMAEPoints  = 5.0
	wantNationalErrPct  = 10.0
	identifiedThreshold = 0.5
)

// isCalibration reports whether dir holds a calibration's record (eidsim simulate --calibrate).
func isCalibration(dir string) bool {
	return exists(filepath.Join(dir, results.CalibrationSummaryFile))
}

// buildCalibration fills r from a calibration's record: the verdict of its validation, the
// posterior and what the data pin down, the fit, the held-out predictions and the sensitivity.
func buildCalibration(r *Report, dir string, m *results.Manifest) error {
	b, err := os.ReadFile(filepath.Join(dir, results.CalibrationSummaryFile))
	if err != nil {
		return err
	}
	var s results.CalibrationSummary
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, results.CalibrationSummaryFile), err)
	}
	if s.Interrupted || (m != nil && m.Status == results.StatusInterrupted) {
		r.Warnings = append(r.Warnings, fmt.Sprintf("This calibration was interrupted: the figures are of its last merged round (%d).", s.Rounds))
	}
	r.Verdict = calibrationVerdict(&s)
	calibrationHeadline(r, &s)
	r.Sections = append(r.Sections, posteriorSection(&s), fitSection(&s))
	if s.Validation != nil {
		r.Sections = append(r.Sections, validationSection(&s))
	} else {
		r.Missing = append(r.Missing, "validation: this calibration was not validated (eidsim simulate --validate)")
	}
	if len(s.Sensitivity) > 0 {
		r.Sections = append(r.Sections, sensitivitySection(&s))
	}
	return nil
}

func calibrationVerdict(s *results.CalibrationSummary) *Verdict {
	v := s.Validation
	if v == nil || v.Points == 0 {
		return &Verdict{State: VerdictUnknown, Text: "NOT VALIDATED: no held-out evidence was predicted"}
	}
	var fails []string
	if v.Coverage < wantCoverage {
		fails = append(fails, fmt.Sprintf("coverage below %s", pct(wantCoverage)))
	}
	if len(v.Shares) > 0 && v.ShareMAE > wantShareMAEPoints {
		fails = append(fails, fmt.Sprintf("activated-share error above %.0f points", wantShareMAEPoints))
	}
	if v.NationalMaxErrorPct > wantNationalErrPct {
		fails = append(fails, fmt.Sprintf("a national point off by more than %.0f%%", wantNationalErrPct))
	}
	text := fmt.Sprintf("%d of %d held-out points inside their 90%% interval (%s)", v.Covered, v.Points, pct(v.Coverage))
	if len(v.Shares) > 0 {
		text += fmt.Sprintf("; activated share off by %.1f points (median)", v.ShareMAE)
	}
	if v.NationalMaxErrorPct > 0 {
		text += fmt.Sprintf("; national time split within %.1f%%", v.NationalMaxErrorPct)
	}
	if len(fails) == 0 {
		return &Verdict{State: VerdictHeld, Text: "VALIDATED: " + text}
	}
	return &Verdict{State: VerdictNotHeld, Text: "NOT VALIDATED (" + strings.Join(fails, ", ") + "): " + text}
}

func calibrationHeadline(r *Report, s *results.CalibrationSummary) {
	if v := s.Validation; v != nil {
		f := fig("coverage", "Held-out points inside their 90% interval", v.Coverage, "%", +1)
		f.Note = fmt.Sprintf("%d of %d; the bar is %s", v.Covered, v.Points, pct(wantCoverage))
		r.Headline = append(r.Headline, f)
		if len(v.Shares) > 0 {
			f := fig("share-mae", "Activated share: median absolute error", v.ShareMAE, "points", -1)
			f.Note = fmt.Sprintf("over %d held-out area-dates; the bar is %.0f", len(v.Shares), wantShareMAEPoints)
			r.Headline = append(r.Headline, f)
		}
		if v.NationalMaxErrorPct > 0 {
			f := fig("national-error", "National time split: worst error", v.NationalMaxErrorPct, "%", -1)
			f.Text, f.Note = fmt.Sprintf("%.1f %%", v.NationalMaxErrorPct), fmt.Sprintf("fitted to %s, predicting later; the bar is %.0f %%", "mid-2023", wantNationalErrPct)
			r.Headline = append(r.Headline, f)
		}
	}
	pinned := 0
	for _, p := range s.Params {
		if p.WidthRatio < identifiedThreshold {
			pinned++
		}
	}
	f := fig("pinned", "Parameters the data pin down", float64(pinned), "", +1)
	f.Text, f.Note = fmt.Sprintf("%d of %d", pinned, len(s.Params)), "posterior 90% interval under half the prior's"
	r.Headline = append(r.Headline, f)
	runs := fig("model-runs", "Model runs", float64(s.Runs), "", 0)
	runs.Note = fmt.Sprintf("%d particles, %d rounds after the prior round, %s citizens per campaign", s.Particles, s.Rounds, thousands(float64(s.Citizens)))
	r.Headline = append(r.Headline, runs)
}

func posteriorSection(s *results.CalibrationSummary) Section {
	sec := Section{Title: "Posterior of the pooled parameters", Text: []string{
		fmt.Sprintf("One parameter set for %s, calibrated by %s on evidence version %d, seed %d: %d model runs, stopped after %s.",
			strings.Join(s.Campaigns, ", "), s.Method, s.EvidenceVersion, s.Seed, s.Runs, s.StopReason),
		"Width is the posterior's 90% interval over the prior's on the sampler's scale (log for a log-uniform prior): under 0.5 the data pin the parameter down, above 0.8 they say little about it."}}
	t := Table{Caption: "parameters", Header: []string{"parameter", "prior", "mean", "median", "90% interval", "width", "identified", "meaning"},
		Numeric: map[int]bool{2: true, 3: true, 5: true}}
	for _, p := range s.Params {
		t.Rows = append(t.Rows, []string{p.Name, fmt.Sprintf("%s %s – %s", p.Dist, short(p.PriorLo), short(p.PriorHi)), short(p.Mean), short(p.Median),
			short(p.Q05) + " – " + short(p.Q95), fmt.Sprintf("%.2f", p.WidthRatio), p.Identified, p.Meaning})
	}
	sec.Tables = append(sec.Tables, t)
	if len(s.Correlation) == len(s.Params) && len(s.Params) > 0 {
		c := Table{Caption: "posterior correlations (sampler's scale); |r| ≥ 0.5 means the data fix a combination, not each parameter", Header: []string{""}, Numeric: map[int]bool{}}
		for i, p := range s.Params {
			c.Header = append(c.Header, fmt.Sprintf("%d", i+1))
			c.Numeric[i+1] = true
			row := []string{fmt.Sprintf("%d %s", i+1, p.Name)}
			for j := range s.Params {
				row = append(row, fmt.Sprintf("%+.2f", s.Correlation[i][j]))
			}
			c.Rows = append(c.Rows, row)
		}
		sec.Tables = append(sec.Tables, c)
	}
	tol := Table{Caption: "tolerance schedule", Header: []string{"round", "tolerance (RMS log error)", "acceptance"}, Numeric: map[int]bool{0: true, 1: true, 2: true}}
	for g, e := range s.Epsilon {
		acc := "–"
		if g > 0 && g-1 < len(s.Acceptance) {
			acc = pct(s.Acceptance[g-1])
		}
		tol.Rows = append(tol.Rows, []string{fmt.Sprint(g), fmt.Sprintf("%.4f", e), acc})
	}
	sec.Tables = append(sec.Tables, tol)
	return sec
}

func fitTable(caption string, rows []results.PointFit, holdout []string) Table {
	t := Table{Caption: caption, Header: []string{"point", "kind", "reported", "predicted median", "90% interval", "error", "covered"},
		Numeric: map[int]bool{2: true, 3: true, 5: true}}
	if holdout != nil {
		t.Header = append([]string{"held out"}, t.Header...)
		t.Numeric = map[int]bool{3: true, 4: true, 6: true}
	}
	for i, f := range rows {
		row := []string{f.ID, f.Kind, thousands(f.Reported), thousands(f.Median), thousands(f.Lo) + " – " + thousands(f.Hi),
			fmt.Sprintf("%+.1f%%", f.ErrorPct), ifText(f.Covered, "yes") + ifText(!f.Covered, "NO")}
		if holdout != nil {
			row = append([]string{holdout[i]}, row...)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func fitSection(s *results.CalibrationSummary) Section {
	return Section{Title: "Fit to the evidence (in sample)",
		Text:   []string{"Each evidence point against the posterior predictive distribution: every particle's run, weighted, so the interval carries parameter and behavioural uncertainty."},
		Tables: []Table{fitTable("evidence points", s.Fit, nil)}}
}

func validationSection(s *results.CalibrationSummary) Section {
	v := s.Validation
	sec := Section{Title: "Validation (out of sample)", Text: []string{"Method: " + v.Method + "."}}
	sec.Text = append(sec.Text, v.Notes...)
	var rows []results.PointFit
	var names []string
	for _, h := range v.Holdouts {
		for _, f := range h.Rows {
			rows = append(rows, f)
			names = append(names, fmt.Sprintf("%s (ESS %.0f)", h.Name, h.ESS))
		}
	}
	sec.Tables = append(sec.Tables, fitTable("held-out points, each predicted by the refit without it", rows, names))
	if svg, ok := ratioPlot(rows); ok {
		sec.Plots = append(sec.Plots, Plot{Name: "validation-ratio", Title: "Held-out predictions ÷ reported", SVG: svg,
			Caption: "Each held-out point in the table's order: the predicted median ÷ the reported figure, with its 90% interval as the band; 1 (dashed) is a perfect prediction, and a point is covered where the band crosses it."})
	}
	if len(v.Shares) > 0 {
		t := Table{Caption: "activated share (activated ÷ collected) of the held-out area-dates", Header: []string{"held out", "area", "date", "reported", "predicted", "error (points)"},
			Numeric: map[int]bool{3: true, 4: true, 5: true}}
		for _, x := range v.Shares {
			t.Rows = append(t.Rows, []string{x.Holdout, x.Area, x.Date, pct(x.Reported), pct(x.Predicted), fmt.Sprintf("%.1f", x.AbsErrorPoints)})
		}
		sec.Tables = append(sec.Tables, t)
	}
	for _, m := range v.Worst {
		kind := ifText(m.Structural, "structural") + ifText(!m.Structural, "parametric")
		sec.Text = append(sec.Text, fmt.Sprintf("Worst miss %s (%s, %s): %s.", m.ID, m.Holdout, kind, m.Why))
	}
	return sec
}

func sensitivitySection(s *results.CalibrationSummary) Section {
	sec := Section{Title: "Sensitivity of the headline outputs", Text: []string{
		"Method: " + s.Sensitivity[0].Method + fmt.Sprintf(" (%d runs). An index is the share of the output's variance over the prior ranges that the parameter explains alone; what the indices leave is interactions and behavioural noise.", s.Sensitivity[0].Samples)}}
	t := Table{Caption: "first-order indices", Header: []string{"output"}, Numeric: map[int]bool{}}
	for i, x := range s.Sensitivity[0].Indices {
		t.Header = append(t.Header, x.Param)
		t.Numeric[i+1] = true
	}
	for _, o := range s.Sensitivity {
		row := []string{o.Output}
		for _, x := range o.Indices {
			row = append(row, fmt.Sprintf("%.2f", x.S1))
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Tables = append(sec.Tables, t)
	return sec
}

// short formats a parameter value with about three significant digits.
func short(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1000:
		return thousands(v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	case a == 0:
		return "0"
	}
	return fmt.Sprintf("%.3f", v)
}

// ratioPlot draws predicted ÷ reported with the 90% band for each held-out point.
func ratioPlot(rows []results.PointFit) ([]byte, bool) {
	var pred, one series
	pred.Name, one.Name, one.Dashed = "predicted ÷ reported (90% interval)", "reported", true
	for i, f := range rows {
		if f.Reported <= 0 {
			continue
		}
		x := float64(i + 1)
		pred.X, pred.Y = append(pred.X, x), append(pred.Y, f.Median/f.Reported)
		pred.Lo, pred.Hi = append(pred.Lo, f.Lo/f.Reported), append(pred.Hi, f.Hi/f.Reported)
		one.X, one.Y = append(one.X, x), append(one.Y, 1)
	}
	if len(pred.X) < 2 {
		return nil, false
	}
	svg, err := linePlot(axes{Title: "Held-out predictions ÷ reported", X: "held-out point (table order)", Y: "predicted ÷ reported", YMin0: true},
		[]series{pred, one})
	return svg, err == nil
}
