package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// Files of a campaign simulation's run directory (eidsim simulate).
const (
	DailyFile          = "daily.csv"       // one row per replica and day, simulated (scaled-down) counts
	FunnelFile         = "funnel.csv"      // citizens by segment, outcome and cause, mean and 95% CI over replicas
	SimSummaryFile     = "summary.json"    // headline figures at full scale with confidence bands
	CalibrationFile    = "calibration.md"  // simulated against reported figures
	CalibrationCSVFile = "calibration.csv" // the same as a table
	CapacityFile       = "capacity.json"   // eidsim simulate --capacity: the fewest kits or lowest SMS rate that meets a deadline
	CounterfactualFile = "counterfactual.csv"
)

// band is a figure across replicas: mean, 95% confidence interval of the mean, and the
// 2.5–97.5% range of the replicas.
type band struct {
	Mean   float64 `json:"mean"`
	CILow  float64 `json:"ci95_low"`
	CIHigh float64 `json:"ci95_high"`
	P025   float64 `json:"p2_5"`
	P975   float64 `json:"p97_5"`
	N      int     `json:"replicas"`
}

func (b band) ci() string { return "95% CI " + thousands(b.CILow) + " – " + thousands(b.CIHigh) }

// simSummary is summary.json of a campaign simulation.
type simSummary struct {
	Campaign  string          `json:"campaign"`
	Citizens  int             `json:"citizens"`
	Scale     float64         `json:"scale"`
	Seed      uint64          `json:"seed"`
	Replicas  int             `json:"replicas"`
	End       map[string]band `json:"end"`
	Deadlines []struct {
		Name        string  `json:"name"`
		Date        string  `json:"date"`
		Metric      string  `json:"metric"`
		Target      float64 `json:"target"`
		AtDeadline  band    `json:"at_deadline"`
		Shortfall   band    `json:"shortfall"`
		MetShare    float64 `json:"met_share"`
		ReachedDay  band    `json:"reached_day"`
		ReachedDate string  `json:"reached_date"`
	} `json:"deadlines"`
	Totals map[string]band `json:"totals"`
	Causes map[string]band `json:"barriers_met"`
}

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
	if !exists(filepath.Join(dir, CalibrationCSVFile)) && !exists(filepath.Join(dir, CalibrationFile)) {
		// A run with a subdirectory per campaign calibrates the campaign as run (base/).
		for _, sub := range simSubdirs(dir) {
			for _, d := range []string{filepath.Join(sub, "base"), sub} {
				if exists(filepath.Join(d, CalibrationCSVFile)) || exists(filepath.Join(d, CalibrationFile)) {
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
	for _, f := range []string{SimSummaryFile, DailyFile, FunnelFile, CapacityFile} {
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
	for _, f := range sub.Headline {
		f.Key, f.Label = kp+f.Key, lp+f.Label
		f.Detail = f.Detail || detail
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

func readSimSummary(r *Report, dir string) *simSummary {
	b, err := os.ReadFile(filepath.Join(dir, SimSummaryFile))
	if err != nil {
		r.Missing = append(r.Missing, SimSummaryFile+": the simulation did not write its summary (it was interrupted?), so there are no deadline figures")
		return nil
	}
	var s simSummary
	if err := json.Unmarshal(b, &s); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", SimSummaryFile, err))
		return nil
	}
	return &s
}

// deadlineSection puts each deadline and the state at the end in the headline.
func deadlineSection(r *Report, s *simSummary) Section {
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
			f.Note = fmt.Sprintf("%s %s by %s", thousands(d.Target), d.Metric, d.Date)
		}
		r.Headline = append(r.Headline, f)
		sf := Figure{Key: "shortfall:" + d.Name, Label: d.Name + ": shortfall on " + d.Date, Value: d.Shortfall.Mean, Better: -1,
			Text: thousands(d.Shortfall.Mean), Note: fmt.Sprintf("%s of %s %s reached (%s); met in %s of replicas", thousands(d.AtDeadline.Mean), thousands(d.Target), d.Metric, d.AtDeadline.ci(), pct(d.MetShare))}
		if d.Shortfall.Mean <= 0 {
			sf.Text = "none: met"
		}
		r.Headline = append(r.Headline, sf)
		tb.Rows = append(tb.Rows, []string{d.Name, d.Date, d.Metric, thousands(d.Target), thousands(d.AtDeadline.Mean) + " (" + d.AtDeadline.ci() + ")",
			thousands(d.Shortfall.Mean), pct(d.MetShare), reached})
	}
	for _, k := range sortedKeys(s.End) {
		b := s.End[k]
		r.Headline = append(r.Headline, Figure{Key: "end:" + k, Label: label(k) + " at the end", Value: b.Mean, Text: thousands(b.Mean), Note: b.ci(), Better: +1, Detail: k != "activated"})
	}
	if len(tb.Rows) > 0 {
		sec.Tables = append(sec.Tables, tb)
	}
	return sec
}

func bandTable(caption, what string, m map[string]band) Table {
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

// daily is daily.csv summarised over replicas: per date, each column's mean and 95% CI,
// at full scale.
type daily struct {
	dates []time.Time
	cols  map[string][]band
	order []string
}

// readDaily reads daily.csv (one row per replica and date) into per-date bands at full
// scale (counts divided by scale; columns that are not counts, such as waits in days, are
// kept as they are).
func readDaily(r *Report, dir string, scale float64) (*daily, bool) {
	t, err := readCSVFile(filepath.Join(dir, DailyFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no daily curves", DailyFile, simplify(err)))
		return nil, false
	}
	dc := t.col("date")
	if dc < 0 || len(t.Rows) == 0 {
		r.Missing = append(r.Missing, DailyFile+": no date column or no rows — no daily curves")
		return nil, false
	}
	byDate := map[string]int{}
	var dates []string
	for _, row := range t.Rows {
		if _, ok := byDate[row[dc]]; !ok {
			byDate[row[dc]] = len(dates)
			dates = append(dates, row[dc])
		}
	}
	d := &daily{cols: map[string][]band{}}
	for _, s := range dates {
		tm, err := time.Parse("2006-01-02", strings.TrimSpace(s))
		if err != nil {
			r.Missing = append(r.Missing, fmt.Sprintf("%s: date %q is not YYYY-MM-DD — no daily curves", DailyFile, s))
			return nil, false
		}
		d.dates = append(d.dates, tm)
	}
	for i, h := range t.Header {
		if i == dc || h == "replica" || h == "day" {
			continue
		}
		v, ok := t.floats(i)
		if !ok {
			continue
		}
		f := 1 / scale
		if strings.Contains(h, "mean") || strings.Contains(h, "days") || strings.Contains(h, "share") {
			f = 1
		}
		groups := make([][]float64, len(dates))
		for k, row := range t.Rows {
			g := byDate[row[dc]]
			groups[g] = append(groups[g], v[k]*f)
		}
		bs := make([]band, len(dates))
		for g, xs := range groups {
			bs[g] = bandOf(xs)
		}
		d.cols[h] = bs
		d.order = append(d.order, h)
	}
	return d, true
}

// bandOf is the mean of xs with the 95% confidence interval of the mean (normal
// approximation; the mean itself for one value).
func bandOf(xs []float64) band {
	b := band{N: len(xs)}
	if len(xs) == 0 {
		return b
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	b.Mean = sum / float64(len(xs))
	b.CILow, b.CIHigh = b.Mean, b.Mean
	if len(xs) > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - b.Mean) * (x - b.Mean)
		}
		se := math.Sqrt(ss/float64(len(xs)-1)) / math.Sqrt(float64(len(xs)))
		b.CILow, b.CIHigh = b.Mean-1.96*se, b.Mean+1.96*se
	}
	return b
}

// curve returns a column as a plot series with its band; with smooth > 1, the mean and
// band over the last smooth days (a weekly mean hides the counters' closed weekends).
func (d *daily) curve(col, name string, smooth int) (series, bool) {
	bs, ok := d.cols[col]
	if !ok {
		return series{}, false
	}
	if smooth > 1 {
		sm := make([]band, len(bs))
		for i := range bs {
			var m, lo, hi float64
			n := 0
			for k := max(0, i-smooth+1); k <= i; k++ {
				m, lo, hi, n = m+bs[k].Mean, lo+bs[k].CILow, hi+bs[k].CIHigh, n+1
			}
			sm[i] = band{Mean: m / float64(n), CILow: lo / float64(n), CIHigh: hi / float64(n), N: bs[i].N}
		}
		bs = sm
	}
	s := series{Name: name, X: make([]float64, len(bs)), Y: make([]float64, len(bs)), Lo: make([]float64, len(bs)), Hi: make([]float64, len(bs))}
	for i, b := range bs {
		s.X[i] = float64(d.dates[i].Unix())
		s.Y[i], s.Lo[i], s.Hi[i] = b.Mean, b.CILow, b.CIHigh
	}
	return s, true
}

// first returns the first of the named columns that daily.csv has ("" when none): column
// names that changed between versions of the simulation.
func (d *daily) first(cols ...string) string {
	for _, c := range cols {
		if _, ok := d.cols[c]; ok {
			return c
		}
	}
	return ""
}

// peak returns the largest daily mean of a column and its date.
func (d *daily) peak(col string) (float64, string, bool) {
	bs, ok := d.cols[col]
	if !ok || len(bs) == 0 {
		return 0, "", false
	}
	best := 0
	for i, b := range bs {
		if b.Mean > bs[best].Mean {
			best = i
		}
	}
	return bs[best].Mean, d.dates[best].Format("2006-01-02"), true
}

// dailySections draws the adoption curves with their bands, the counter queues and the
// daily load, and puts the capacity the campaign used in the headline.
func dailySections(r *Report, d *daily, sum *simSummary) []Section {
	s := Section{Title: "Adoption day by day",
		Text: []string{"Cumulative counts at full scale; each curve is the mean over the replicas and the shaded band around it its 95% confidence interval. Dashed lines are the deadlines' targets."}}
	var curves []series
	for _, c := range [][2]string{{"profiles", "level-2 profiles collected"}, {"activated", "accounts activated"}, {"activated_level2", "activated at level 2"}} {
		if sr, ok := d.curve(c[0], c[1], 1); ok {
			curves = append(curves, sr)
		}
	}
	for _, c := range curves {
		r.keepCurve("Adoption: "+c.Name, axes{Title: "Adoption: " + c.Name, X: "date", Y: "citizens (full scale)", Dates: true, YMin0: true}, c)
	}
	if sr, ok := d.curve("counter_queue", "waiting at counters", 1); ok {
		r.keepCurve("Counter queue", axes{Title: "Counter queue", X: "date", Y: "citizens waiting (full scale)", Dates: true, YMin0: true}, sr)
	}
	if sum != nil && len(d.dates) > 0 {
		x0, x1 := float64(d.dates[0].Unix()), float64(d.dates[len(d.dates)-1].Unix())
		for _, dl := range sum.Deadlines {
			curves = append(curves, series{Name: "target: " + dl.Name, X: []float64{x0, x1}, Y: []float64{dl.Target, dl.Target}, Dashed: true})
		}
	}
	if len(curves) > 0 {
		if svg, err := linePlot(axes{Title: "Adoption over the campaign", X: "date", Y: "citizens (full scale)", Dates: true, YMin0: true}, curves); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "adoption", Title: "Adoption over the campaign", SVG: svg,
				Caption: "Level-2 profiles collected at police counters and accounts activated, against the deadlines' targets."})
		}
	}
	var queue []series
	if sr, ok := d.curve("counter_queue", "waiting at counters", 1); ok {
		queue = append(queue, sr)
	}
	if sr, ok := d.curve("counter_served", "served per day (7-day mean)", 7); ok {
		queue = append(queue, sr)
	}
	if len(queue) > 0 {
		if svg, err := linePlot(axes{Title: "Police-counter queues", X: "date", Y: "citizens (full scale)", Dates: true, YMin0: true}, queue); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "counter-queues", Title: "Police-counter queues", SVG: svg,
				Caption: "Citizens waiting for a level-2 enrolment at the end of each day, and citizens served that day. A queue that does not drain means the counters are the bottleneck."})
		}
	}
	var traffic []series
	sms := d.first("otp_sms_submitted", "sms_submitted")
	for _, c := range [][2]string{{"logins", "logins per day"}, {sms, "OTP SMS per day"}, {"registrations", "registrations per day"}} {
		if sr, ok := d.curve(c[0], c[1]+" (7-day mean)", 7); ok {
			traffic = append(traffic, sr)
		}
	}
	if len(traffic) > 0 {
		if svg, err := linePlot(axes{Title: "Daily load on the service", X: "date", Y: "per day (full scale)", Dates: true, YMin0: true}, traffic); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "daily-load", Title: "Daily load on the service", SVG: svg,
				Caption: "What the identity service and the SMS gateway must absorb each day; the load scenarios test the busiest day compressed into minutes."})
		}
	}
	capTable := Table{Caption: "capacity the campaign used (full scale, busiest day)", Header: []string{"figure", "peak per day", "on"}, Numeric: map[int]bool{1: true}}
	for _, c := range []struct{ col, key, label string }{
		{"counter_served", "peak_counter_served", "Counter enrolments on the busiest day"},
		{"counter_queue", "peak_counter_queue", "Longest counter queue"},
		{sms, "peak_otp_sms", "OTP SMS on the busiest day"},
		{"logins", "peak_logins", "Logins on the busiest day"},
	} {
		if v, on, ok := d.peak(c.col); ok {
			r.Headline = append(r.Headline, Figure{Key: c.key, Label: c.label, Value: v, Text: thousands(v), Note: "on " + on, Detail: c.key == "peak_logins"})
			capTable.Rows = append(capTable.Rows, []string{c.label, thousands(v), on})
		}
	}
	if len(capTable.Rows) > 0 {
		s.Text = append(s.Text, "The capacity below is what the simulated campaign used on its busiest day; when a deadline is missed, more was needed — rerun eidsim simulate with more counters or kits to find how much.")
		s.Tables = append(s.Tables, capTable)
	}
	return []Section{s}
}

// funnelSection shows how citizens ended, by segment, with stacked bars of outcome shares
// and the share activated per segment in the headline.
func funnelSection(r *Report, dir string) (Section, bool) {
	t, err := readCSVFile(filepath.Join(dir, FunnelFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no funnel by segment", FunnelFile, simplify(err)))
		return Section{}, false
	}
	dimC, valC, outC, shareC := t.col("dimension"), t.col("value"), t.col("outcome"), t.col("share_mean", "share")
	if dimC < 0 || valC < 0 || outC < 0 || shareC < 0 {
		r.Missing = append(r.Missing, FunnelFile+": no dimension, value, outcome and share_mean columns — no funnel by segment")
		return Section{}, false
	}
	shares, ok := t.floats(shareC)
	if !ok {
		r.Missing = append(r.Missing, FunnelFile+": share_mean is not numeric — no funnel by segment")
		return Section{}, false
	}
	type seg struct{ dim, val string }
	byOutcome := map[seg]map[string]float64{}
	var segs []seg
	outcomes := map[string]bool{}
	for k, row := range t.Rows {
		sg := seg{row[dimC], row[valC]}
		if byOutcome[sg] == nil {
			byOutcome[sg] = map[string]float64{}
			segs = append(segs, sg)
		}
		byOutcome[sg][row[outC]] += shares[k]
		outcomes[row[outC]] = true
	}
	outs := sortedKeys(outcomes)
	s := Section{Title: "Who got through, by segment",
		Text: []string{"How the simulated citizens ended the campaign, as shares of each segment (mean over the replicas). Active means an account activated at level 1 or 2; blocked and gave up carry the barrier that stopped them in " + FunnelFile + "."}}
	tb := Table{Caption: "outcome shares by segment", Header: append([]string{"dimension", "segment", "active"}, outs...), Numeric: map[int]bool{}}
	for i := 2; i < len(tb.Header); i++ {
		tb.Numeric[i] = true
	}
	dims := map[string][]string{}
	var dimOrder []string
	for _, sg := range segs {
		m := byOutcome[sg]
		active := m["active_level1"] + m["active_level2"]
		row := []string{sg.dim, sg.val, pct(active)}
		for _, o := range outs {
			row = append(row, pct(m[o]))
		}
		tb.Rows = append(tb.Rows, row)
		if _, seen := dims[sg.dim]; !seen {
			dimOrder = append(dimOrder, sg.dim)
		}
		dims[sg.dim] = append(dims[sg.dim], sg.val)
		if sg.dim == "all" || sg.dim == "ethnicity" || sg.dim == "sim" {
			what := sg.dim + " " + sg.val
			if sg.dim == "all" {
				what = "all citizens"
			}
			r.Headline = append(r.Headline, Figure{Key: "active:" + sg.dim + "=" + sg.val, Label: "Active at the end: " + what,
				Value: active, Text: pct(active), Better: +1, Detail: sg.dim != "all"})
		}
	}
	s.Tables = append(s.Tables, tb)
	for _, dim := range []string{"sim", "handset", "coverage", "ethnicity", "poverty"} {
		vals := dims[dim]
		if len(vals) == 0 {
			continue
		}
		layers := make([]bar, len(outs))
		for i, o := range outs {
			layers[i] = bar{Name: o, Values: make([]float64, len(vals))}
			for k, v := range vals {
				layers[i].Values[k] = 100 * byOutcome[seg{dim, v}][o]
			}
		}
		if svg, err := stackedBars(axes{Title: "Outcome by " + dim, Y: "% of the segment", YMin0: true}, vals, layers); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "outcome-by-" + dim, Title: "Outcome by " + dim, SVG: svg,
				Caption: "Each bar is one " + dim + " segment, split by how its citizens ended the campaign."})
		}
	}
	return s, true
}

// calibrationSection compares simulated with reported figures.
func calibrationSection(r *Report, dir string, m *results.Manifest) Section {
	s := Section{Title: "Calibration against reported figures"}
	if t, err := readCSVFile(filepath.Join(dir, CalibrationCSVFile)); err == nil {
		tb := Table{Caption: CalibrationCSVFile, Header: t.Header, Rows: t.Rows, Numeric: map[int]bool{}}
		for i := range t.Header {
			if _, ok := t.floats(i); ok {
				tb.Numeric[i] = true
			}
		}
		s.Tables = append(s.Tables, tb)
		return s
	}
	if b, err := os.ReadFile(filepath.Join(dir, CalibrationFile)); err == nil {
		s.Pre = string(b)
		return s
	}
	if m != nil {
		if c, ok := m.Options["calibrate"].(bool); ok && !c {
			s.Text = append(s.Text, "This run was not asked to calibrate (eidsim simulate --calibrate writes the comparison with reported figures).")
			return s
		}
	}
	r.Missing = append(r.Missing, CalibrationFile+": no comparison of the simulation with reported figures")
	s.Text = append(s.Text, "The run wrote no calibration table.")
	return s
}

// capacityResult is capacity.json: a search of the fewest kits (or lowest SMS rate) that
// meets a deadline.
type capacityResult struct {
	Lever    string  `json:"lever"`
	Deadline string  `json:"deadline"`
	Date     string  `json:"date"`
	Metric   string  `json:"metric"`
	Target   float64 `json:"target"`
	Current  float64 `json:"current"`
	Answer   float64 `json:"answer"`
	Found    bool    `json:"found"`
	Binds    bool    `json:"binds"`
	Rule     string  `json:"rule"`
	Probes   []struct {
		Value    float64 `json:"value"`
		AtTarget band    `json:"at_deadline"`
		Met      bool    `json:"met"`
	} `json:"probes"`
}

// capacitySection reads capacity.json into the headline and a section; it reports whether
// the directory held one.
func capacitySection(r *Report, dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, CapacityFile))
	if err != nil {
		return false
	}
	var c capacityResult
	if err := json.Unmarshal(b, &c); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", CapacityFile, err))
		return true
	}
	f := Figure{Key: "capacity:" + c.Lever, Label: fmt.Sprintf("Capacity needed: fewest %s to meet %q", c.Lever, c.Deadline), Value: c.Answer, Better: -1,
		Note: fmt.Sprintf("%s %s by %s; the campaign has %s", thousands(c.Target), c.Metric, c.Date, num(c.Current))}
	switch {
	case c.Found && !c.Binds:
		f.Text, f.Note = "does not limit", fmt.Sprintf("every probe down to %s met %s %s by %s", num(c.Answer), thousands(c.Target), c.Metric, c.Date)
	case c.Found:
		f.Text = num(c.Answer)
	default:
		f.Value, f.Text = math.NaN(), "none within the search bound"
		f.Note = "demand, not " + c.Lever + ", limits this deadline; " + f.Note
	}
	r.Headline = append(r.Headline, f)
	s := Section{Title: "Capacity search: " + c.Lever}
	if c.Rule != "" {
		s.Text = append(s.Text, c.Rule)
	}
	tb := Table{Caption: "probes", Header: []string{c.Lever, c.Metric + " on " + c.Date, "95% CI", "met " + thousands(c.Target)}, Numeric: map[int]bool{0: true, 1: true}}
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
		target := series{Name: "target", X: []float64{xs[0], xs[len(xs)-1]}, Y: []float64{c.Target, c.Target}, Dashed: true}
		if svg, err := linePlot(axes{Title: c.Metric + " on " + c.Date + " by " + c.Lever, X: c.Lever, Y: c.Metric + " (full scale)", YMin0: true},
			[]series{{Name: "simulated (mean of replicas)", X: xs, Y: ys}, target}); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "capacity-" + slug(c.Lever), Title: c.Metric + " by " + c.Lever, SVG: svg,
				Caption: "Each point is a full simulation at one value of the lever; the capacity needed is where the curve crosses the target."})
		}
	}
	r.Sections = append(r.Sections, s)
	return true
}

// counterfactualSection contrasts the shares activated by segment with and without the
// interventions (counterfactual.csv).
func counterfactualSection(r *Report, dir, prefix, without string) (Section, bool) {
	t, err := readCSVFile(filepath.Join(dir, CounterfactualFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no contrast of the two arms", CounterfactualFile, simplify(err)))
		return Section{}, false
	}
	dc, vc, mc := t.col("dimension"), t.col("value"), t.col("metric")
	bm, am, dm, dlo, dhi := t.col("base_mean"), t.col("alt_mean"), t.col("diff_mean"), t.col("diff_ci95_low"), t.col("diff_ci95_high")
	if dc < 0 || vc < 0 || mc < 0 || bm < 0 || am < 0 || dm < 0 || dlo < 0 || dhi < 0 {
		r.Missing = append(r.Missing, CounterfactualFile+": columns missing — no contrast of the two arms")
		return Section{}, false
	}
	title := "With and " + without
	if prefix != "" {
		title = prefix + ": " + title
	}
	s := Section{Title: title, Text: []string{"Share of each segment activated at the end, with the interventions and " + without +
		" (same seeds), and the paired difference with its 95% confidence interval."}}
	tb := Table{Caption: CounterfactualFile + ": activated share", Header: []string{"dimension", "segment", "with", without, "difference", "95% CI of the difference"},
		Numeric: map[int]bool{2: true, 3: true, 4: true}}
	var cats []string
	withB, withoutB := bar{Name: "with"}, bar{Name: without}
	parse := func(row []string, i int) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(row[i]), 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	for _, row := range t.Rows {
		if row[mc] != "activated_share" {
			continue
		}
		b, a, d := parse(row, bm), parse(row, am), parse(row, dm)
		tb.Rows = append(tb.Rows, []string{row[dc], row[vc], pct(b), pct(a), fmt.Sprintf("%+.1f pp", 100*d), fmt.Sprintf("%+.1f – %+.1f pp", 100*parse(row, dlo), 100*parse(row, dhi))})
		if row[dc] == "all" {
			r.Headline = append(r.Headline, Figure{Key: "counterfactual:" + slug(prefix+" "+without), Label: strings.TrimSpace(prefix + " activated share, with − " + without),
				Value: d, Text: fmt.Sprintf("%+.1f pp", 100*d), Note: fmt.Sprintf("%s with, %s %s", pct(b), pct(a), without), Better: +1})
		}
		if row[dc] != "age" && row[dc] != "all" && !math.IsNaN(a) && !math.IsNaN(b) {
			cats = append(cats, row[dc]+" "+row[vc])
			withB.Values = append(withB.Values, 100*b)
			withoutB.Values = append(withoutB.Values, 100*a)
		}
	}
	s.Tables = append(s.Tables, tb)
	if len(cats) > 0 {
		if svg, err := groupedBars(axes{Title: "Activated share by segment, with and " + without, Y: "% of the segment", YMin0: true}, cats, []bar{withB, withoutB}); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "counterfactual-" + slug(prefix+" "+without), Title: "Activated share by segment, with and " + without, SVG: svg,
				Caption: "For each segment, the share activated at the end with the interventions beside the share " + without + "."})
		}
	}
	return s, true
}

// simplify drops the path from a "file not found" error.
func simplify(err error) error {
	if os.IsNotExist(err) {
		return fmt.Errorf("not written")
	}
	return err
}
