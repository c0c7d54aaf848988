package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// Files of a campaign simulation's run directory.
const (
	DailyFile       = "daily.csv"
	FunnelFile      = "funnel.csv"
	SimSummaryFile  = "summary.json"
	CalibrationFile = "calibration.md"
)

// bandSuffixes pair the lower and upper bound columns of a confidence band with the column
// they surround (e.g. level2 with level2_lo and level2_hi).
var bandSuffixes = [][2]string{{"_lo", "_hi"}, {"_low", "_high"}, {"_lower", "_upper"}, {"_p05", "_p95"}, {"_p5", "_p95"}, {"_p025", "_p975"}}

// buildSimulation fills r from a campaign simulation's run directory.
func buildSimulation(r *Report, dir string, m *results.Manifest) error {
	simSummary(r, dir)
	if s, ok := dailySection(r, dir); ok {
		r.Sections = append(r.Sections, s...)
	}
	if s, ok := funnelSection(r, dir); ok {
		r.Sections = append(r.Sections, s)
	}
	if b, err := os.ReadFile(filepath.Join(dir, CalibrationFile)); err == nil {
		r.Sections = append(r.Sections, Section{Title: "Calibration against reported figures", Pre: string(b)})
	} else {
		r.Missing = append(r.Missing, CalibrationFile+": no comparison of the simulation with reported figures")
	}
	return nil
}

// simSummary reads summary.json: its top-level scalars become headline figures, nested
// objects become tables.
func simSummary(r *Report, dir string) {
	b, err := os.ReadFile(filepath.Join(dir, SimSummaryFile))
	if err != nil {
		r.Missing = append(r.Missing, SimSummaryFile+": the simulation did not write its summary (interrupted?), so there are no headline figures")
		return
	}
	var top map[string]any
	if err := json.Unmarshal(b, &top); err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: unreadable (%v)", SimSummaryFile, err))
		return
	}
	keys := sortedKeys(top)
	s := Section{Title: "Summary"}
	for _, k := range keys {
		switch v := top[k].(type) {
		case float64:
			r.Headline = append(r.Headline, fig(k, label(k), v, "", 0))
		case string:
			r.Headline = append(r.Headline, Figure{Key: k, Label: label(k), Value: math.NaN(), Text: v})
		case bool:
			r.Headline = append(r.Headline, Figure{Key: k, Label: label(k), Value: math.NaN(), Text: fmt.Sprint(v)})
		case map[string]any:
			s.Tables = append(s.Tables, objectTable(label(k), v))
		case []any:
			if t, ok := arrayTable(label(k), v); ok {
				s.Tables = append(s.Tables, t)
			}
		}
	}
	if len(s.Tables) > 0 {
		r.Sections = append(r.Sections, s)
	}
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

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case float64:
		return num(x)
	case string:
		return x
	}
	return compactJSON(v)
}

// objectTable shows an object as key/value rows.
func objectTable(caption string, o map[string]any) Table {
	t := Table{Caption: caption, Header: []string{"", "value"}, Numeric: map[int]bool{1: true}}
	for _, k := range sortedKeys(o) {
		t.Rows = append(t.Rows, []string{k, cell(o[k])})
	}
	return t
}

// arrayTable shows an array of objects with the union of their keys as columns.
func arrayTable(caption string, a []any) (Table, bool) {
	cols := map[string]bool{}
	for _, e := range a {
		o, ok := e.(map[string]any)
		if !ok {
			return Table{}, false
		}
		for k := range o {
			cols[k] = true
		}
	}
	header := sortedKeys(cols)
	t := Table{Caption: caption, Header: header, Numeric: map[int]bool{}}
	for _, e := range a {
		o := e.(map[string]any)
		row := make([]string, len(header))
		for i, k := range header {
			row[i] = cell(o[k])
			if _, ok := o[k].(float64); ok {
				t.Numeric[i] = true
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, true
}

// dailySection draws daily.csv: one plot of the queue columns, one of the rest, each column
// with its confidence band when the file has one.
func dailySection(r *Report, dir string) ([]Section, bool) {
	t, err := readCSVFile(filepath.Join(dir, DailyFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no daily curves", DailyFile, simplify(err)))
		return nil, false
	}
	if len(t.Rows) == 0 {
		r.Missing = append(r.Missing, DailyFile+": no rows — the simulation recorded no day")
		return nil, false
	}
	xcol := t.col("date", "day")
	x := make([]float64, len(t.Rows))
	dates := false
	if xcol >= 0 {
		dates = true
		for k, row := range t.Rows {
			d, err := time.Parse("2006-01-02", strings.TrimSpace(row[xcol]))
			if err != nil {
				dates = false
				break
			}
			x[k] = float64(d.Unix())
		}
	}
	if !dates {
		for k := range x {
			x[k] = float64(k)
		}
	}
	isBand := map[int]bool{}
	var main, queues []series
	for i, h := range t.Header {
		if i == xcol || isBand[i] {
			continue
		}
		y, ok := t.floats(i)
		if !ok {
			continue
		}
		s := series{Name: h, X: x, Y: y}
		for _, suf := range bandSuffixes {
			lo, hi := t.col(h+suf[0]), t.col(h+suf[1])
			if lo >= 0 && hi >= 0 {
				lv, ok1 := t.floats(lo)
				hv, ok2 := t.floats(hi)
				if ok1 && ok2 {
					s.Lo, s.Hi = lv, hv
					isBand[lo], isBand[hi] = true, true
				}
				break
			}
		}
		if bandColumn(h) {
			continue
		}
		if strings.Contains(strings.ToLower(h), "queue") {
			queues = append(queues, s)
		} else {
			main = append(main, s)
		}
	}
	xl := "day"
	if dates {
		xl = "date"
	}
	s := Section{Title: "Adoption day by day"}
	if len(main) > 0 {
		if svg, err := linePlot(axes{Title: "Daily adoption", X: xl, Dates: dates, YMin0: true}, main); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "daily-adoption", Title: "Daily adoption", SVG: svg,
				Caption: "Each curve is the mean over the simulation's replications; the shaded band around it is its confidence interval."})
		}
	}
	if len(queues) > 0 {
		if svg, err := linePlot(axes{Title: "Police-counter queues", X: xl, Dates: dates, Y: "citizens waiting", YMin0: true}, queues); err == nil {
			s.Plots = append(s.Plots, Plot{Name: "counter-queues", Title: "Police-counter queues", SVG: svg,
				Caption: "Citizens waiting for a level-2 enrolment at the end of each day. A queue that never drains means the counters are the bottleneck."})
		}
	}
	last := t.Rows[len(t.Rows)-1]
	lt := Table{Caption: "last day (" + DailyFile + ", " + fmt.Sprint(len(t.Rows)) + " rows)", Header: []string{"column", "value"}, Numeric: map[int]bool{1: true}}
	for i, h := range t.Header {
		lt.Rows = append(lt.Rows, []string{h, last[i]})
	}
	s.Tables = append(s.Tables, lt)
	return []Section{s}, true
}

// bandColumn reports whether a column name is the bound of a band.
func bandColumn(h string) bool {
	for _, suf := range bandSuffixes {
		if strings.HasSuffix(h, suf[0]) || strings.HasSuffix(h, suf[1]) {
			return true
		}
	}
	return false
}

// funnelSection shows funnel.csv as a table.
func funnelSection(r *Report, dir string) (Section, bool) {
	t, err := readCSVFile(filepath.Join(dir, FunnelFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no funnel by segment", FunnelFile, simplify(err)))
		return Section{}, false
	}
	tb := Table{Caption: FunnelFile, Header: t.Header, Rows: t.Rows, Numeric: map[int]bool{}}
	for i := range t.Header {
		if _, ok := t.floats(i); ok {
			tb.Numeric[i] = true
		}
	}
	return Section{Title: "Funnel by segment", Tables: []Table{tb}}, true
}

// simplify drops the path from a "file not found" error.
func simplify(err error) error {
	if os.IsNotExist(err) {
		return fmt.Errorf("not written")
	}
	return err
}
