package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// ci formats a band's 95% confidence interval of the mean.
func ci(b results.Band) string { return "95% CI " + thousands(b.CILow) + " – " + thousands(b.CIHigh) }

// thousands formats a count with thousands separators.
func thousands(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if v < 0 && s != "0" {
		return "-" + b.String()
	}
	return b.String()
}

// buildSimulation fills r from a campaign simulation's run directory. A run of one campaign
// has its files at the top; a run of several campaigns, or with a counterfactual, has one
// subdirectory per campaign, each with base/ and without/ for a counterfactual.
func buildSimulation(r *Report, dir string, m *results.Manifest) error {
	if simRunDir(dir) {
		simDir(r, dir)
	} else {
		subs := simSubdirs(dir)
		if len(subs) == 0 {
			simDir(r, dir) // says what is missing
		}
		for _, sub := range subs {
			name := filepath.Base(sub)
			prefix := ""
			if len(subs) > 1 {
				prefix = name
			}
			base := filepath.Join(sub, "base")
			if !exists(base) {
				absorb(r, simDir(&Report{}, sub), prefix, false)
				continue
			}
			without := "without the interventions"
			if m != nil {
				if cf, ok := m.Options["counterfactual"].(string); ok && cf != "" {
					without = "without " + cf
				}
			}
			withR, withoutR := simDir(&Report{}, base), simDir(&Report{}, filepath.Join(sub, "without"))
			absorb(r, withR, prefix, false)
			if s, ok := counterfactualSection(r, sub, prefix, without); ok {
				for _, name := range sortedKeys(withR.curves) {
					cb, ok := withoutR.curves[name]
					if !ok || !strings.HasPrefix(name, "Adoption: ") {
						continue
					}
					a, b := withR.curves[name].s, cb.s
					a.Name, b.Name, b.Dashed = "with", without, true
					if svg, err := linePlot(withR.curves[name].axes, []series{a, b}); err == nil {
						s.Plots = append(s.Plots, Plot{Name: "counterfactual-" + slug(prefix+" "+name), Title: name + ", with and " + without, SVG: svg,
							Caption: "The campaign as run (solid) and " + without + " (dashed), same seeds."})
					}
				}
				r.Sections = append(r.Sections, s)
			}
			absorb(r, withoutR, strings.TrimSpace(prefix+" "+without), true)
		}
	}
	cal := dir
	if !exists(filepath.Join(dir, results.CalibrationCSVFile)) && !exists(filepath.Join(dir, results.CalibrationFile)) {
		// A run with a subdirectory per campaign calibrates the campaign as run (base/).
		for _, sub := range simSubdirs(dir) {
			for _, d := range []string{filepath.Join(sub, "base"), sub} {
				if exists(filepath.Join(d, results.CalibrationCSVFile)) || exists(filepath.Join(d, results.CalibrationFile)) {
					cal = d
					break
				}
			}
			if cal != dir {
				break
			}
		}
	}
	r.Sections = append(r.Sections, calibrationSection(r, cal, m))
	return nil
}

// simRunDir reports whether dir holds the outputs of one simulated campaign.
func simRunDir(dir string) bool {
	for _, f := range []string{results.SimSummaryFile, results.DailyFile, results.FunnelFile, results.CapacityFile} {
		if exists(filepath.Join(dir, f)) {
			return true
		}
	}
	return false
}

// simSubdirs lists the subdirectories of dir that hold a campaign's outputs, sorted.
func simSubdirs(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, en := range entries {
		sub := filepath.Join(dir, en.Name())
		if en.IsDir() && (simRunDir(sub) || exists(filepath.Join(sub, "base"))) {
			out = append(out, sub)
		}
	}
	return out
}

// absorb adds the headline, sections and missing files of sub to r, labelled with prefix
// (nothing when prefix is empty); detail marks sub's figures as detail.
func absorb(r, sub *Report, prefix string, detail bool) {
	lp, kp, np := "", "", ""
	if prefix != "" {
		lp, kp, np = prefix+": ", prefix+"/", slug(prefix)+"-"
	}
	if v := sub.Verdict; v != nil && !detail {
		text := lp + v.Text
		switch {
		case r.Verdict == nil:
			r.Verdict = &Verdict{State: v.State, Text: text}
		default:
			r.Verdict.Text += "; " + text
			if v.State != VerdictHeld && r.Verdict.State == VerdictHeld {
				r.Verdict.State = v.State
			}
		}
	}
	for _, f := range sub.Headline {
		f.Key, f.Label = kp+f.Key, lp+f.Label
		f.Detail = f.Detail || detail
		if detail && f.Group == "" {
			f.Group = label(prefix)
		}
		r.Headline = append(r.Headline, f)
	}
	for _, m := range sub.Missing {
		r.Missing = append(r.Missing, lp+m)
	}
	for _, s := range sub.Sections {
		s.Title = lp + s.Title
		plots := make([]Plot, len(s.Plots))
		for i, p := range s.Plots {
			p.Name = np + p.Name
			plots[i] = p
		}
		s.Plots = plots
		r.Sections = append(r.Sections, s)
	}
	for name, c := range sub.curves {
		r.keepCurve(lp+name, c.axes, c.s)
	}
}

// simDir adds the figures and sections of one campaign's outputs in dir to r.
func simDir(r *Report, dir string) *Report {
	if capacitySection(r, dir) {
		return r
	}
	sum := readSimSummary(r, dir)
	scale := 1.0
	if sum != nil && sum.Scale > 0 {
		scale = sum.Scale
	}
	var secs []Section
	if sum != nil {
		secs = append(secs, deadlineSection(r, sum))
	}
	if d, ok := readDaily(r, dir, scale); ok {
		secs = append(secs, dailySections(r, d, sum)...)
	}
	if s, ok := funnelSection(r, dir); ok {
		secs = append(secs, s)
	}
	if sum != nil && (len(sum.Causes) > 0 || len(sum.Totals) > 0) {
		s := Section{Title: "Barriers met and totals", Text: []string{"Over the whole campaign, at full scale, mean over the replicas with its 95% confidence interval."}}
		s.Tables = append(s.Tables, bandTable("barriers met (a citizen may meet several)", "barrier", sum.Causes),
			bandTable("totals over the campaign", "figure", sum.Totals))
		secs = append(secs, s)
	}
	r.Sections = append(r.Sections, secs...)
	return r
}

func readSimSummary(r *Report, dir string) *results.SimSummary {
	b, err := os.ReadFile(filepath.Join(dir, results.SimSummaryFile))
	if err != nil {
		r.Missing = append(r.Missing, results.SimSummaryFile+": the simulation did not write its summary (it was interrupted?), so there are no deadline figures")
		return nil
	}
	var s results.SimSummary
	if err := json.Unmarshal(b, &s); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", results.SimSummaryFile, err))
		return nil
	}
	return &s
}

// deadlineSection puts each deadline and the state at the end in the headline.
func deadlineSection(r *Report, s *results.SimSummary) Section {
	sec := Section{Title: "Targets and deadlines",
		Text: []string{fmt.Sprintf("Campaign %s: %s simulated citizens (scale %.4g of the real population), %d replicas, seed %d. Figures are at full scale: mean over the replicas, with the 95%% confidence interval of the mean.",
			s.Campaign, thousands(float64(s.Citizens)), s.Scale, s.Replicas, s.Seed)}}
	tb := Table{Caption: "deadlines", Header: []string{"deadline", "date", "metric", "target", "at the deadline", "shortfall", "replicas that met it", "target reached on"},
		Numeric: map[int]bool{3: true, 4: true, 5: true, 6: true}}
	for _, d := range s.Deadlines {
		reached := "not within the simulated days"
		f := Figure{Key: "reached:" + d.Name, Label: d.Name + ": target reached on", Value: math.NaN(), Text: "not reached", Better: -1}
		if d.ReachedDate != "" && d.ReachedDay.N > 0 {
			reached = fmt.Sprintf("%s (day %.0f)", d.ReachedDate, d.ReachedDay.Mean)
			f.Value, f.Text = d.ReachedDay.Mean, d.ReachedDate
			f.Note = fmt.Sprintf("day %.0f of the campaign (95%% CI %.0f – %.0f)", d.ReachedDay.Mean, d.ReachedDay.CILow, d.ReachedDay.CIHigh)
		} else {
			f.Note = fmt.Sprintf("%s %s by %s", thousands(float64(d.Target)), d.Metric, d.Date)
		}
		r.Headline = append(r.Headline, f)
		sf := Figure{Key: "shortfall:" + d.Name, Label: d.Name + ": shortfall on " + d.Date, Value: d.Shortfall.Mean, Better: -1,
			Text: thousands(d.Shortfall.Mean), Note: fmt.Sprintf("%s of %s %s reached (%s); met in %s of replicas", thousands(d.AtDeadline.Mean), thousands(float64(d.Target)), d.Metric, ci(d.AtDeadline), pct(d.MetShare))}
		if d.Shortfall.Mean <= 0 {
			sf.Text = "none: met"
		}
		r.Headline = append(r.Headline, sf)
		tb.Rows = append(tb.Rows, []string{d.Name, d.Date, d.Metric, thousands(float64(d.Target)), thousands(d.AtDeadline.Mean) + " (" + ci(d.AtDeadline) + ")",
			thousands(d.Shortfall.Mean), pct(d.MetShare), reached})
	}
	for _, k := range sortedKeys(s.End) {
		b := s.End[k]
		r.Headline = append(r.Headline, Figure{Key: "end:" + k, Label: label(k) + " at the end", Value: b.Mean, Text: thousands(b.Mean), Note: ci(b), Better: +1,
			Detail: k != "activated", Group: ifText(k != "activated", "State at the end")})
	}
	r.Verdict = simVerdict(s)
	if len(tb.Rows) > 0 {
		sec.Tables = append(sec.Tables, tb)
	}
	return sec
}

// simVerdict states, for each deadline, whether the campaign met its target and when, or
// by how much it fell short.
func simVerdict(s *results.SimSummary) *Verdict {
	if len(s.Deadlines) == 0 {
		return &Verdict{State: VerdictUnknown, Text: "NO TARGET: the campaign sets no deadline to judge it by"}
	}
	v := &Verdict{State: VerdictHeld}
	var parts []string
	met := 0
	for _, d := range s.Deadlines {
		reps := ""
		if s.Replicas > 0 {
			reps = fmt.Sprintf("; met in %s of %d replicas", pct(d.MetShare), s.Replicas)
		}
		if d.Shortfall.Mean <= 0 {
			met++
			when := ""
			if d.ReachedDate != "" && d.ReachedDay.N > 0 {
				when = fmt.Sprintf(", reached on %s (day %.0f)", d.ReachedDate, d.ReachedDay.Mean)
			}
			parts = append(parts, fmt.Sprintf("%s MET — %s %s by %s%s%s", d.Name, thousands(float64(d.Target)), d.Metric, d.Date, when, reps))
			continue
		}
		v.State = VerdictNotHeld
		short := thousands(d.Shortfall.Mean)
		if d.Target > 0 {
			short += " (" + pct(d.Shortfall.Mean/float64(d.Target)) + " of the target)"
		}
		parts = append(parts, fmt.Sprintf("%s NOT MET — %s of %s %s by %s, short by %s%s", d.Name, thousands(d.AtDeadline.Mean), thousands(float64(d.Target)), d.Metric, d.Date, short, reps))
	}
	head := "TARGETS MET"
	if met < len(s.Deadlines) {
		head = fmt.Sprintf("TARGETS NOT MET (%d of %d met)", met, len(s.Deadlines))
	}
	if len(s.Deadlines) == 1 {
		// One target: its verdict is the head ("TARGET NOT MET: 2023 plan (profiles) — …").
		d := s.Deadlines[0]
		head, parts[0] = "TARGET MET", strings.Replace(parts[0], d.Name+" MET", d.Name, 1)
		if met == 0 {
			head, parts[0] = "TARGET NOT MET", strings.Replace(parts[0], d.Name+" NOT MET", d.Name, 1)
		}
	}
	v.Text = head + ": " + strings.Join(parts, "; ")
	return v
}

func bandTable(caption, what string, m map[string]results.Band) Table {
	t := Table{Caption: caption, Header: []string{what, "mean", "95% CI of the mean", "replicas' 2.5–97.5%"}, Numeric: map[int]bool{1: true}}
	for _, k := range sortedKeys(m) {
		b := m[k]
		t.Rows = append(t.Rows, []string{k, thousands(b.Mean), thousands(b.CILow) + " – " + thousands(b.CIHigh), thousands(b.P025) + " – " + thousands(b.P975)})
	}
	return t
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// label turns a snake_case key into words.
func label(k string) string {
	s := strings.ReplaceAll(k, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// calibrationSection compares simulated with reported figures.
func calibrationSection(r *Report, dir string, m *results.Manifest) Section {
	s := Section{Title: "Calibration against reported figures"}
	if t, err := readCSVFile(filepath.Join(dir, results.CalibrationCSVFile)); err == nil {
		tb := Table{Caption: results.CalibrationCSVFile, Header: t.Header, Rows: t.Rows, Numeric: map[int]bool{}}
		for i := range t.Header {
			if _, ok := t.floats(i); ok {
				tb.Numeric[i] = true
			}
		}
		s.Tables = append(s.Tables, tb)
		return s
	}
	if b, err := os.ReadFile(filepath.Join(dir, results.CalibrationFile)); err == nil {
		s.Pre = string(b)
		return s
	}
	if m != nil {
		if c, ok := m.Options["calibrate"].(bool); ok && !c {
			s.Text = append(s.Text, "This run was not asked to calibrate (eidsim simulate --calibrate writes the comparison with reported figures).")
			return s
		}
	}
	r.Missing = append(r.Missing, results.CalibrationFile+": no comparison of the simulation with reported figures")
	s.Text = append(s.Text, "The run wrote no calibration table.")
	return s
}

// simplify drops the path from a "file not found" error.
func simplify(err error) error {
	if os.IsNotExist(err) {
		return fmt.Errorf("not written")
	}
	return err
}
