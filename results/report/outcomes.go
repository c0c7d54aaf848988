package report

import (
	"fmt"
	"sort"

	"github.com/eidsim/eidsim/results"
)

// outcome is one eidsim_outcomes series: how many flows of a kind ended one way, for one
// citizen segment.
type outcome struct {
	tags  map[string]string
	count float64
}

// outcomes are a run's eidsim_outcomes series.
type outcomes []outcome

func outcomesOf(a *results.Aggregate) outcomes {
	var out outcomes
	keys := make([]string, 0, len(a.Counters))
	for k := range a.Counters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m, tags := results.ParseSeriesKey(k)
		if m == results.MetricOutcomes && tags["flow"] != "" {
			out = append(out, outcome{tags, a.Counters[k]})
		}
	}
	return out
}

// match reports whether o is of flow (any when ""), ended in result (any when "") with
// cause (any when "").
func (o outcome) match(flow, result, cause string) bool {
	return (flow == "" || o.tags["flow"] == flow) && (result == "" || o.tags["outcome"] == result) && (cause == "" || o.tags["cause"] == cause)
}

func (oc outcomes) count(flow, result, cause string) float64 {
	var n float64
	for _, o := range oc {
		if o.match(flow, result, cause) {
			n += o.count
		}
	}
	return n
}

func (oc outcomes) total(flow, _, _ string) float64 { return oc.count(flow, "", "") }

func (oc outcomes) flows() []string { return oc.values("flow", "", "") }

// causes lists the causes of failed flows of flow (all flows when ""), sorted.
func (oc outcomes) causes(flow string) []string { return oc.values("cause", flow, "failed") }

// values lists the values of tag among the series of flow ending in result, sorted.
func (oc outcomes) values(tag, flow, result string) []string {
	seen := map[string]bool{}
	for _, o := range oc {
		if o.match(flow, result, "") && o.tags[tag] != "" {
			seen[o.tags[tag]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// outcomeWords names an outcome of eidsim_outcomes for the reader.
func outcomeWords(o string) string {
	switch o {
	case "ok":
		return "got through"
	case "rejected":
		return "refused as intended"
	}
	return o
}

// cell writes a share of a table row with its count: "61.5 % (104)".
func cell(n, tot float64) string {
	if tot == 0 {
		return "–"
	}
	return pct(n/tot) + " (" + count(n) + ")"
}

func outcomeSection(oc outcomes, flows []string) Section {
	s := Section{Title: "How the flows ended",
		Text: []string{"\"refused as intended\" is the service's defences working: an expected refusal the contract lists (a wrong password, a SIM not in the citizen's name at the counter). \"failed\" is a citizen who did not get through, with the cause the virtual user observed."}}
	tb := Table{Caption: "outcomes by flow and cause", Header: []string{"flow", "outcome", "cause", "share of flow"}, Numeric: map[int]bool{3: true}}
	for _, f := range flows {
		tot := oc.total(f, "", "")
		for _, res := range oc.values("outcome", f, "") {
			for _, c := range oc.values("cause", f, res) {
				n := oc.count(f, res, c)
				tb.Rows = append(tb.Rows, []string{f, outcomeWords(res), c, shareOf(n, tot)})
			}
		}
	}
	s.Tables = append(s.Tables, tb)
	return s
}

// segmentSection breaks failures down by cause for each segment dimension, with a stacked
// bar chart per dimension.
func segmentSection(oc outcomes) Section {
	s := Section{Title: "Failure by cause and segment",
		Text: []string{"Share of all flows of each citizen segment that failed, by cause. Barriers are mechanisms: an OTP sent to a phone the citizen no longer holds, a village without signal, no handset."}}
	causes := oc.causes("")
	if len(causes) == 0 {
		s.Text = append(s.Text, "No flow failed.")
	}
	for _, dim := range segmentDims {
		segs := oc.values(dim.Tag, "", "")
		if len(segs) == 0 {
			continue
		}
		tb := Table{Caption: "flows by " + dim.Label + " (share of the segment's flows, with the count)", Header: append([]string{dim.Label, "flows", "got through", "refused as intended", "failed"}, causes...), Numeric: map[int]bool{}}
		for i := 1; i < len(tb.Header); i++ {
			tb.Numeric[i] = true
		}
		layers := make([]bar, len(causes))
		for i, c := range causes {
			layers[i] = bar{Name: c, Values: make([]float64, len(segs))}
		}
		for k, seg := range segs {
			var tot, ok, rej, failed float64
			byCause := map[string]float64{}
			for _, o := range oc {
				if o.tags[dim.Tag] != seg {
					continue
				}
				tot += o.count
				switch o.tags["outcome"] {
				case "ok":
					ok += o.count
				case "rejected":
					rej += o.count
				case "failed":
					failed += o.count
					byCause[o.tags["cause"]] += o.count
				}
			}
			row := []string{seg, num(tot), cell(ok, tot), cell(rej, tot), cell(failed, tot)}
			for i, c := range causes {
				row = append(row, cell(byCause[c], tot))
				layers[i].Values[k] = 100 * byCause[c] / tot
			}
			tb.Rows = append(tb.Rows, row)
		}
		s.Tables = append(s.Tables, tb)
		if len(causes) > 0 {
			svg, err := stackedBars(axes{Title: "Failed flows by cause, by " + dim.Label, Y: "% of the segment's flows", YMin0: true}, segs, layers)
			if err == nil {
				s.Plots = append(s.Plots, Plot{Name: "failures-by-" + dim.Tag, Title: "Failed flows by cause, by " + dim.Label, SVG: svg,
					Caption: fmt.Sprintf("Each bar is one %s segment; its height is the share of that segment's flows that failed, split by cause.", dim.Label)})
			}
		}
	}
	return s
}
