// Package sampling holds the deterministic random machinery of the generators: seed mixing
// (splitmix64), keyed permutations of any integer range (a Feistel network with cycle
// walking) and Vose alias tables for O(1) categorical draws.
//
// Everything here is a pure function of its inputs and seeds, so a citizen's record depends
// only on (run seed, citizen index) — never on worker count, chunking or shard.
package sampling

import "math/bits"

// Mix64 is the splitmix64 finaliser: a bijective avalanche of x.
func Mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Derive returns a 64-bit key from a seed and a sequence of values (index, stream, …).
func Derive(seed uint64, vals ...uint64) uint64 {
	h := Mix64(seed ^ 0x6a09e667f3bcc909)
	for _, v := range vals {
		h = Mix64(h ^ Mix64(v+0x3c6ef372fe94f82b))
	}
	return h
}

// Perm is a keyed bijection of [0, N). It is a 4-round balanced Feistel network on the
// smallest even number of bits covering N, with cycle walking for values ≥ N.
type Perm struct {
	n    uint64
	half uint
	mask uint64
	keys [4]uint64
}

// NewPerm returns the permutation of [0, n) keyed by key. n must be at least 1.
func NewPerm(n, key uint64) *Perm {
	if n == 0 {
		panic("sampling: empty permutation domain")
	}
	b := uint(bits.Len64(n - 1))
	if b < 2 {
		b = 2
	}
	if b%2 == 1 {
		b++
	}
	p := &Perm{n: n, half: b / 2, mask: 1<<(b/2) - 1}
	for i := range p.keys {
		p.keys[i] = Derive(key, uint64(i))
	}
	return p
}

// N returns the size of the domain.
func (p *Perm) N() uint64 { return p.n }

// At returns the image of x (x < N).
func (p *Perm) At(x uint64) uint64 {
	for {
		x = p.round(x)
		if x < p.n {
			return x
		}
	}
}

func (p *Perm) round(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	sh := 64 - p.half
	for _, k := range p.keys {
		// round function: the top bits of a two-multiply hash of (r, key)
		f := (r ^ k) * 0xbf58476d1ce4e5b9
		f ^= f >> 31
		f *= 0x94d049bb133111eb
		l, r = r, l^(f>>sh)
	}
	return l<<p.half | r
}
