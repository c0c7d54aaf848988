package load

import "time"

// Presample and Slice expose the runner's one-pass sample of a search to the tests.
func (r *Runner) Presample(s Search, stepLen time.Duration, o Options) error {
	return r.presample(s, stepLen, o)
}

func (r *Runner) Slice(want map[string]int, offset int) (map[string][]Sampled, SampleStats) {
	return r.slice(want, offset)
}

// Pre is the presampled pool.
func (r *Runner) Pre(pool string) []Sampled { return r.pre[pool] }
