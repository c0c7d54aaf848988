package calibrate

import "math/rand/v2"

// Stream tags keep the draws of different purposes apart.
const (
	tagPropose   uint64 = 1 // a proposal's prior draw or kernel perturbation
	tagSimulate  uint64 = 2 // the model run of a proposal
	tagPredictve uint64 = 3 // posterior draws of replicas
)

// mix is SplitMix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Derive returns the seed of (seed, tag, round, index): particle i of round g always gets the
// same seed whatever the number of workers or shards.
func Derive(seed, tag uint64, round, index int) uint64 {
	return mix(mix(mix(seed^mix(tag))^uint64(round)) ^ uint64(index))
}

// rng is a ChaCha8 stream for (seed, tag, round, index).
func rng(seed, tag uint64, round, index int) *rand.Rand {
	s := Derive(seed, tag, round, index)
	return rand.New(rand.NewChaCha8([32]byte{byte(s), byte(s >> 8), byte(s >> 16), byte(s >> 24),
		byte(s >> 32), byte(s >> 40), byte(s >> 48), byte(s >> 56), byte(round), byte(round >> 8), byte(index), byte(index >> 8)}))
}
