package synth

import (
	"fmt"
	"math"
	"sort"

	"github.com/eidsim/eidsim/generators/phone"
	"github.com/eidsim/eidsim/generators/sampling"
)

// MaxCount is the largest population one run generates (the phone numbering plan's limit).
const MaxCount = phone.MaxPopulation

// stratum is a (birth province, sex, birth year, birthday before/after the snapshot day)
// cell of the age–sex structure. Citizens are assigned to strata in exact proportions, and
// the six serial digits of the ID number are the citizen's rank within its (province, sex,
// birth year) group, so ID numbers are unique by construction.
type stratum struct {
	prov     int
	female   bool
	year     int
	age      int   // age at the snapshot
	firstDay int64 // first possible birth day (days since 1970-01-01)
	days     int64 // number of possible birth days
	adult    bool
}

// Population is a model instantiated for a population size N.
type Population struct {
	M     *Model
	N     int64
	perm  *sampling.Perm
	st    []stratum
	cum   []int64 // cum[k] = citizens in strata before k; len(st)+1
	group []int64 // group[k] = cum of the first stratum of k's (province, sex, year) group
	codes [][]byte
	// serials scrambles the rank within a (province, sex, birth year) group into the six
	// serial digits: a keyed permutation of [0, 10^6) per group.
	serials []*sampling.Perm
	// recycleK is the offset of the citizen whose current SIM recycles a citizen's abandoned
	// account number: j = (i + recycleK) mod N, an injection.
	recycleK int64
	// recycleP is the probability of trying to recycle a swapped account's old number,
	// raised above the profile's recycled_share to make up for the peers that cannot take it
	// (they have no phone, or an account on their current number), so that the realised
	// share of recycled old numbers matches the profile.
	recycleP float64
}

// NewPopulation prepares the generation of n citizens.
func (m *Model) NewPopulation(n int64) (*Population, error) {
	if n <= 0 {
		return nil, fmt.Errorf("count must be positive, got %d", n)
	}
	if n > MaxCount {
		return nil, fmt.Errorf("count %d exceeds the maximum %d (the phone numbering plan's capacity)", n, int64(MaxCount))
	}
	p := m.Profile
	type pw struct {
		code string
		w    float64
	}
	var provs []pw
	if p.Provinces != nil {
		tot := 0.0
		for _, c := range p.Provinces.Codes {
			tot += c.Weight
		}
		for _, c := range p.Provinces.Codes {
			provs = append(provs, pw{c.Code, c.Weight / tot})
		}
	} else {
		provs = []pw{{p.ProvinceCode, 1}}
	}
	snap := p.SnapshotDate()
	Y, mo, d := snap.Date()
	var st []stratum
	var probs []float64
	for pi, pv := range provs {
		for sx := 0; sx < 2; sx++ {
			ps := p.Sex.Male
			if sx == 1 {
				ps = 1 - ps
			}
			for _, b := range p.Age.Bands {
				// Ages within a band are uniform, except that older bands thin out with age
				// (mortality): weight e^(-rate·(age-min)), rate 0.05 from 60 and 0.15 from 75
				// (assumption), normalised so the band keeps its share.
				rate := 0.0
				switch {
				case b.Min >= 75:
					rate = 0.15
				case b.Min >= 60:
					rate = 0.05
				}
				norm := 0.0
				for age := b.Min; age <= b.Max; age++ {
					norm += math.Exp(-rate * float64(age-b.Min))
				}
				for age := b.Min; age <= b.Max; age++ {
					perAge := b.Share * math.Exp(-rate*float64(age-b.Min)) / norm
					// birthday on or before the snapshot day in year Y-age …
					y0 := Y - age
					s0 := daysFromCivil(y0, 1, 1)
					e0 := daysFromCivil(y0, mo, d) // inclusive
					n0 := e0 - s0 + 1
					// … or after it in year Y-age-1.
					y1 := Y - age - 1
					s1 := daysFromCivil(y1, mo, d) + 1
					e1 := daysFromCivil(y1, 12, 31)
					n1 := e1 - s1 + 1
					tot := float64(n0 + n1)
					for _, x := range []struct {
						y     int
						s, n  int64
						share float64
					}{{y1, s1, n1, float64(n1) / tot}, {y0, s0, n0, float64(n0) / tot}} {
						if x.n <= 0 {
							continue
						}
						st = append(st, stratum{prov: pi, female: sx == 1, year: x.y, age: age, firstDay: x.s, days: x.n, adult: age >= 14})
						probs = append(probs, pv.w*ps*perAge*x.share)
					}
				}
			}
		}
	}
	// Sort strata by (province, sex, year, first day) so each ID group is contiguous.
	idx := make([]int, len(st))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		x, y := st[idx[a]], st[idx[b]]
		if x.prov != y.prov {
			return x.prov < y.prov
		}
		if x.female != y.female {
			return !x.female
		}
		if x.year != y.year {
			return x.year < y.year
		}
		return x.firstDay < y.firstDay
	})
	sst := make([]stratum, len(st))
	sp := make([]float64, len(st))
	for k, i := range idx {
		sst[k], sp[k] = st[i], probs[i]
	}
	counts := systematic(sp, n, unitFloat(sampling.Derive(m.key, 0x6f6666, uint64(n))))
	pop := &Population{M: m, N: n, st: sst, cum: make([]int64, len(sst)+1), group: make([]int64, len(sst))}
	for k := range sst {
		pop.cum[k+1] = pop.cum[k] + counts[k]
		if k > 0 && sst[k].prov == sst[k-1].prov && sst[k].female == sst[k-1].female && sst[k].year == sst[k-1].year {
			pop.group[k] = pop.group[k-1]
		} else {
			pop.group[k] = pop.cum[k]
		}
		if size := pop.cum[k+1] - pop.group[k]; size > 1_000_000 {
			return nil, fmt.Errorf("count %d puts %d citizens of one sex born in %d in province %s: more than the 1,000,000 serial numbers an ID number has", n, size, sst[k].year, provs[sst[k].prov].code)
		}
	}
	for _, pv := range provs {
		pop.codes = append(pop.codes, []byte(pv.code))
	}
	pop.serials = make([]*sampling.Perm, len(sst))
	for k := range sst {
		if k > 0 && sst[k].prov == sst[k-1].prov && sst[k].female == sst[k-1].female && sst[k].year == sst[k-1].year {
			pop.serials[k] = pop.serials[k-1]
			continue
		}
		sx := uint64(0)
		if sst[k].female {
			sx = 1
		}
		pop.serials[k] = sampling.NewPerm(1_000_000, sampling.Derive(m.key, 0x73657269, uint64(sst[k].prov), sx, uint64(sst[k].year)))
	}
	pop.perm = sampling.NewPerm(uint64(n), sampling.Derive(m.key, 0x73747261, uint64(n)))
	pop.recycleK = n/2 + 1
	if n <= 2 {
		pop.recycleK = 0
	}
	pop.recycleP = m.Profile.SIM.Recycled
	if pop.recycleK > 0 && pop.recycleP > 0 {
		if q := pop.peerQualifies(); q > 0 {
			pop.recycleP = math.Min(1, pop.recycleP/q)
		}
	}
	return pop, nil
}

// peerQualifies estimates, from up to 20,000 citizens spread evenly over the population, the
// share who could take over an abandoned number: they hold a SIM and no account uses its
// number. Deterministic in (seed, N).
func (p *Population) peerQualifies() float64 {
	g := newGen(p)
	var c citizen
	k := min(p.N, 20000)
	ok := 0
	for t := int64(0); t < k; t++ {
		i := t * p.N / k
		g.core(i, &c, &g.src, g.r)
		if c.x != xNone && (c.y == yNone || (c.y >= yLevel1 && c.swapped)) {
			ok++
		}
	}
	return float64(ok) / float64(k)
}

// systematic integerises n*p by systematic allocation with a random start u0 in [0,1): the
// strata are laid end to end on [0, n) and stratum k receives the integer points u0, u0+1, …
// that fall in its interval. Counts sum to n exactly, every stratum gets floor or ceil of its
// expectation, every run of adjacent strata (a province, a sex within a province, a birth
// year) too, and each stratum's count is unbiased — unlike largest-remainder rounding, which
// starves small strata when n is small against the number of strata.
func systematic(p []float64, n int64, u0 float64) []int64 {
	tot := 0.0
	for _, x := range p {
		tot += x
	}
	counts := make([]int64, len(p))
	var prev int64
	c := 0.0
	for k, x := range p {
		c += x
		cur := int64(math.Floor(c/tot*float64(n) + u0))
		if k == len(p)-1 || cur > n {
			cur = n
		}
		counts[k] = cur - prev
		prev = cur
	}
	return counts
}

func unitFloat(u uint64) float64 { return float64(u>>11) * 0x1p-53 }

// stratumOf returns the stratum and the ID serial of citizen i.
func (p *Population) stratumOf(i int64) (k int, serial int64) {
	r := int64(p.perm.At(uint64(i)))
	// first k with cum[k+1] > r
	lo, hi := 0, len(p.st)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if p.cum[mid+1] > r {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, int64(p.serials[lo].At(uint64(r - p.group[lo])))
}

// ShardRange returns the index range [lo, hi) of shard i of n (1-based).
func ShardRange(count int64, i, n int) (lo, hi int64) {
	lo = (int64(i) - 1) * count / int64(n)
	hi = int64(i) * count / int64(n)
	return lo, hi
}
