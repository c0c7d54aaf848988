package telco

import (
	"math"
	"time"
)

// Draw streams: each random decision about a message reads its own stream of the message's key,
// so adding a decision never shifts another.
const (
	streamLatency    = 0  // two uniforms for the latency normal
	streamExtraDelay = 2  // two uniforms for the injected extra delay
	streamLoss       = 4  // one uniform for injected loss
	streamAttempt    = 16 // one uniform per attempt (weak-signal failure), 16+attempt
)

// splitmix64 is the SplitMix64 finaliser: a bijective 64-bit mixer.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// messageKey is the key of the n-th message to phone submitted at t under seed.
func messageKey(seed uint64, phone string, n uint64, t time.Time) uint64 {
	// FNV-1a over the number, then mixed with the other parts.
	h := uint64(14695981039346656037)
	for i := 0; i < len(phone); i++ {
		h ^= uint64(phone[i])
		h *= 1099511628211
	}
	k := splitmix64(seed ^ 0x7e1c0)
	k = splitmix64(k ^ h)
	k = splitmix64(k ^ n)
	return splitmix64(k ^ uint64(t.UnixNano()))
}

// uniform returns a number in (0, 1) from stream i of key.
func uniform(key uint64, i uint64) float64 {
	x := splitmix64(key ^ splitmix64(i+1))
	return (float64(x>>11) + 0.5) / (1 << 53)
}

// normal returns a standard normal score from streams i and i+1 of key (Box–Muller).
func normal(key uint64, i uint64) float64 {
	u1, u2 := uniform(key, i), uniform(key, i+1)
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}
