package reference

import "time"

// SetPruneEvery sets how many opened challenges pass between prunings, for tests, and returns
// a function that restores the old value.
func SetPruneEvery(n uint64) (restore func()) {
	old := pruneEvery
	pruneEvery = n
	return func() { pruneEvery = old }
}

// SetProbeEvery sets how long a successful write probe stands for Ready, for tests, and
// returns a function that restores the old value.
func SetProbeEvery(d time.Duration) (restore func()) {
	old := probeEvery
	probeEvery = d
	return func() { probeEvery = old }
}
