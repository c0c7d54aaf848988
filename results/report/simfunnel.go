package report

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eidsim/eidsim/results"
)

// funnelSection shows how citizens ended, by segment, with stacked bars of outcome shares
// and the share activated per segment in the headline.
func funnelSection(r *Report, dir string) (Section, bool) {
	t, err := readCSVFile(filepath.Join(dir, results.FunnelFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no funnel by segment", results.FunnelFile, simplify(err)))
		return Section{}, false
	}
	dimC, valC, outC, shareC := t.col(results.ColDimension), t.col(results.ColValue), t.col(results.ColOutcome), t.col(results.ColShareMean, "share")
	if dimC < 0 || valC < 0 || outC < 0 || shareC < 0 {
		r.Missing = append(r.Missing, results.FunnelFile+": no dimension, value, outcome and share_mean columns — no funnel by segment")
		return Section{}, false
	}
	shares, ok := t.floats(shareC)
	if !ok {
		r.Missing = append(r.Missing, results.FunnelFile+": share_mean is not numeric — no funnel by segment")
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
		Text: []string{"How the simulated citizens ended the campaign, as shares of each segment (mean over the replicas). Active means an account activated at level 1 or 2; blocked and gave up carry the barrier that stopped them in " + results.FunnelFile + "."}}
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
				Value: active, Text: pct(active), Better: +1, Detail: sg.dim != "all", Group: ifText(sg.dim != "all", "Active at the end, by segment")})
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

// counterfactualSection contrasts the shares activated by segment with and without the
// interventions (counterfactual.csv).
func counterfactualSection(r *Report, dir, prefix, without string) (Section, bool) {
	t, err := readCSVFile(filepath.Join(dir, results.CounterfactualFile))
	if err != nil {
		r.Missing = append(r.Missing, fmt.Sprintf("%s: %v — no contrast of the two arms", results.CounterfactualFile, simplify(err)))
		return Section{}, false
	}
	dc, vc, mc := t.col(results.ColDimension), t.col(results.ColValue), t.col(results.ColMetric)
	bm, am, dm, dlo, dhi := t.col(results.ColBaseMean), t.col(results.ColAltMean), t.col(results.ColDiffMean), t.col(results.ColDiffCI95Low), t.col(results.ColDiffCI95High)
	if dc < 0 || vc < 0 || mc < 0 || bm < 0 || am < 0 || dm < 0 || dlo < 0 || dhi < 0 {
		r.Missing = append(r.Missing, results.CounterfactualFile+": columns missing — no contrast of the two arms")
		return Section{}, false
	}
	title := "With and " + without
	if prefix != "" {
		title = prefix + ": " + title
	}
	s := Section{Title: title, Text: []string{"Share of each segment activated at the end, with the interventions and " + without +
		" (same seeds), and the paired difference with its 95% confidence interval."}}
	tb := Table{Caption: results.CounterfactualFile + ": activated share", Header: []string{"dimension", "segment", "with", without, "difference", "95% CI of the difference"},
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
