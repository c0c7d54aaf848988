package synth

import (
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/eidsim/eidsim/generators/names"
	"github.com/eidsim/eidsim/generators/sampling"
)

// Occupations.
const (
	occStudent = iota
	occFarmer
	occManual
	occOffice
	occRetired
)

var occupationNames = []string{"student", "farmer", "manual", "office", "retired"}

// citizen is one generated citizen in compact form; the encoders write it out.
type citizen struct {
	index               int64
	k                   int   // stratum
	serial              int64 // ID serial within the (province, sex, birth year) group
	cell                int
	a, e, u, c, p, x, y int

	swapRate float64 // SIM swaps per year
	years    float64 // years since activation
	swapped  bool    // SIM swapped since activation

	group    int
	village  int
	birthDay int64
	name     []byte

	carrier     int
	simNum      uint64
	acctCarrier int
	acctNum     uint64
	recycled    bool

	nfc, chip, locked bool
	device            uint64
	password          int
	occupation        int
	forget, typo, bio float64
	patience          int
}

// gen generates citizens; one per worker (not safe for concurrent use).
type gen struct {
	pop  *Population
	m    *Model
	src  rand.PCG
	r    *rand.Rand
	src2 rand.PCG // for looking at another citizen (recycled numbers)
	r2   *rand.Rand
	peer citizen
}

func newGen(pop *Population) *gen {
	g := &gen{pop: pop, m: pop.M}
	g.r = rand.New(&g.src)
	g.r2 = rand.New(&g.src2)
	return g
}

const (
	streamCore = 0x636f7265
)

// core draws the part of citizen i that other citizens' numbers depend on: stratum, joint
// cell, SIM churn and whether the SIM was swapped since activation.
// unit returns a uniform float in [0,1).
func unit(src *rand.PCG) float64 { return float64(src.Uint64()>>11) * 0x1p-53 }

// below returns a uniform integer in [0,n).
func below(src *rand.PCG, n uint64) uint64 {
	hi, _ := bits.Mul64(src.Uint64(), n)
	return hi
}

func (g *gen) core(i int64, c *citizen, src *rand.PCG, r *rand.Rand) {
	m, pop := g.m, g.pop
	s := m.key
	src.Seed(sampling.Mix64(s^sampling.Mix64(uint64(i)+streamCore)), sampling.Mix64(uint64(i)^sampling.Mix64(s+0x9e3779b97f4a7c15)))
	c.index = i
	c.k, c.serial = pop.stratumOf(i)
	a := 0
	if pop.st[c.k].adult {
		a = 1
	}
	c.cell = int(m.cellIndex[a][m.cellAlias[a].Draw(src.Uint64())])
	cell := c.cell
	c.y = cell % 4
	cell /= 4
	c.x = cell % 5
	cell /= 5
	c.p = cell % 3
	cell /= 3
	c.c = cell % 3
	cell /= 3
	c.u = cell % 2
	cell /= 2
	c.e = cell % 2
	c.a = cell / 2
	u1, u2 := unit(src), unit(src)
	u3 := unit(src)
	c.swapRate, c.years, c.swapped = 0, 0, false
	if c.x != xNone {
		mean := m.Profile.SIM.SwapsOwner
		if c.x == xSmartNon || c.x == xFeatureNon {
			mean = m.Profile.SIM.SwapsNonOwner
		}
		c.swapRate = mean * -math.Log(1-u1) // exponential across citizens, with that mean
		if c.y >= yLevel1 {
			c.years = u2 * m.activationYears
			c.swapped = u3 < 1-math.Exp(-c.swapRate*c.years)
		}
	}
}

// generate fills c with citizen i.
func (g *gen) generate(i int64, c *citizen) {
	m, pop, r, src := g.m, g.pop, g.r, &g.src
	g.core(i, c, src, r)
	st := &pop.st[c.k]
	// ethnic group and village
	va := m.villAlias[c.u][c.c][c.e]
	c.village = int(m.villIndex[c.u][c.c][c.e][va.Draw(src.Uint64())])
	ug, ud := src.Uint64(), unit(src)
	switch {
	case c.e == 0:
		c.group = m.kinhGroup
	case m.Villages[c.village].Group >= 0 && ud < DominantShare:
		c.group = m.Villages[c.village].Group
	default:
		c.group = int(m.minIndex[m.minAlias.Draw(ug)])
	}
	c.birthDay = st.firstDay + int64(below(src, uint64(st.days)))
	c.name = names.Append(c.name[:0], m.groupNaming[c.group], st.female, st.year, src)
	// phones
	if c.x != xNone {
		cr, num := m.phones.Current(uint64(i))
		c.carrier, c.simNum = cr, num
	}
	c.recycled = false
	uRec := unit(src)
	switch {
	case c.y == yNone:
	case c.x == xNone:
		// a profile collected at the counter with a number the citizen no longer holds
		c.acctCarrier, c.acctNum = m.phones.Old(uint64(i))
	case c.y >= yLevel1 && c.swapped:
		c.acctCarrier, c.acctNum = m.phones.Old(uint64(i))
		if pop.recycleK > 0 && uRec < pop.recycleP {
			j := (i + pop.recycleK) % pop.N
			g.core(j, &g.peer, &g.src2, g.r2)
			// j's current number may be our old one only if no account uses it.
			if g.peer.x != xNone && (g.peer.y == yNone || (g.peer.y >= yLevel1 && g.peer.swapped)) {
				c.acctCarrier, c.acctNum = m.phones.Current(uint64(j))
				c.recycled = true
			}
		}
	default:
		c.acctCarrier, c.acctNum = c.carrier, c.simNum
	}
	c.nfc = (c.x == xSmartOwner || c.x == xSmartNon) && unit(src) < m.Profile.Handsets.NFC
	uc := unit(src)
	c.chip = false
	if c.a == 1 {
		if c.y != yNone {
			c.chip = uc < m.chipHolder
		} else {
			c.chip = uc < m.chipOther
		}
	}
	c.locked = c.y >= yLevel1 && unit(src) < m.Profile.Accounts.LockedShare
	c.device = src.Uint64()
	c.password = int(below(src, PasswordPoolSize))
	// occupation and traits (assumptions, see the README's population section)
	age := st.age
	uo := unit(src)
	switch {
	case age < 18:
		c.occupation = occStudent
	case age >= 60:
		c.occupation = occRetired
	case c.u == 0:
		farm := 0.75
		if c.p == 2 {
			farm = 0.85
		}
		switch {
		case uo < farm:
			c.occupation = occFarmer
		case uo < farm+0.6*(1-farm):
			c.occupation = occManual
		default:
			c.occupation = occOffice
		}
	default:
		office := 0.55
		if c.p == 2 {
			office = 0.25
		}
		switch {
		case uo < office:
			c.occupation = occOffice
		case uo < 0.95:
			c.occupation = occManual
		default:
			c.occupation = occFarmer
		}
	}
	n1, n2, n3, n4 := r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
	fa := float64(age)
	bio := 0.93 - 0.0035*math.Max(0, fa-35) + 0.04*n1
	if c.occupation == occFarmer || c.occupation == occManual {
		bio -= 0.07
	}
	if age < 14 {
		bio -= 0.05
	}
	c.bio = round3(clamp(bio, 0.05, 0.99))
	f := 0.4 * (1 + 0.015*math.Max(0, fa-30)) * math.Exp(0.6*n2-0.18)
	if c.x >= xFeatureOwner {
		f *= 1.4
	}
	c.forget = round3(f)
	t := 0.03 + 0.0012*math.Max(0, fa-30) + 0.02*math.Abs(n3)
	if c.x >= xFeatureOwner {
		t += 0.02
	}
	c.typo = round3(clamp(t, 0.005, 0.5))
	pt := 3.5 + 1.2*n4
	if age >= 60 {
		pt--
	}
	c.patience = int(clamp(math.Round(pt), 1, 10))
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
