package calibrate

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/evidence"
)

// ValidationMethod says how the refits without the held-out data are made.
const ValidationMethod = "reuse of the calibration's stored simulations with importance weights: for each hold-out, every model run of every round " +
	"is scored on the evidence that remains, the K closest are kept and weighted by prior ÷ the mixture density of all the rounds' proposals (the run's importance weight); " +
	"this is an ABC posterior without the held-out data at no extra model runs. It can understate the uncertainty: later rounds " +
	"proposed near the posterior given all the data, so parameter regions only the held-out data rule out were sampled only in the " +
	"early rounds (few runs, large weights, small effective sample size — reported per hold-out)"

// The national time split: fit to the national points up to NationalSplit, predict those up
// to NationalHorizon (end 2023, May 2024); the later ones are left out of the fit and not
// scored.
const (
	NationalSplit   = "2023-06-30"
	NationalHorizon = "2024-06-30"
)

// HoldoutSpec is one set of evidence points to hold out: Held are left out of the refit and
// predicted; Dropped are only left out of the refit.
type HoldoutSpec struct {
	Name, Removed string
	Held, Dropped []bool
}

// use is the evidence the refit keeps.
func (h HoldoutSpec) use() []bool {
	u := make([]bool, len(h.Held))
	for j := range u {
		u[j] = !h.Held[j] && !h.Dropped[j]
	}
	return u
}

// Holdouts are leave-one-out over the provincial campaigns (all the points of one campaign)
// and, for a national campaign, the time split.
func Holdouts(p *Problem) []HoldoutSpec {
	var out []HoldoutSpec
	for k, c := range p.Campaigns {
		h := HoldoutSpec{Held: make([]bool, len(p.Points)), Dropped: make([]bool, len(p.Points))}
		national := p.national(k)
		n, dropped := 0, 0
		for j := p.first[k]; j < p.len(k); j++ {
			d := p.Points[j].Date
			switch {
			case national && d > NationalHorizon:
				h.Dropped[j] = true
				dropped++
			case !national || d > NationalSplit:
				h.Held[j] = true
				n++
			}
		}
		if n == 0 || n+dropped == len(p.Points) {
			continue
		}
		if national {
			h.Name = c.Name + " after " + NationalSplit
			h.Removed = fmt.Sprintf("the %d national points from %s to %s (fitted to those up to %s; the %d later ones left out)",
				n, NationalSplit, NationalHorizon, NationalSplit, dropped)
		} else {
			h.Name, h.Removed = "without "+c.Name, fmt.Sprintf("all %d points of %s", n, c.Name)
		}
		out = append(out, h)
	}
	return out
}

// Refit is the weighted sample of the K stored simulations closest to the evidence in use
// (use nil: all), weighted by their importance weights.
func Refit(st *State, use []bool) sample {
	type cand struct {
		i int
		d float64
	}
	cs := make([]cand, len(st.Sims))
	for i := range st.Sims {
		cs[i] = cand{i, Distance(st.Config.Targets, st.Sims[i].Preds, use)}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].d < cs[b].d }) // stable: ties in round, index order
	k := min(st.Config.Particles, len(cs))
	s := sample{}
	idx := make([]int, k)
	for n, c := range cs[:k] {
		s.sims = append(s.sims, &st.Sims[c.i])
		idx[n] = c.i
	}
	w, err := st.weightsOf(idx)
	if err != nil {
		panic(err) // the kernels were factorised when the proposals were made
	}
	s.w = w
	return s
}

// Interval is point j's 90% predictive interval under the refit on the evidence in use.
func Interval(st *State, use []bool, j int) (lo, med, hi float64) {
	return Refit(st, use).predictive(j)
}

// Validate refits without each hold-out and compares its predictions with the held-out data.
func Validate(p *Problem, st *State) *results.Validation {
	v := &results.Validation{Method: ValidationMethod}
	var all []results.PointFit
	holdOf := map[string]int{}
	var refits []sample
	for _, h := range Holdouts(p) {
		s := Refit(st, h.use())
		refits = append(refits, s)
		ho := results.Holdout{Name: h.Name, Removed: h.Removed, ESS: s.ess()}
		for j, held := range h.Held {
			if !held {
				continue
			}
			row := fitRow(p.Points[j], s, j)
			ho.Rows = append(ho.Rows, row)
			all = append(all, row)
			holdOf[row.ID] = len(v.Holdouts)
			if row.Covered {
				v.Covered++
			}
			if p.national(p.campaignOf(j)) {
				v.NationalMaxErrorPct = math.Max(v.NationalMaxErrorPct, math.Abs(row.ErrorPct))
			}
		}
		v.Shares = append(v.Shares, shares(p, s, h)...)
		v.Holdouts = append(v.Holdouts, ho)
	}
	v.Points = len(all)
	if v.Points > 0 {
		v.Coverage = float64(v.Covered) / float64(v.Points)
	}
	if len(v.Shares) > 0 {
		errs := make([]float64, len(v.Shares))
		for i, s := range v.Shares {
			errs[i] = s.AbsErrorPoints
		}
		sort.Float64s(errs)
		v.ShareMAE = stat.Quantile(0.5, stat.Empirical, errs, nil)
	}
	if !p.hasNational() {
		v.Notes = append(v.Notes, "no national campaign among those calibrated: no time split on the national series")
	}
	// The worst misses: the points outside their interval first, then by the size of the log error.
	sort.SliceStable(all, func(a, b int) bool {
		if all[a].Covered != all[b].Covered {
			return !all[a].Covered
		}
		return math.Abs(math.Log((all[a].Median+1)/(all[a].Reported+1))) > math.Abs(math.Log((all[b].Median+1)/(all[b].Reported+1)))
	})
	for _, row := range all[:min(3, len(all))] {
		h := holdOf[row.ID]
		v.Worst = append(v.Worst, explain(p, st, row, v.Holdouts[h].Name, refits[h]))
	}
	return v
}

// shares are the activated shares (activated ÷ dossiers, or ÷ level-2 dossiers where only
// those are reported) of the held-out area-dates that have both figures.
func shares(p *Problem, s sample, h HoldoutSpec) []results.ShareRow {
	var out []results.ShareRow
	for j, held := range h.Held {
		pt := p.Points[j]
		if !held || pt.Metric != shareNumerator {
			continue
		}
		k := -1
		for _, den := range shareDenominators {
			for i, other := range h.Held {
				q := p.Points[i]
				if k < 0 && other && q.Metric == den && q.Area == pt.Area && q.Date == pt.Date && q.Campaign == pt.Campaign {
					k = i
				}
			}
		}
		if k >= 0 {
			q := p.Points[k]
			xs := make([]float64, len(s.sims))
			for i, sm := range s.sims {
				if sm.Preds[k] > 0 {
					xs[i] = sm.Preds[j] / sm.Preds[k]
				}
			}
			med := quantiles(xs, s.w, 0.5)[0]
			rep := pt.Value / q.Value
			out = append(out, results.ShareRow{Holdout: h.Name, Area: pt.Area, Date: pt.Date, Reported: rep, Predicted: med,
				AbsErrorPoints: 100 * math.Abs(med-rep)})
		}
	}
	return out
}

// explain says why a held-out point was missed: structural when no run of the calibration
// came within 10% of it; otherwise the parameter most correlated with the prediction over all
// runs, and where the runs that did reproduce it put that parameter.
func explain(p *Problem, st *State, row results.PointFit, holdout string, refit sample) results.Miss {
	j := p.index(row.ID)
	m := results.Miss{ID: row.ID, Holdout: holdout, ErrorPct: row.ErrorPct}
	n := len(st.Sims)
	logp := make([]float64, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	var near []int
	for i := range st.Sims {
		x := st.Sims[i].Preds[j]
		logp[i] = math.Log(x + 1)
		lo, hi = math.Min(lo, x), math.Max(hi, x)
		if math.Abs(x-row.Reported) <= 0.1*row.Reported || (row.Kind == evidence.AtLeast && x >= row.Reported) {
			near = append(near, i)
		}
	}
	best, bestR := -1, 0.0
	for k := range st.Config.Space {
		z := make([]float64, n)
		for i := range st.Sims {
			z[i] = st.Sims[i].Z[k]
		}
		if r := stat.Correlation(z, logp, nil); !math.IsNaN(r) && math.Abs(r) > math.Abs(bestR) {
			best, bestR = k, r
		}
	}
	dir := "too high"
	if row.ErrorPct < 0 {
		dir = "too low"
	}
	if len(near) == 0 {
		m.Structural = true
		m.Why = fmt.Sprintf("%s by %.0f%%: none of the calibration's %d runs came within 10%% of %s (they ranged %s–%s), so no parameter values within the priors "+
			"reproduce it: a mechanism the figure depends on is missing from the model, or the figure measures something else", dir,
			math.Abs(row.ErrorPct), n, num(row.Reported), num(lo), num(hi))
		if best >= 0 {
			m.Driver = st.Config.Space[best].Name
			m.Why += fmt.Sprintf("; the parameter that moves it most is %s (correlation %+.2f)", m.Driver, bestR)
		}
		return m
	}
	if best < 0 {
		m.Why = fmt.Sprintf("%s by %.0f%%: no parameter moves this prediction (behavioural noise only)", dir, math.Abs(row.ErrorPct))
		return m
	}
	pr := st.Config.Space[best]
	m.Driver = pr.Name
	var hit []float64
	for _, i := range near {
		hit = append(hit, pr.FromZ(st.Sims[i].Z[best]))
	}
	post := make([]float64, len(refit.sims))
	for i, sm := range refit.sims {
		post[i] = pr.FromZ(sm.Z[best])
	}
	sort.Float64s(hit)
	m.Why = fmt.Sprintf("%s by %.0f%%: the prediction is driven mostly by %s (%s; correlation %+.2f over all %d runs); the %d runs that reproduced the figure "+
		"had %s ≈ %s, the refit without the held-out data ≈ %s: the rest of the evidence holds it there", dir, math.Abs(row.ErrorPct), pr.Name,
		pr.Meaning, bestR, n, len(near), pr.Name, num(stat.Quantile(0.5, stat.Empirical, hit, nil)), num(quantiles(post, refit.w, 0.5)[0]))
	return m
}

func num(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return fmt.Sprintf("%.2f M", v/1e6)
	case a >= 1e4:
		return fmt.Sprintf("%.0f k", v/1e3)
	case a >= 10:
		return fmt.Sprintf("%.0f", v)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}

func (p *Problem) index(id string) int {
	for j, pt := range p.Points {
		if pt.ID == id {
			return j
		}
	}
	return -1
}

func (p *Problem) campaignOf(j int) int {
	for k := range p.Campaigns {
		if j >= p.first[k] && j < p.len(k) {
			return k
		}
	}
	return -1
}

func (p *Problem) hasNational() bool {
	for k := range p.Campaigns {
		if p.national(k) {
			return true
		}
	}
	return false
}
