package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// daily is daily.csv summarised over replicas: per date, each column's mean and 95% CI,
// at full scale.
type daily struct {
	dates []time.Time
	cols  map[string][]results.Band
	order []string
}

// readDaily reads daily.csv (one row per replica and date) into per-date bands at full
// scale (counts divided by scale; columns that are not counts, such as waits in days, are
// kept as they are).
func readDaily(r *Report, dir string, scale float64) (*daily, bool) {
	t, err := readCSVFile(filepath.Join(dir, results.DailyFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no daily curves", results.DailyFile, simplify(err)))
		return nil, false
	}
	dc := t.col(results.ColDate)
	if dc < 0 || len(t.Rows) == 0 {
		r.Missing = append(r.Missing, results.DailyFile+": no date column or no rows — no daily curves")
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
	d := &daily{cols: map[string][]results.Band{}}
	for _, s := range dates {
		tm, err := time.Parse("2006-01-02", strings.TrimSpace(s))
		if err != nil {
			r.Missing = append(r.Missing, fmt.Sprintf("%s: date %q is not YYYY-MM-DD — no daily curves", results.DailyFile, s))
			return nil, false
		}
		d.dates = append(d.dates, tm)
	}
	for i, h := range t.Header {
		if i == dc || h == results.ColReplica || h == results.ColDay {
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
		bs := make([]results.Band, len(dates))
		for g, xs := range groups {
			bs[g] = results.BandOf(xs)
		}
		d.cols[h] = bs
		d.order = append(d.order, h)
	}
	return d, true
}

// curve returns a column as a plot series with its band; with smooth > 1, the mean and
// band over the last smooth days (a weekly mean hides the counters' closed weekends).
func (d *daily) curve(col, name string, smooth int) (series, bool) {
	bs, ok := d.cols[col]
	if !ok {
		return series{}, false
	}
	if smooth > 1 {
		sm := make([]results.Band, len(bs))
		for i := range bs {
			var m, lo, hi float64
			n := 0
			for k := max(0, i-smooth+1); k <= i; k++ {
				m, lo, hi, n = m+bs[k].Mean, lo+bs[k].CILow, hi+bs[k].CIHigh, n+1
			}
			sm[i] = results.Band{Mean: m / float64(n), CILow: lo / float64(n), CIHigh: hi / float64(n), N: bs[i].N}
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
func dailySections(r *Report, d *daily, sum *results.SimSummary) []Section {
	s := Section{Title: "Adoption day by day",
		Text: []string{"Cumulative counts at full scale; each curve is the mean over the replicas and the shaded band around it its 95% confidence interval. Dashed lines are the deadlines' targets."}}
	var curves []series
	for _, c := range [][2]string{{results.ColProfiles, "level-2 profiles collected"}, {results.ColActivated, "accounts activated"}, {results.ColActivatedLevel2, "activated at level 2"}} {
		if sr, ok := d.curve(c[0], c[1], 1); ok {
			curves = append(curves, sr)
		}
	}
	for _, c := range curves {
		r.keepCurve("Adoption: "+c.Name, axes{Title: "Adoption: " + c.Name, X: "date", Y: "citizens (full scale)", Dates: true, YMin0: true}, c)
	}
	if sr, ok := d.curve(results.ColCounterQueue, "waiting at counters", 1); ok {
		r.keepCurve("Counter queue", axes{Title: "Counter queue", X: "date", Y: "citizens waiting (full scale)", Dates: true, YMin0: true}, sr)
	}
	if sum != nil && len(d.dates) > 0 {
		x0, x1 := float64(d.dates[0].Unix()), float64(d.dates[len(d.dates)-1].Unix())
		for _, dl := range sum.Deadlines {
			curves = append(curves, series{Name: "target: " + dl.Name, X: []float64{x0, x1}, Y: []float64{float64(dl.Target), float64(dl.Target)}, Dashed: true})
		}
	}
	if len(curves) > 0 {
		if svg, err := linePlot(axes{Title: "Adoption over the campaign", X: "date", Y: "citizens (full scale)", Dates: true, YMin0: true}, curves); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "adoption", Title: "Adoption over the campaign", SVG: svg,
				Caption: "Level-2 profiles collected at police counters and accounts activated, against the deadlines' targets."})
		}
	}
	var queue []series
	if sr, ok := d.curve(results.ColCounterQueue, "waiting at counters", 1); ok {
		queue = append(queue, sr)
	}
	if sr, ok := d.curve(results.ColCounterServed, "served per day (7-day mean)", 7); ok {
		queue = append(queue, sr)
	}
	if len(queue) > 0 {
		if svg, err := linePlot(axes{Title: "Police-counter queues", X: "date", Y: "citizens (full scale)", Dates: true, YMin0: true}, queue); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "counter-queues", Title: "Police-counter queues", SVG: svg,
				Caption: "Citizens waiting for a level-2 enrolment at the end of each day, and citizens served that day. A queue that does not drain means the counters are the bottleneck."})
		}
	}
	var traffic []series
	sms := d.first("otp_sms_submitted", results.ColSMSSubmitted)
	for _, c := range [][2]string{{results.ColLogins, "logins per day"}, {sms, "OTP SMS per day"}, {results.ColRegistrations, "registrations per day"}} {
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
		{results.ColCounterServed, "peak_counter_served", "Counter enrolments on the busiest day"},
		{results.ColCounterQueue, "peak_counter_queue", "Longest counter queue"},
		{sms, "peak_otp_sms", "OTP SMS on the busiest day"},
		{results.ColLogins, "peak_logins", "Logins on the busiest day"},
	} {
		if v, on, ok := d.peak(c.col); ok {
			r.Headline = append(r.Headline, Figure{Key: c.key, Label: c.label, Value: v, Text: thousands(v), Note: "on " + on, Detail: c.key == "peak_logins", Group: "Capacity used on the busiest day"})
			capTable.Rows = append(capTable.Rows, []string{c.label, thousands(v), on})
		}
	}
	if len(capTable.Rows) > 0 {
		s.Text = append(s.Text, "The capacity below is what the simulated campaign used on its busiest day; when a deadline is missed, more was needed — rerun eidsim simulate with more counters or kits to find how much.")
		s.Tables = append(s.Tables, capTable)
	}
	return []Section{s}
}
