package reference

// SetPruneEvery sets how many opened challenges pass between prunings, for tests, and returns
// a function that restores the old value.
func SetPruneEvery(n uint64) (restore func()) {
	old := pruneEvery
	pruneEvery = n
	return func() { pruneEvery = old }
}
