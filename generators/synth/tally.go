package synth

import (
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat"
)

// Barrier indicators counted for correlations, among people aged 14+.
var barrierNames = []string{"minority", "rural", "poor", "remote", "no_smartphone", "non_owner_sim", "not_activated"}

func barrierBits(a, e, u, c, p, x, y int) int {
	b := 0
	set := func(k int, v bool) {
		if v {
			b |= 1 << k
		}
	}
	set(0, e == 1)
	set(1, u == 0)
	set(2, p == 2)
	set(3, c >= 1)
	set(4, x >= xFeatureOwner)
	set(5, x == xSmartNon || x == xFeatureNon)
	set(6, y <= yPending)
	return b
}

// Tally counts a generated population for validation. Counts are additive, so tallies of
// workers and shards merge exactly.
type Tally struct {
	N, Male int64
	AgeBand []int64
	Group   []int64
	// by ethnic group: people aged 14+, of whom in villages without 4G, and activated
	GroupAdults, GroupRemote, GroupActive []int64
	Urban                                 int64
	Poverty                               [3]int64
	Adults                                int64
	Handset                               [3]int64 // adults
	SIMHolders                            int64
	Owner                                 int64
	Carrier                               []int64
	Swaps                                 float64
	Coverage                              [3]int64
	NoPower                               int64
	Chip                                  int64 // adults
	Account                               [4]int64
	Locked                                int64
	Mismatch                              int64 // activated accounts whose phone is not the current SIM
	Swapped                               int64 // activated accounts whose SIM was swapped since activation
	Recycled                              int64
	Pattern                               [128]int64
	villages                              []uint64 // bitset of villages with residents
}

func (m *Model) newTally() *Tally {
	return &Tally{
		AgeBand:     make([]int64, len(m.Profile.Age.Bands)),
		Group:       make([]int64, len(m.Profile.Ethnicity.Groups)),
		GroupAdults: make([]int64, len(m.Profile.Ethnicity.Groups)),
		GroupRemote: make([]int64, len(m.Profile.Ethnicity.Groups)),
		GroupActive: make([]int64, len(m.Profile.Ethnicity.Groups)),
		Carrier:     make([]int64, len(m.carriers)),
		villages:    make([]uint64, (len(m.Villages)+63)/64),
	}
}

func (t *Tally) add(p *Population, c *citizen) {
	m := p.M
	st := &p.st[c.k]
	t.N++
	if !st.female {
		t.Male++
	}
	for k, b := range m.Profile.Age.Bands {
		if st.age >= b.Min && st.age <= b.Max {
			t.AgeBand[k]++
			break
		}
	}
	t.Group[c.group]++
	if c.u == 1 {
		t.Urban++
	}
	t.Poverty[c.p]++
	t.Coverage[c.c]++
	if !m.Villages[c.village].Power {
		t.NoPower++
	}
	t.villages[c.village/64] |= 1 << (c.village % 64)
	if c.x != xNone {
		t.SIMHolders++
		t.Carrier[c.carrier]++
		t.Swaps += c.swapRate
		if c.x == xSmartOwner || c.x == xFeatureOwner {
			t.Owner++
		}
	}
	if c.a == 1 {
		t.Adults++
		t.GroupAdults[c.group]++
		if c.c >= 1 {
			t.GroupRemote[c.group]++
		}
		if c.y >= yLevel1 {
			t.GroupActive[c.group]++
		}
		t.Handset[[5]int{0, 0, 1, 1, 2}[c.x]]++
		if c.chip {
			t.Chip++
		}
		t.Account[c.y]++
		if c.y >= yLevel1 {
			if c.locked {
				t.Locked++
			}
			if c.x == xNone || c.acctNum != c.simNum || c.acctCarrier != c.carrier {
				t.Mismatch++
			}
			if c.swapped {
				t.Swapped++
			}
		}
		if c.recycled {
			t.Recycled++
		}
		t.Pattern[barrierBits(c.a, c.e, c.u, c.c, c.p, c.x, c.y)]++
	}
}

func (t *Tally) merge(o *Tally) {
	t.N += o.N
	t.Male += o.Male
	for i := range t.AgeBand {
		t.AgeBand[i] += o.AgeBand[i]
	}
	for i := range t.Group {
		t.Group[i] += o.Group[i]
		t.GroupAdults[i] += o.GroupAdults[i]
		t.GroupRemote[i] += o.GroupRemote[i]
		t.GroupActive[i] += o.GroupActive[i]
	}
	t.Urban += o.Urban
	for i := range t.Poverty {
		t.Poverty[i] += o.Poverty[i]
		t.Coverage[i] += o.Coverage[i]
		t.Handset[i] += o.Handset[i]
	}
	t.NoPower += o.NoPower
	t.Adults += o.Adults
	t.SIMHolders += o.SIMHolders
	t.Owner += o.Owner
	for i := range t.Carrier {
		t.Carrier[i] += o.Carrier[i]
	}
	t.Swaps += o.Swaps
	t.Chip += o.Chip
	for i := range t.Account {
		t.Account[i] += o.Account[i]
	}
	t.Locked += o.Locked
	t.Mismatch += o.Mismatch
	t.Swapped += o.Swapped
	t.Recycled += o.Recycled
	for i := range t.Pattern {
		t.Pattern[i] += o.Pattern[i]
	}
	for i := range t.villages {
		t.villages[i] |= o.villages[i]
	}
}

// Row is one control of the validation table.
type Row struct {
	Section, Control string
	// Unit is "share" (a proportion; errors in percentage points), "count" or "rate".
	Unit      string
	Target    float64
	Generated float64
	// Derived marks targets computed from other figures and the model (not published).
	Derived bool
	// Info marks rows that report a generated figure with no target.
	Info bool
}

// DiffPP returns the difference in percentage points (shares) or in units.
func (r Row) DiffPP() float64 {
	if r.Unit == "share" {
		return 100 * (r.Generated - r.Target)
	}
	return r.Generated - r.Target
}

// PctErr returns the relative error in percent (PopulationSim's "% difference").
func (r Row) PctErr() float64 {
	if r.Target == 0 {
		if r.Generated == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return 100 * (r.Generated - r.Target) / r.Target
}

// OK reports whether the row is within tolerance: shares within 1 percentage point, counts
// exact, rates within 5%.
func (r Row) OK() bool {
	switch {
	case r.Info:
		return true
	case r.Unit == "share":
		return math.Abs(r.DiffPP()) <= 1
	case r.Unit == "count":
		return r.Generated == r.Target
	}
	return math.Abs(r.PctErr()) <= 5
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Validation compares a tally against the profile's controls.
type Validation struct {
	Rows []Row
	// Phi is the matrix of phi coefficients between barrier indicators (people aged 14+),
	// generated and as fitted in the joint table.
	Names        []string
	Phi, FitPhi  [][]float64
	Associations []AssocRow
	// FitIterations and FitError describe the IPF fit of the joint table.
	FitIterations int
	FitError      float64
}

// AssocRow compares an assumed partial odds ratio with the generated marginal one.
type AssocRow struct {
	A, B               string
	Assumed, Generated float64
}

// Validate builds the validation table of a tally.
func (m *Model) Validate(t *Tally) *Validation {
	p := m.Profile
	v := &Validation{FitIterations: m.Fit.Iterations, FitError: m.Fit.MaxError}
	add := func(sec, ctl, unit string, target, gen float64) {
		v.Rows = append(v.Rows, Row{Section: sec, Control: ctl, Unit: unit, Target: target, Generated: gen})
	}
	derived := func(sec, ctl string, target, gen float64) {
		v.Rows = append(v.Rows, Row{Section: sec, Control: ctl, Unit: "share", Target: target, Generated: gen, Derived: true})
	}
	info := func(sec, ctl, unit string, gen float64) {
		v.Rows = append(v.Rows, Row{Section: sec, Control: ctl, Unit: unit, Generated: gen, Info: true})
	}
	N := t.N
	add("sex", "male", "share", p.Sex.Male, ratio(t.Male, N))
	for k, b := range p.Age.Bands {
		add("age", fmt.Sprintf("%d–%d", b.Min, b.Max), "share", b.Share, ratio(t.AgeBand[k], N))
	}
	for k, g := range p.Ethnicity.Groups {
		add("ethnic group", g.Key, "share", g.Share, ratio(t.Group[k], N))
	}
	minority := int64(0)
	for k, g := range p.Ethnicity.Groups {
		if g.Key != "Kinh" {
			minority += t.Group[k]
		}
	}
	add("ethnic group", "all minorities", "share", p.MinorityShare(), ratio(minority, N))
	add("urban", "urban residents", "share", p.Urban.Share, ratio(t.Urban, N))
	add("poverty", "poor", "share", p.Poverty.Poor, ratio(t.Poverty[2], N))
	add("poverty", "near-poor", "share", p.Poverty.NearPoor, ratio(t.Poverty[1], N))
	add("handset (14+)", "smartphone", "share", p.Handsets.Smartphone, ratio(t.Handset[0], t.Adults))
	add("handset (14+)", "feature phone", "share", p.Handsets.Feature, ratio(t.Handset[1], t.Adults))
	add("handset (14+)", "no phone", "share", p.Handsets.None, ratio(t.Handset[2], t.Adults))
	add("SIM", "owner-registered (of SIM users)", "share", p.SIM.OwnerRegistered, ratio(t.Owner, t.SIMHolders))
	own := p.SIM.OwnerRegistered
	add("SIM", "swaps per year (mean)", "rate", own*p.SIM.SwapsOwner+(1-own)*p.SIM.SwapsNonOwner, t.Swaps/math.Max(1, float64(t.SIMHolders)))
	for k := range m.carriers {
		name := string(m.carriers[k])
		tgt := 0.0
		for _, c := range p.Carriers.Shares {
			if c.Name == name {
				tgt = c.Share
			}
		}
		add("carrier (of SIM users)", name, "share", tgt, ratio(t.Carrier[k], t.SIMHolders))
	}
	none, only2g, full := p.VillageCoverage()
	var vNone, v2g, v4g, vNoPower, vUrban int
	for _, vl := range m.Villages {
		switch vl.Coverage {
		case 0:
			v4g++
		case 1:
			v2g++
		default:
			vNone++
		}
		if !vl.Power {
			vNoPower++
		}
		if vl.Urban {
			vUrban++
		}
	}
	add("villages", "villages", "count", float64(p.Villages.Count), float64(len(m.Villages)))
	add("villages", "with 4G", "count", float64(full), float64(v4g))
	add("villages", "2G only", "count", float64(only2g), float64(v2g))
	add("villages", "without 2G", "count", float64(none), float64(vNone))
	add("villages", "without grid power", "count", float64(p.Villages.WithoutPower), float64(vNoPower))
	inhabited := 0
	for _, w := range t.villages {
		inhabited += popcount(w)
	}
	info("villages", "urban residential groups (derived)", "count", float64(vUrban))
	info("villages", "with residents in this run", "count", float64(inhabited))
	cov := m.coverageShares()
	derived("coverage (people)", "4G", cov[0], ratio(t.Coverage[0], N))
	derived("coverage (people)", "2G only", cov[1], ratio(t.Coverage[1], N))
	derived("coverage (people)", "none", cov[2], ratio(t.Coverage[2], N))
	derived("power (people)", "in villages without grid power", m.noPowerShare(), ratio(t.NoPower, N))
	add("chip card (14+)", "holds a chip card", "share", p.ChipCard.Share, ratio(t.Chip, t.Adults))
	pr, act, l2 := p.AccountRates()
	add("account (14+)", "profile collected", "share", pr, ratio(t.Account[1]+t.Account[2]+t.Account[3], t.Adults))
	add("account (14+)", "activated", "share", act, ratio(t.Account[2]+t.Account[3], t.Adults))
	add("account", "level 2 (of activated)", "share", l2, ratio(t.Account[3], t.Account[2]+t.Account[3]))
	add("account", "locked (of activated)", "share", p.Accounts.LockedShare, ratio(t.Locked, t.Account[2]+t.Account[3]))
	info("account", "phone ≠ current SIM (of activated)", "share", ratio(t.Mismatch, t.Account[2]+t.Account[3]))
	add("SIM", "old account numbers recycled (of swaps)", "share", p.SIM.Recycled, ratio(t.Recycled, t.Swapped))

	// Segments: the barriers and the outcome by ethnic group (generated; no targets).
	for k, g := range p.Ethnicity.Groups {
		info("segment (14+)", g.Key+": village without 4G", "share", ratio(t.GroupRemote[k], t.GroupAdults[k]))
		info("segment (14+)", g.Key+": account activated", "share", ratio(t.GroupActive[k], t.GroupAdults[k]))
	}

	// Correlations.
	v.Names = barrierNames
	k := len(barrierNames)
	v.Phi = phiMatrix(t.Pattern[:], k)
	fit := make([]float64, 128)
	coord := make([]int, nDims)
	for i, w := range m.Joint.Cells {
		m.Joint.Coord(i, coord)
		if coord[dimA] == 1 && w > 0 {
			fit[barrierBits(coord[0], coord[1], coord[2], coord[3], coord[4], coord[5], coord[6])] += w
		}
	}
	v.FitPhi = phiMatrixF(fit, k)
	idx := map[string]int{}
	for i, n := range barrierNames {
		idx[n] = i
	}
	for _, as := range p.Associations {
		ia, oka := idx[as.A]
		ib, okb := idx[as.B]
		g := math.NaN()
		if oka && okb {
			g = oddsRatio(t.Pattern[:], ia, ib)
		}
		v.Associations = append(v.Associations, AssocRow{A: as.A, B: as.B, Assumed: as.OddsRatio, Generated: g})
	}
	return v
}

func popcount(x uint64) int {
	n := 0
	for x != 0 {
		x &= x - 1
		n++
	}
	return n
}

// coverageShares returns the expected population share by coverage class.
func (m *Model) coverageShares() (s [3]float64) {
	coord := make([]int, nDims)
	for i, w := range m.Joint.Cells {
		m.Joint.Coord(i, coord)
		s[coord[dimC]] += w
	}
	return s
}

// noPowerShare returns the expected share of people in villages without grid power.
func (m *Model) noPowerShare() float64 {
	var mass [2][3][2]float64
	coord := make([]int, nDims)
	for i, w := range m.Joint.Cells {
		m.Joint.Coord(i, coord)
		mass[coord[dimU]][coord[dimC]][coord[dimE]] += w
	}
	total := 0.0
	for u := 0; u < 2; u++ {
		for c := 0; c < 3; c++ {
			for e := 0; e < 2; e++ {
				idx := m.villIndex[u][c][e]
				a := m.villAlias[u][c][e]
				if a == nil {
					continue
				}
				for k, vi := range idx {
					if !m.Villages[vi].Power {
						total += mass[u][c][e] * a.P(k)
					}
				}
			}
		}
	}
	return total
}

func phiMatrix(pattern []int64, k int) [][]float64 {
	f := make([]float64, len(pattern))
	for i, c := range pattern {
		f[i] = float64(c)
	}
	return phiMatrixF(f, k)
}

// phiMatrixF computes the phi coefficient (Pearson correlation of two 0/1 indicators) for
// every pair, weighting each barrier pattern by its count (gonum stat.Correlation).
func phiMatrixF(weights []float64, k int) [][]float64 {
	n := len(weights)
	cols := make([][]float64, k)
	for a := 0; a < k; a++ {
		cols[a] = make([]float64, n)
		for i := 0; i < n; i++ {
			if i&(1<<a) != 0 {
				cols[a][i] = 1
			}
		}
	}
	out := make([][]float64, k)
	for a := 0; a < k; a++ {
		out[a] = make([]float64, k)
		for b := 0; b < k; b++ {
			out[a][b] = stat.Correlation(cols[a], cols[b], weights)
		}
	}
	return out
}

func oddsRatio(pattern []int64, a, b int) float64 {
	var n [2][2]float64
	for i, c := range pattern {
		n[(i>>a)&1][(i>>b)&1] += float64(c)
	}
	return (n[1][1] * n[0][0]) / (n[1][0] * n[0][1])
}

// Summary returns the mean and standard deviation of the % differences of the controls with
// a positive target, and their root mean square (%RMSE), as PopulationSim reports its fit.
func (v *Validation) Summary() (mean, sd, rmse float64, n int) {
	var xs []float64
	for _, r := range v.Rows {
		if r.Info || r.Target == 0 {
			continue
		}
		xs = append(xs, r.PctErr())
	}
	if len(xs) == 0 {
		return 0, 0, 0, 0
	}
	if len(xs) > 1 {
		mean, sd = stat.MeanStdDev(xs, nil)
	} else {
		mean = xs[0]
	}
	ss := 0.0
	for _, x := range xs {
		ss += x * x
	}
	return mean, sd, math.Sqrt(ss / float64(len(xs))), len(xs)
}

// AllOK reports whether every control row is within tolerance, and how many rows were checked.
func (v *Validation) AllOK() (ok bool, checked, failed int) {
	for _, r := range v.Rows {
		if r.Info {
			continue
		}
		checked++
		if !r.OK() {
			failed++
		}
	}
	return failed == 0, checked, failed
}

// Print writes the validation table and the correlations.
func (v *Validation) Print(w io.Writer, title string, n int64) {
	fmt.Fprintf(w, "Validation: %s, %d citizens\n\n", title, n)
	fmt.Fprintf(w, "%-24s %-46s %12s %12s %9s %9s  %s\n", "section", "control", "target", "generated", "diff", "% error", "ok")
	fmt.Fprintln(w, strings.Repeat("-", 124))
	for _, r := range v.Rows {
		ctl := r.Control
		if r.Derived {
			ctl += " *"
		}
		tgt, gen, diff, pct, ok := "", "", "", "", "yes"
		switch r.Unit {
		case "share":
			tgt, gen = fmt.Sprintf("%.2f%%", 100*r.Target), fmt.Sprintf("%.2f%%", 100*r.Generated)
			diff = fmt.Sprintf("%+.2fpp", r.DiffPP())
		case "count":
			tgt, gen = fmt.Sprintf("%.0f", r.Target), fmt.Sprintf("%.0f", r.Generated)
			diff = fmt.Sprintf("%+.0f", r.DiffPP())
		default:
			tgt, gen = fmt.Sprintf("%.4f", r.Target), fmt.Sprintf("%.4f", r.Generated)
			diff = fmt.Sprintf("%+.4f", r.DiffPP())
		}
		pct = fmt.Sprintf("%+.2f%%", r.PctErr())
		if r.Target == 0 {
			pct = "–"
		}
		if r.Info {
			tgt, diff, pct, ok = "–", "", "", "(info)"
		} else if !r.OK() {
			ok = "NO"
		}
		fmt.Fprintf(w, "%-24s %-46s %12s %12s %9s %9s  %s\n", r.Section, ctl, tgt, gen, diff, pct, ok)
	}
	allOK, checked, failed := v.AllOK()
	fmt.Fprintln(w, strings.Repeat("-", 124))
	fmt.Fprintln(w, "* derived target: computed from the village layout and the fitted joint table, not published")
	mean, sd, rmse, nc := v.Summary()
	fmt.Fprintf(w, "fit summary over the %d controls with a positive target (PopulationSim's measures): mean %% difference %+.3f%%, SD %.3f%%, %%RMSE %.3f%%\n", nc, mean, sd, rmse)
	if v.FitIterations > 0 {
		fmt.Fprintf(w, "joint table: IPF converged in %d sweeps (largest relative control error %.1e)\n", v.FitIterations, v.FitError)
	}
	if allOK {
		fmt.Fprintf(w, "all %d controls within tolerance (shares within 1 percentage point, counts exact, rates within 5%%)\n", checked)
	} else {
		fmt.Fprintf(w, "%d of %d controls OUT of tolerance\n", failed, checked)
	}
	fmt.Fprintf(w, "\nCorrelations between barriers, people aged 14+ (phi coefficient; generated, with the fitted joint table in brackets)\n\n")
	fmt.Fprintf(w, "%-14s", "")
	for _, n := range v.Names {
		fmt.Fprintf(w, " %15s", trunc(n, 15))
	}
	fmt.Fprintln(w)
	for a, n := range v.Names {
		fmt.Fprintf(w, "%-14s", trunc(n, 14))
		for b := range v.Names {
			if a == b {
				fmt.Fprintf(w, " %15s", "1")
				continue
			}
			fmt.Fprintf(w, " %6.3f (%6.3f)", v.Phi[a][b], v.FitPhi[a][b])
		}
		fmt.Fprintln(w)
	}
	if len(v.Associations) > 0 {
		fmt.Fprintf(w, "\nOdds ratios: assumed (partial, in the seed table) vs generated (marginal, includes indirect paths)\n\n")
		for _, a := range v.Associations {
			g := "–"
			if !math.IsNaN(a.Generated) {
				g = fmt.Sprintf("%.2f", a.Generated)
			}
			fmt.Fprintf(w, "  %-14s × %-14s assumed %6.2f   generated %8s\n", a.A, a.B, a.Assumed, g)
		}
	}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
