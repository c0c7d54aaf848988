// Package phone knows Vietnam's mobile carriers and their 10-digit number prefixes (after the
// 2018 conversion [mobile-number-conversion-2018] [itelecom-mvno], cross-checked against
// libphonenumber's VN mobile pattern [libphonenumber]; keys in docs/sources.md) and hands out
// phone numbers as a bijection from a citizen's index.
//
// A Plan maps index i < MaxPopulation to a current number whose carrier follows the given
// market shares, and separately to an "old" number (an account phone abandoned after a SIM
// swap) from the capacity the current numbers leave unused. Both maps are injective and their
// images are disjoint, so current numbers are unique, old numbers are unique, and no old number
// is anyone's current number unless the caller recycles it on purpose.
package phone

import (
	"fmt"
	"math"
	"sort"

	"github.com/eidsim/eidsim/generators/sampling"
)

// SubscriberSpace is the number of subscriber numbers behind one 3-digit prefix (7 digits).
const SubscriberSpace = 10_000_000

// MaxPopulation is the largest population a Plan numbers (2^27 ≈ 134 million).
const MaxPopulation = 1 << 27

type carrier struct {
	name     string
	prefixes []string
}

// Only prefixes that libphonenumber's VN mobile pattern accepts for every 7-digit subscriber
// number are used (089 and 099 are accepted only for some subscriber ranges, 052 and 055 not
// in full, so they are left out).
var carriers = []carrier{
	{"viettel", []string{"032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098"}},
	{"vinaphone", []string{"081", "082", "083", "084", "085", "088", "091", "094"}},
	{"mobifone", []string{"070", "076", "077", "078", "079", "090", "093"}},
	{"vietnamobile", []string{"056", "058", "092"}},
	{"gmobile", []string{"059"}},
	{"itelecom", []string{"087"}},
}

// Carriers returns the carrier names.
func Carriers() []string {
	out := make([]string, len(carriers))
	for i, c := range carriers {
		out[i] = c.name
	}
	return out
}

func find(name string) *carrier {
	for i := range carriers {
		if carriers[i].name == name {
			return &carriers[i]
		}
	}
	return nil
}

// Known reports whether name is a carrier.
func Known(name string) bool { return find(name) != nil }

// Prefixes returns the 3-digit prefixes of a carrier.
func Prefixes(name string) []string {
	if c := find(name); c != nil {
		return append([]string(nil), c.prefixes...)
	}
	return nil
}

// MaxShare is the largest market share a carrier's prefixes can hold for MaxPopulation.
func MaxShare(name string) float64 {
	c := find(name)
	if c == nil {
		return 0
	}
	return math.Min(1, float64(len(c.prefixes)*SubscriberSpace)/MaxPopulation)
}

// CarrierOf returns the carrier of a 10-digit number by its prefix, or "".
func CarrierOf(number string) string {
	if len(number) != 10 {
		return ""
	}
	for _, c := range carriers {
		for _, p := range c.prefixes {
			if number[:3] == p {
				return c.name
			}
		}
	}
	return ""
}

// Plan numbers citizens for one run.
type Plan struct {
	names    []string // carriers with a share, in table order
	prefixes [][]string
	capacity []uint64
	curStart []uint64 // cumulative current allocation
	curSize  []uint64
	oldStart []uint64 // cumulative unused capacity
	oldSize  []uint64
	perms    []*sampling.Perm // per carrier, over its capacity
	cur, old *sampling.Perm
}

// NewPlan builds a numbering plan for carrier shares (name → share, summing to 1) keyed by
// seed.
func NewPlan(shares map[string]float64, seed uint64) (*Plan, error) {
	p := &Plan{
		cur: sampling.NewPerm(MaxPopulation, sampling.Derive(seed, 0x70686f6e65, 1)),
		old: sampling.NewPerm(MaxPopulation, sampling.Derive(seed, 0x70686f6e65, 2)),
	}
	// Largest-remainder allocation of MaxPopulation current numbers.
	type rem struct {
		i    int
		frac float64
	}
	var rems []rem
	var total uint64
	for _, c := range carriers {
		s, ok := shares[c.name]
		if !ok || s <= 0 {
			continue
		}
		idx := len(p.names)
		p.names = append(p.names, c.name)
		p.prefixes = append(p.prefixes, c.prefixes)
		cap := uint64(len(c.prefixes)) * SubscriberSpace
		p.capacity = append(p.capacity, cap)
		x := s * MaxPopulation
		n := uint64(math.Floor(x))
		p.curSize = append(p.curSize, n)
		total += n
		rems = append(rems, rem{idx, x - math.Floor(x)})
		p.perms = append(p.perms, sampling.NewPerm(cap, sampling.Derive(seed, 0x70686f6e65, 3, uint64(idx))))
	}
	for name := range shares {
		if !Known(name) {
			return nil, fmt.Errorf("phone: unknown carrier %q", name)
		}
	}
	if len(p.names) == 0 {
		return nil, fmt.Errorf("phone: no carrier has a share")
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for k := 0; total < MaxPopulation; k++ {
		p.curSize[rems[k%len(rems)].i]++
		total++
	}
	if total != MaxPopulation {
		return nil, fmt.Errorf("phone: carrier shares sum to more than 1")
	}
	var cs, os uint64
	for i := range p.names {
		if p.curSize[i] > p.capacity[i] {
			return nil, fmt.Errorf("phone: %s share needs %d numbers, its prefixes hold %d", p.names[i], p.curSize[i], p.capacity[i])
		}
		p.curStart = append(p.curStart, cs)
		cs += p.curSize[i]
		p.oldStart = append(p.oldStart, os)
		p.oldSize = append(p.oldSize, p.capacity[i]-p.curSize[i])
		os += p.capacity[i] - p.curSize[i]
	}
	if os < MaxPopulation {
		return nil, fmt.Errorf("phone: too little unused capacity for old numbers")
	}
	return p, nil
}

// Current returns the carrier index and the number (as prefix index and subscriber) of the
// current SIM of citizen i.
func (p *Plan) Current(i uint64) (carrier int, number uint64) {
	r := p.cur.At(i)
	c := 0
	for c+1 < len(p.names) && r >= p.curStart[c+1] {
		c++
	}
	return c, p.perms[c].At(r - p.curStart[c])
}

// Old returns the carrier index and number of citizen i's abandoned account phone.
func (p *Plan) Old(i uint64) (carrier int, number uint64) {
	r := p.old.At(i)
	c := 0
	for c+1 < len(p.names) && r >= p.oldStart[c+1] {
		c++
	}
	return c, p.perms[c].At(p.curSize[c] + r - p.oldStart[c])
}

// Len returns the number of carriers in the plan (those with a positive share).
func (p *Plan) Len() int { return len(p.names) }

// CarrierName returns the name of carrier index c.
func (p *Plan) CarrierName(c int) string { return p.names[c] }

// AppendNumber appends the 10-digit number of (carrier, number) to dst.
func (p *Plan) AppendNumber(dst []byte, c int, number uint64) []byte {
	pre := p.prefixes[c][number/SubscriberSpace]
	sub := number % SubscriberSpace
	dst = append(dst, pre...)
	var d [7]byte
	for k := 6; k >= 0; k-- {
		d[k] = byte('0' + sub%10)
		sub /= 10
	}
	return append(dst, d[:]...)
}
