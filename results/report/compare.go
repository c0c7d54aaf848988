package report

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// stepTableCaption is the caption of the per-step latency table, which Compare draws side
// by side.
const stepTableCaption = "http_req_duration by step (ms)"

// Compare puts report b beside report a: every headline figure of either with its value in
// each run and the ratio b/a, whether b is better or worse where that has a direction, the
// provenance of both with the differences marked, and the per-step latency of both drawn
// side by side. Labels name a as the baseline ("A") and b as the other run ("B").
func Compare(a, b *Report) *Report {
	r := &Report{Kind: "compare", RunID: a.RunID + "-vs-" + b.RunID,
		Title: fmt.Sprintf("Comparison: %s (A) against %s (B)", a.RunID, b.RunID)}
	for _, w := range a.Warnings {
		r.Warnings = append(r.Warnings, "A: "+w)
	}
	for _, w := range b.Warnings {
		r.Warnings = append(r.Warnings, "B: "+w)
	}
	if a.Verdict != nil && b.Verdict != nil {
		r.Verdict = &Verdict{State: VerdictUnknown, Text: "A: " + a.Verdict.Text + " | B: " + b.Verdict.Text}
	}
	for _, m := range a.Missing {
		r.Missing = append(r.Missing, "A: "+m)
	}
	for _, m := range b.Missing {
		r.Missing = append(r.Missing, "B: "+m)
	}
	if a.Kind != b.Kind {
		r.Warnings = append(r.Warnings, fmt.Sprintf("A is a %s run and B a %s run: only the figures both have are compared.", a.Kind, b.Kind))
	}

	bf := map[string]Figure{}
	for _, f := range b.Headline {
		bf[f.Key] = f
	}
	seen := map[string]bool{}
	tb := Table{Caption: "headline figures, A and B", Header: []string{"figure", "A", "B", "B/A", "B is"}, Numeric: map[int]bool{1: true, 2: true, 3: true}}
	add := func(fa, fb Figure, inA, inB bool) {
		f := fa
		if !inA {
			f = fb
		}
		row := []string{f.Label, "–", "–", "–", ""}
		if inA {
			row[1] = fa.Text
		}
		if inB {
			row[2] = fb.Text
		}
		if inA && inB {
			ratio := ratioOf(fa.Value, fb.Value)
			row[3] = ratioText(ratio)
			row[4] = verdict(fa.Value, fb.Value, f.Better)
			if !math.IsNaN(ratio) {
				r.Headline = append(r.Headline, Figure{Key: f.Key, Label: f.Label, Value: ratio, Better: f.Better, Group: f.Group,
					Text: fa.Text + " → " + fb.Text, Note: "B/A " + ratioText(ratio) + verdictNote(row[4])})
			}
		}
		tb.Rows = append(tb.Rows, row)
	}
	for _, fa := range a.Headline {
		seen[fa.Key] = true
		fb, ok := bf[fa.Key]
		add(fa, fb, true, ok)
	}
	for _, fb := range b.Headline {
		if !seen[fb.Key] {
			add(Figure{}, fb, false, true)
		}
	}
	r.Sections = append(r.Sections, Section{Title: "Side by side", Tables: []Table{tb},
		Text: []string{"B/A is the ratio of B's value to A's. \"better\" and \"worse\" follow each figure's direction (lower latency, higher success); a change within 1% is \"same\"."}})

	pt := Table{Caption: "provenance of A and B", Header: []string{"", "A", "B", ""}}
	pa, pb := kvMap(a.Provenance), kvMap(b.Provenance)
	for _, k := range kvKeys(a.Provenance, b.Provenance) {
		mark := ""
		if pa[k] != pb[k] && k != "Run" && k != "Started" && k != "Ended" {
			mark = "differs"
		}
		pt.Rows = append(pt.Rows, []string{k, pa[k], pb[k], mark})
	}
	r.Sections = append(r.Sections, Section{Title: "What was run", Tables: []Table{pt}})

	if s, ok := compareSteps(a, b); ok {
		r.Sections = append(r.Sections, s)
	}
	if s, ok := compareCurves(a, b); ok {
		r.Sections = append(r.Sections, s)
	}
	return r
}

// compareCurves draws each series both runs kept over one another: A solid, B dashed.
func compareCurves(a, b *Report) (Section, bool) {
	s := Section{Title: "Over time, A and B"}
	for _, name := range sortedKeys(a.curves) {
		cb, ok := b.curves[name]
		if !ok {
			continue
		}
		ca := a.curves[name]
		sa, sb := ca.s, cb.s
		sa.Name, sb.Name, sb.Dashed = "A", "B", true
		svg, err := linePlot(ca.axes, []series{sa, sb})
		if err != nil {
			continue
		}
		s.Plots = append(s.Plots, Plot{Name: "compare-" + slug(name), Title: name + ", A and B", SVG: svg,
			Caption: "Run A solid, run B dashed, on the same axes."})
	}
	return s, len(s.Plots) > 0
}

var slugSafe = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a file name of a title.
func slug(s string) string {
	return strings.Trim(slugSafe.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

func ratioOf(a, b float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.NaN()
	case a == 0 && b == 0:
		return 1
	case a == 0:
		return math.Inf(1)
	}
	return b / a
}

func ratioText(r float64) string {
	switch {
	case math.IsNaN(r):
		return "–"
	case math.IsInf(r, 0):
		return "∞"
	}
	return "×" + strconv.FormatFloat(r, 'f', 2, 64)
}

func verdict(a, b float64, better int) string {
	if better == 0 || math.IsNaN(a) || math.IsNaN(b) {
		return ""
	}
	if math.Abs(b-a) <= 0.01*math.Max(math.Abs(a), math.Abs(b)) {
		return "same"
	}
	if (b < a) == (better < 0) {
		return "better"
	}
	return "worse"
}

func verdictNote(v string) string {
	if v == "" {
		return ""
	}
	return ", " + v
}

func kvMap(kv []KV) map[string]string {
	m := make(map[string]string, len(kv))
	for _, x := range kv {
		m[x.Key] = x.Value
	}
	return m
}

// kvKeys lists the keys of a, then those only b has, in order.
func kvKeys(a, b []KV) []string {
	seen := map[string]bool{}
	var keys []string
	for _, l := range [][]KV{a, b} {
		for _, x := range l {
			if !seen[x.Key] {
				seen[x.Key] = true
				keys = append(keys, x.Key)
			}
		}
	}
	return keys
}

// stepLatency returns the per-step p95 and p99 of a report's latency table.
func stepLatency(r *Report) (steps []string, p95, p99 map[string]float64) {
	p95, p99 = map[string]float64{}, map[string]float64{}
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			if t.Caption != stepTableCaption {
				continue
			}
			for _, row := range t.Rows {
				if strings.HasSuffix(row[0], "(simulated world)") {
					continue
				}
				v95, err1 := strconv.ParseFloat(row[3], 64)
				v99, err2 := strconv.ParseFloat(row[4], 64)
				if err1 == nil && err2 == nil {
					steps = append(steps, row[0])
					p95[row[0]], p99[row[0]] = v95, v99
				}
			}
		}
	}
	return steps, p95, p99
}

func compareSteps(a, b *Report) (Section, bool) {
	sa, a95, a99 := stepLatency(a)
	_, b95, b99 := stepLatency(b)
	var steps []string
	for _, s := range sa {
		if _, ok := b95[s]; ok {
			steps = append(steps, s)
		}
	}
	if len(steps) == 0 {
		return Section{}, false
	}
	s := Section{Title: "Latency by step, A and B"}
	tb := Table{Caption: "p95 and p99 by step (ms)", Header: []string{"step", "p95 A", "p95 B", "B/A", "p99 A", "p99 B", "B/A"},
		Numeric: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true}}
	g := []bar{{Name: "p95 A"}, {Name: "p95 B"}, {Name: "p99 A"}, {Name: "p99 B"}}
	short := make([]string, len(steps))
	for i, st := range steps {
		tb.Rows = append(tb.Rows, []string{st, num(a95[st]), num(b95[st]), ratioText(ratioOf(a95[st], b95[st])),
			num(a99[st]), num(b99[st]), ratioText(ratioOf(a99[st], b99[st]))})
		g[0].Values = append(g[0].Values, a95[st])
		g[1].Values = append(g[1].Values, b95[st])
		g[2].Values = append(g[2].Values, a99[st])
		g[3].Values = append(g[3].Values, b99[st])
		short[i] = shortStep(st)
	}
	s.Tables = append(s.Tables, tb)
	if svg, err := groupedBars(axes{Title: "Latency by step, A and B", Y: "ms", YMin0: true}, short, g); err == nil {
		s.Plots = append(s.Plots, Plot{Name: "compare-steps", Title: "Latency by step, A and B", SVG: svg,
			Caption: "For each step, p95 and p99 of run A beside those of run B."})
	}
	return s, true
}

// shortStep keeps the last part of a step name (C01_Recover_02_Start → 02_Start) for axis
// labels.
func shortStep(s string) string {
	if s == "all service steps" {
		return "all"
	}
	parts := strings.Split(s, "_")
	if len(parts) >= 2 {
		return strings.Join(parts[len(parts)-2:], "_")
	}
	return s
}
