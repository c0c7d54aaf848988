package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// headline adds the run's figures: at most MaxHeadline in the headline (rate asked for,
// completed, p95, p99, failed requests, dropped iterations, flows ended as intended), the
// per-flow and per-cause figures grouped.
func (lr *loadRun) headline(r *Report, agg *results.Aggregate) {
	t := agg.Totals()
	secs := agg.Duration().Seconds()
	if lr.dur > 0 {
		// Iterations per second over the configured duration (the tail in which k6 lets the
		// last iterations finish is not part of it).
		secs = lr.dur.Seconds()
	}
	if lr.fm == nil && !math.IsNaN(lr.rate) {
		f := fig("rate", "Arrival rate asked for (peak)", lr.rate, "/s", 0)
		if rp, ok := lr.ramp(); ok {
			f.Note = rp.Text
		}
		r.Headline = append(r.Headline, f)
	}
	achieved := math.NaN()
	if secs > 0 {
		achieved = t.Iterations / secs
	}
	x := fig("achieved", "Iterations completed, mean", achieved, "/s", +1)
	if secs > 0 {
		x.Note = fmt.Sprintf("%s in %s", count(t.Iterations), humanDuration(time.Duration(secs*float64(time.Second))))
	}
	r.Headline = append(r.Headline, x)
	api := agg.APILatency()
	for _, q := range []struct {
		key string
		q   float64
	}{{"p95", 0.95}, {"p99", 0.99}} {
		f := fig(q.key, "Latency "+q.key+", service steps", api.Quantile(q.q), "ms", -1)
		f.Text = humanMS(f.Value)
		f.Note = fmt.Sprintf("of %s requests", thousands(float64(api.Count())))
		r.Headline = append(r.Headline, f)
	}
	var fh, ft float64
	if t.Failed != nil {
		fh, ft = float64(t.Failed.Hits), float64(t.Failed.Total)
	}
	f := fig("errors", "Failed requests", share(fh, ft), "%", -1)
	f.Text = shareOf(fh, ft)
	r.Headline = append(r.Headline, f)
	f = fig("dropped", "Dropped iterations", share(t.Dropped, t.Iterations+t.Dropped), "%", -1)
	f.Text = shareOf(t.Dropped, t.Iterations+t.Dropped)
	if t.Dropped > 0 {
		f.Note = "k6 had no free virtual user to start them"
	}
	r.Headline = append(r.Headline, f)

	oc := outcomesOf(agg)
	flows := oc.flows()
	if tot := oc.total("", "", ""); tot > 0 {
		ok, rej, failed := oc.count("", "ok", ""), oc.count("", "rejected", ""), oc.count("", "failed", "")
		f := fig("intended", "Flows ended as intended", (ok+rej)/tot, "%", +1)
		f.Text = shareOf(ok+rej, tot)
		f.Note = fmt.Sprintf("%s got through, %s refused as intended, %s failed", count(ok), count(rej), count(failed))
		r.Headline = append(r.Headline, f)
	}
	if t.Checks != nil {
		x := fig("checks", "Checks passed", t.Checks.Rate(), "%", +1)
		x.Text, x.Detail, x.Group = shareOf(float64(t.Checks.Hits), float64(t.Checks.Total)), true, groupChecks
		r.Headline = append(r.Headline, x)
	}
	for _, fl := range flows {
		tot, ok, rej, failed := oc.total(fl, "", ""), oc.count(fl, "ok", ""), oc.count(fl, "rejected", ""), oc.count(fl, "failed", "")
		if tot == 0 {
			continue
		}
		if ok == 0 && rej > 0 {
			// A flow the contract says must be refused (a wrong password): refusals are the
			// service's defences working.
			x := fig("flow_refused:"+fl, "Flow "+fl+": refused as intended", rej/tot, "%", +1)
			x.Text, x.Detail, x.Group = shareOf(rej, tot), true, groupDefences
			if failed > 0 {
				x.Note = fmt.Sprintf("%s not refused as the contract says", count(failed))
			}
			r.Headline = append(r.Headline, x)
			continue
		}
		x := fig("flow_ok:"+fl, "Flow "+fl+": got through", ok/tot, "%", +1)
		x.Text, x.Detail, x.Group = shareOf(ok, tot), true, groupFlows
		x.Note = fmt.Sprintf("%s refused as intended, %s failed", count(rej), count(failed))
		r.Headline = append(r.Headline, x)
		if rej > 0 {
			y := fig("flow_refused:"+fl, "Flow "+fl+": refused as intended", rej/tot, "%", 0)
			y.Text, y.Detail, y.Group = shareOf(rej, tot), true, groupDefences
			y.Note = "by cause: " + causeList(oc, fl, "rejected", tot)
			r.Headline = append(r.Headline, y)
		}
	}
	for _, fl := range flows {
		tot, failed := oc.total(fl, "", ""), oc.count(fl, "failed", "")
		if tot == 0 || failed == 0 {
			continue
		}
		x := fig(fl+"_failed", label(fl)+" failed", failed/tot, "%", -1)
		x.Text, x.Group = shareOf(failed, tot), groupCauses
		x.Note = "by cause: " + causeList(oc, fl, "failed", tot)
		r.Headline = append(r.Headline, x)
		for _, c := range oc.values("cause", fl, "failed") {
			n := oc.count(fl, "failed", c)
			y := fig(fl+"_failed:"+c, label(fl)+" failed: "+c, n/tot, "%", -1)
			y.Text, y.Detail, y.Group = shareOf(n, tot), true, groupCauses
			r.Headline = append(r.Headline, y)
		}
	}
	if lr.aggDir != lr.dir {
		for i := range r.Headline {
			switch {
			case r.Headline[i].Key == "max_rate":
			case r.Headline[i].Note == "":
				r.Headline[i].Note = "at the best step"
			default:
				r.Headline[i].Note += "; at the best step"
			}
		}
	}
}

// causeList writes the causes of flow's outcomes ending in result, each with its count and
// share of the flow's total: "no_handset 21.8 % (144 of 660), …".
func causeList(oc outcomes, flow, result string, tot float64) string {
	var parts []string
	for _, c := range oc.values("cause", flow, result) {
		parts = append(parts, c+" "+shareOf(oc.count(flow, result, c), tot))
	}
	return strings.Join(parts, ", ")
}
