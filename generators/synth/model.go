// Package synth generates synthetic citizens of a province whose joint distribution of
// barriers copies the province's profile.
//
// A Model is built once from a profile and a seed (cheap, deterministic): the villages with
// their coverage class, grid power, size and ethnic make-up; a joint table over
//
//	age class (under 14 / 14+) × minority × urban × village coverage (4G / 2G / none) ×
//	poverty (none / near-poor / poor) × phone (smartphone or feature phone, each with an owner-
//	or non-owner-registered SIM, or no phone) × e-ID account (none / pending / level 1 / level 2)
//
// fitted by iterative proportional fitting (package ipf) to every marginal of the profile,
// starting from a seed table built from the profile's assumed odds ratios; and alias tables for
// every categorical draw.
//
// Citizen i of a population of N is a pure function of (seed, N, i): its sex, birth year and
// birth province come from a stratified, permuted assignment (so the age and sex structure is
// exact and every ID number is unique), its joint cell and everything else from a random stream
// keyed by (seed, i). Output is therefore byte-identical for any number of workers, and the
// shards of a run concatenate to the whole run.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/eidsim/eidsim/generators/ipf"
	"github.com/eidsim/eidsim/generators/names"
	"github.com/eidsim/eidsim/generators/phone"
	"github.com/eidsim/eidsim/generators/profile"
	"github.com/eidsim/eidsim/generators/sampling"
	"github.com/eidsim/eidsim/reference"
)

// Version is the generator version written to manifests; it changes whenever the same seed
// would produce different output.
const Version = "1.0.0"

// Joint table dimensions.
const (
	dimA = iota // 0 child (<14), 1 adult
	dimE        // 0 Kinh, 1 minority
	dimU        // 0 rural, 1 urban
	dimC        // 0 4G, 1 2G only, 2 no coverage
	dimP        // 0 not poor, 1 near-poor, 2 poor
	dimX        // phone: 0 smart+owner SIM, 1 smart+non-owner, 2 feature+owner, 3 feature+non-owner, 4 none
	dimY        // account: 0 none, 1 pending activation, 2 level 1, 3 level 2
	nDims
)

var dimSizes = [nDims]int{2, 2, 2, 3, 3, 5, 4}

// Phone classes.
const (
	xSmartOwner = iota
	xSmartNon
	xFeatureOwner
	xFeatureNon
	xNone
)

// Account classes.
const (
	yNone = iota
	yPending
	yLevel1
	yLevel2
)

// PasswordPoolSize is the number of distinct synthetic passwords.
const PasswordPoolSize = 64

// Village is one village (thôn, bản, làng, tổ dân phố).
type Village struct {
	ID       string
	Urban    bool
	Coverage int // 0 4G, 1 2G only, 2 none
	Power    bool
	Size     float64 // relative population
	Minority float64 // propensity of minority residents
	// Group is the dominant minority group (index into the profile's groups), or -1.
	Group int
}

// Model is everything needed to generate citizens of one profile with one seed.
type Model struct {
	Profile  *profile.Profile
	Seed     uint64
	Villages []Village
	Joint    *ipf.Table
	Controls []ipf.Control
	Fit      ipf.Result
	Seeded   *ipf.Table // the seed table before fitting (normalised)

	// key keys every random stream: the seed mixed with the profile name, so that two
	// profiles generated with the same seed are not drawn from the same streams.
	key uint64

	cellAlias   [2]*sampling.Alias // by age class
	cellIndex   [2][]int32         // alias category → joint cell
	villAlias   [2][3][2]*sampling.Alias
	villIndex   [2][3][2][]int32
	minAlias    *sampling.Alias // minority groups
	minIndex    []int32
	kinhGroup   int
	groupNames  [][]byte
	groupNaming []int
	villageIDs  [][]byte
	phones      *phone.Plan
	carriers    [][]byte
	passwords   []string
	passJSON    [][]byte

	adultShare      float64
	profileRate     float64
	activated       float64
	level2          float64
	chipHolder      float64 // P(chip card | account holder)
	chipOther       float64 // P(chip card | adult without account)
	activationYears float64 // span over which accounts were activated, to the snapshot
	snapshotDays    int64
}

// NewModel builds the model of a profile for a seed.
func NewModel(p *profile.Profile, seed uint64) (*Model, error) {
	m := &Model{Profile: p, Seed: seed, key: sampling.Derive(seed, fnv64(p.Name)), adultShare: p.AdultShare()}
	m.profileRate, m.activated, m.level2 = p.AccountRates()
	m.snapshotDays = daysFromCivil(p.SnapshotDate().Date())
	// Accounts were activated between the VNeID launch (assumed 1 Jan 2022) and the snapshot.
	m.activationYears = math.Max(0.25, float64(m.snapshotDays-daysFromCivil(2022, 1, 1))/365.25)
	if err := m.buildVillages(); err != nil {
		return nil, err
	}
	if err := m.fitJoint(); err != nil {
		return nil, err
	}
	if err := m.buildDraws(); err != nil {
		return nil, err
	}
	return m, nil
}

// buildVillages lays out the villages: which are urban, their coverage, power, size and
// ethnic make-up. Deterministic in (profile, seed).
func (m *Model) buildVillages() error {
	p := m.Profile
	v := p.Villages
	r := rand.New(rand.NewPCG(sampling.Derive(m.key, 0x76696c6c, 1), sampling.Derive(m.key, 0x76696c6c, 2)))
	nu := p.UrbanVillages()
	n := v.Count
	vs := make([]Village, n)
	// Village order is shuffled so that urban and remote villages are spread over the IDs.
	order := r.Perm(n)
	rural := order[nu:]
	for k, idx := range order {
		vs[idx].Urban = k < nu
	}
	// Coverage: the first rural villages in shuffled order lack coverage.
	for k, idx := range rural {
		switch {
		case k < v.Without2G:
			vs[idx].Coverage = 2
		case k < v.Without2G+v.Only2G:
			vs[idx].Coverage = 1
		}
	}
	// Power: villages without coverage are the likeliest to lack grid power too (assumption:
	// half of the villages without 2G and 30% of those with 2G only; the rest among rural 4G
	// villages). Nationally 124 of 761 villages without signal had no power (16%).
	wantNone := min(v.Without2G, int(math.Round(0.5*float64(v.Without2G))))
	want2g := min(v.Only2G, int(math.Round(0.3*float64(v.Only2G))))
	if wantNone+want2g > v.WithoutPower {
		wantNone = min(wantNone, v.WithoutPower)
		want2g = v.WithoutPower - wantNone
	}
	want4g := v.WithoutPower - wantNone - want2g
	rural4g := len(rural) - v.Without2G - v.Only2G
	if want4g > rural4g {
		extra := want4g - rural4g
		want4g = rural4g
		add := min(extra, v.Only2G-want2g)
		want2g += add
		wantNone += extra - add
	}
	for k, idx := range rural {
		vs[idx].Power = true
		switch {
		case k < v.Without2G:
			if k < wantNone {
				vs[idx].Power = false
			}
		case k < v.Without2G+v.Only2G:
			if k-v.Without2G < want2g {
				vs[idx].Power = false
			}
		default:
			if k-v.Without2G-v.Only2G < want4g {
				vs[idx].Power = false
			}
		}
	}
	for i := range vs {
		if vs[i].Urban {
			vs[i].Power = true
		}
	}
	// Sizes (log-normal around the class mean) and minority propensity.
	M := p.MinorityShare()
	var urbanSum, ruralSum float64
	for i := range vs {
		base := 1.0
		switch {
		case vs[i].Urban:
			base = v.UrbanSize
		case vs[i].Coverage > 0:
			base = v.RemoteSize
		}
		vs[i].Size = base * math.Exp(0.5*r.NormFloat64()-0.125)
		if vs[i].Urban {
			urbanSum += vs[i].Size
			vs[i].Minority = clamp(M*0.6*math.Exp(0.3*r.NormFloat64()), 0.005, 0.95)
		} else {
			ruralSum += vs[i].Size
			q := M * 1.1
			if vs[i].Coverage > 0 {
				q = M * 1.4
			}
			if r.Float64() < math.Min(q, 0.98) {
				vs[i].Minority = 0.92
			} else {
				vs[i].Minority = 0.06
			}
		}
		vs[i].Group = -1
	}
	// Scale so that urban villages hold exactly the urban share.
	u := p.Urban.Share
	for i := range vs {
		if vs[i].Urban {
			if urbanSum > 0 {
				vs[i].Size *= u / urbanSum
			}
		} else if ruralSum > 0 {
			vs[i].Size *= (1 - u) / ruralSum
		}
	}
	width := len(fmt.Sprint(n))
	if width < 4 {
		width = 4
	}
	m.villageIDs = make([][]byte, n)
	for i := range vs {
		vs[i].ID = fmt.Sprintf("%s-%0*d", p.ProvinceCode, width, i+1)
		m.villageIDs[i] = []byte(vs[i].ID)
	}
	m.Villages = vs
	return nil
}

// fnv64 is the FNV-1a hash of s.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// VillageShares returns the population share of each (urban, coverage) village class.
func (m *Model) VillageShares() (s [2][3]float64) {
	for _, v := range m.Villages {
		u := 0
		if v.Urban {
			u = 1
		}
		s[u][v.Coverage] += v.Size
	}
	return s
}

// indicator values of a joint cell, as used by associations.
func indicators(c []int) map[string]float64 {
	adult := c[dimA] == 1
	b := func(x bool) float64 {
		if x {
			return 1
		}
		return 0
	}
	poor := 0.0
	switch c[dimP] {
	case 2:
		poor = 1
	case 1:
		poor = 0.5 // near-poor: half the log odds ratio
	}
	return map[string]float64{
		"minority":      b(c[dimE] == 1),
		"rural":         b(c[dimU] == 0),
		"poor":          poor,
		"remote":        b(c[dimC] >= 1),
		"no_coverage":   b(c[dimC] == 2),
		"no_smartphone": b(adult && c[dimX] >= xFeatureOwner),
		"no_phone":      b(adult && c[dimX] == xNone),
		"non_owner_sim": b(adult && (c[dimX] == xSmartNon || c[dimX] == xFeatureNon)),
		"no_account":    b(adult && c[dimY] == yNone),
		"not_activated": b(adult && c[dimY] <= yPending),
		"level2":        b(adult && c[dimY] == yLevel2),
	}
}

// structurallyPossible reports whether a joint cell can hold anyone.
func structurallyPossible(c []int) bool {
	if c[dimA] == 0 && (c[dimX] != xNone || c[dimY] != yNone) {
		return false // under 14: no phone of their own in the model, no account
	}
	if c[dimU] == 1 && c[dimC] != 0 {
		return false // urban wards have 4G
	}
	if c[dimX] == xNone && c[dimY] >= yLevel1 {
		return false // activation needs a phone to receive the OTP
	}
	return true
}

func (m *Model) fitJoint() error {
	p := m.Profile
	t := ipf.NewTable(dimSizes[:]...)
	coord := make([]int, nDims)
	for i := range t.Cells {
		t.Coord(i, coord)
		if !structurallyPossible(coord) {
			continue
		}
		ind := indicators(coord)
		lw := 0.0
		for _, a := range p.Associations {
			lw += math.Log(a.OddsRatio) * ind[a.A] * ind[a.B]
		}
		t.Cells[i] = math.Exp(lw)
	}
	t.Normalize()
	seeded := &ipf.Table{Dims: t.Dims, Cells: append([]float64(nil), t.Cells...)}

	ad := m.adultShare
	h := p.Handsets
	own := p.SIM.OwnerRegistered
	vs := m.VillageShares()
	min := p.MinorityShare()
	pr, act, l2 := m.profileRate, m.activated, m.level2
	m.Controls = []ipf.Control{
		{Name: "age 14+", Labels: []string{"under 14", "14+"}, Group: func(c []int) int { return c[dimA] }, Targets: []float64{1 - ad, ad}},
		{Name: "ethnicity", Labels: []string{"Kinh", "minority"}, Group: func(c []int) int { return c[dimE] }, Targets: []float64{1 - min, min}},
		{Name: "village class", Labels: []string{"rural 4G", "rural 2G only", "rural no coverage", "urban 4G", "urban 2G", "urban none"},
			Group: func(c []int) int { return c[dimU]*3 + c[dimC] }, Targets: []float64{vs[0][0], vs[0][1], vs[0][2], vs[1][0], vs[1][1], vs[1][2]}},
		{Name: "poverty", Labels: []string{"not poor", "near-poor", "poor"}, Group: func(c []int) int { return c[dimP] },
			Targets: []float64{1 - p.Poverty.Poor - p.Poverty.NearPoor, p.Poverty.NearPoor, p.Poverty.Poor}},
		{Name: "handset (14+)", Labels: []string{"smartphone", "feature", "none"}, Group: func(c []int) int {
			if c[dimA] == 0 {
				return -1
			}
			return [5]int{0, 0, 1, 1, 2}[c[dimX]]
		}, Targets: []float64{ad * h.Smartphone, ad * h.Feature, ad * h.None}},
		{Name: "SIM owner (14+ with a phone)", Labels: []string{"owner", "non-owner"}, Group: func(c []int) int {
			if c[dimA] == 0 || c[dimX] == xNone {
				return -1
			}
			return [5]int{0, 1, 0, 1, -1}[c[dimX]]
		}, Targets: []float64{ad * (1 - h.None) * own, ad * (1 - h.None) * (1 - own)}},
		{Name: "account (14+)", Labels: []string{"none", "pending", "level 1", "level 2"}, Group: func(c []int) int {
			if c[dimA] == 0 {
				return -1
			}
			return c[dimY]
		}, Targets: []float64{ad * (1 - pr), ad * (pr - act), ad * act * (1 - l2), ad * act * l2}},
	}
	res, err := ipf.Fit(t, m.Controls, 2000, 1e-9)
	if err != nil {
		return fmt.Errorf("profile %s: the marginals cannot be fitted together: %w", p.File, err)
	}
	if !res.Converged && res.MaxError > 1e-4 {
		return fmt.Errorf("profile %s: the fit did not converge (worst control off by %.2g%%): the marginals contradict each other", p.File, 100*res.MaxError)
	}
	m.Fit = res
	m.Joint = t
	m.Seeded = seeded
	return nil
}

func (m *Model) buildDraws() error {
	p := m.Profile
	coord := make([]int, nDims)
	for a := 0; a < 2; a++ {
		var w []float64
		var idx []int32
		for i, v := range m.Joint.Cells {
			m.Joint.Coord(i, coord)
			if coord[dimA] == a && v > 0 {
				w = append(w, v)
				idx = append(idx, int32(i))
			}
		}
		al, err := sampling.NewAlias(w)
		if err != nil {
			return fmt.Errorf("profile %s: age class %d: %w", p.File, a, err)
		}
		m.cellAlias[a], m.cellIndex[a] = al, idx
	}
	// Villages by (urban, coverage, minority).
	for u := 0; u < 2; u++ {
		for c := 0; c < 3; c++ {
			for e := 0; e < 2; e++ {
				var w []float64
				var idx []int32
				for i, v := range m.Villages {
					if (u == 1) != v.Urban || v.Coverage != c {
						continue
					}
					f := v.Minority
					if e == 0 {
						f = 1 - f
					}
					w = append(w, v.Size*f)
					idx = append(idx, int32(i))
				}
				if len(w) > 0 {
					m.villAlias[u][c][e] = sampling.MustAlias(w)
					m.villIndex[u][c][e] = idx
				}
			}
		}
	}
	// Ethnic groups.
	m.kinhGroup = -1
	var mw []float64
	for i, g := range p.Ethnicity.Groups {
		m.groupNames = append(m.groupNames, []byte(g.Key))
		m.groupNaming = append(m.groupNaming, names.Index(g.Naming))
		if g.Key == "Kinh" {
			m.kinhGroup = i
			continue
		}
		if g.Share > 0 {
			mw = append(mw, g.Share)
			m.minIndex = append(m.minIndex, int32(i))
		}
	}
	if len(mw) > 0 {
		m.minAlias = sampling.MustAlias(mw)
	}
	// Phones.
	shares := map[string]float64{}
	for _, c := range p.Carriers.Shares {
		shares[c.Name] = c.Share
	}
	plan, err := phone.NewPlan(shares, m.key)
	if err != nil {
		return fmt.Errorf("profile %s: carriers: %w", p.File, err)
	}
	m.phones = plan
	for i := 0; i < plan.Len(); i++ {
		m.carriers = append(m.carriers, []byte(plan.CarrierName(i)))
	}
	// Chip cards: every account holder had a chip card when the profile was collected, as
	// far as the share allows; the rest of the share goes to adults without an account.
	chip := p.ChipCard.Share
	if chip >= m.profileRate {
		m.chipHolder = 1
		if m.profileRate < 1 {
			m.chipOther = (chip - m.profileRate) / (1 - m.profileRate)
		}
	} else {
		m.chipHolder = chip / m.profileRate
	}
	m.assignGroups()
	m.passwords = PasswordPool(m.Seed)
	for _, pw := range m.passwords {
		m.passJSON = append(m.passJSON, appendJSONString(nil, pw))
	}
	return nil
}

// DominantShare is the share of a rural village's minority residents who belong to the
// village's dominant group (assumption: highland villages are largely of one group).
const DominantShare = 0.85

// assignGroups gives every rural village a dominant minority group so that each group's
// expected share stays exact: villages are taken in a seeded random order, those without 4G
// first, and each goes to the group furthest below its target, weighted by the group's
// remote_affinity for villages without 4G.
func (m *Model) assignGroups() {
	p := m.Profile
	if len(m.minIndex) == 0 {
		return
	}
	var mass [2][3][2]float64
	coord := make([]int, nDims)
	for i, w := range m.Joint.Cells {
		m.Joint.Coord(i, coord)
		mass[coord[dimU]][coord[dimC]][coord[dimE]] += w
	}
	vmass := make([]float64, len(m.Villages))
	R := 0.0
	for c := 0; c < 3; c++ {
		a := m.villAlias[0][c][1]
		if a == nil {
			continue
		}
		for k, vi := range m.villIndex[0][c][1] {
			vmass[vi] = mass[0][c][1] * a.P(k)
			R += vmass[vi]
		}
	}
	S := 0.0
	for _, gi := range m.minIndex {
		S += p.Ethnicity.Groups[gi].Share
	}
	target := make([]float64, len(m.minIndex))
	deficit := make([]float64, len(m.minIndex))
	for k, gi := range m.minIndex {
		target[k] = R * p.Ethnicity.Groups[gi].Share / S
		deficit[k] = target[k]
	}
	r := rand.New(rand.NewPCG(sampling.Derive(m.key, 0x646f6d, 1), sampling.Derive(m.key, 0x646f6d, 2)))
	// Largest villages first, so the small ones at the end fine-tune each group's total.
	order := r.Perm(len(m.Villages))
	sort.SliceStable(order, func(a, b int) bool { return vmass[order[a]] > vmass[order[b]] })
	for pass := 0; pass < 2; pass++ {
		for _, vi := range order {
			v := &m.Villages[vi]
			if v.Urban || vmass[vi] == 0 || (pass == 0) != (v.Coverage > 0) {
				continue
			}
			best, bestScore := 0, math.Inf(-1)
			for k, gi := range m.minIndex {
				score := deficit[k] / target[k]
				if pass == 0 {
					aff := p.Ethnicity.Groups[gi].RemoteAffinity
					if score > 0 {
						score *= aff
					} else {
						score /= aff
					}
				}
				if score > bestScore {
					best, bestScore = k, score
				}
			}
			v.Group = int(m.minIndex[best])
			deficit[best] -= vmass[vi]
		}
	}
}

// PasswordPool returns the run's pool of synthetic passwords: PasswordPoolSize distinct
// strings that satisfy the service's password rule with its default policy
// (reference.Policy.CheckPassword: 8–20 characters with a digit, an upper-case and a
// lower-case letter and a special character). They are built like human passwords — a
// capitalised English word pair from gofakeit, digits and a symbol from
// reference.PasswordSpecials — with a gofakeit faker seeded from the run seed.
func PasswordPool(seed uint64) []string {
	f := gofakeit.NewFaker(rand.NewPCG(sampling.Derive(seed, 0x70617373, 1), sampling.Derive(seed, 0x70617373, 2)), false)
	const specials = reference.PasswordSpecials
	rule := reference.DefaultPolicy()
	seen := map[string]bool{}
	var out []string
	for len(out) < PasswordPoolSize {
		w1 := capitalize(ascii(f.Adjective()))
		w2 := capitalize(ascii(f.Noun()))
		if len(w1) < 2 || len(w2) < 2 {
			continue
		}
		pw := fmt.Sprintf("%s%s%02d%c", w1, w2, f.IntN(100), specials[f.IntN(len(specials))])
		if len(pw) > 20 {
			pw = pw[len(pw)-20:]
		}
		if rule.CheckPassword(pw) != nil || seen[pw] {
			continue
		}
		seen[pw] = true
		out = append(out, pw)
	}
	return out
}

func ascii(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian date.
func daysFromCivil[M ~int](y int, mo M, d int) int64 {
	m := int(mo)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	yy := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		yy++
	}
	return int(yy), m, d
}
