package load

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/eidsim/eidsim/results"
)

// Search are the parameters of FindMax.
type Search struct {
	// Start is the first rate tried (iterations per second).
	Start float64
	// Increment is added after every passing step until a step fails.
	Increment float64
	// Resolution ends the search once the increment has been halved below it.
	Resolution float64
	// MaxSteps bounds the number of measured steps.
	MaxSteps int
	// WarmUp runs one unmeasured step at Start first (as keycloak-benchmark does).
	WarmUp bool
}

// Validate names the first bad parameter.
func (s Search) Validate() error {
	switch {
	case !(s.Start > 0):
		return errors.New("find-max: start rate must be > 0")
	case !(s.Increment > 0):
		return errors.New("find-max: increment must be > 0")
	case !(s.Resolution > 0):
		return errors.New("find-max: resolution must be > 0")
	case s.MaxSteps < 1 || s.MaxSteps > 100:
		return errors.New("find-max: max steps must be in 1…100")
	}
	return nil
}

// RunStep measures one rate: n is the step number (0 for the warm-up).
type RunStep func(ctx context.Context, n int, rate float64, warmUp bool) (results.LoadStep, error)

// FindMax searches for the highest arrival rate whose run passes every threshold, the way
// keycloak-benchmark's incremental mode does: step the rate up by Increment until a run
// fails, then go back to the last passing rate, halve the increment and step up again,
// until the increment falls below Resolution or MaxSteps runs were made. It never runs a
// rate at or above one that already failed. It returns the best passing step (nil when no
// rate passed) and every step made.
func FindMax(ctx context.Context, s Search, run RunStep) (*results.LoadStep, []results.LoadStep, error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	var steps []results.LoadStep
	if s.WarmUp {
		st, err := run(ctx, 0, s.Start, true)
		if err != nil {
			return nil, steps, err
		}
		st.WarmUp = true
		steps = append(steps, st)
	}
	var best *results.LoadStep
	last, failed, inc, rate := 0.0, math.Inf(1), s.Increment, s.Start
	for n := 1; n <= s.MaxSteps; n++ {
		if err := ctx.Err(); err != nil {
			return best, steps, err
		}
		st, err := run(ctx, n, rate, false)
		if err != nil {
			return best, steps, err
		}
		st.N, st.Rate = n, rate
		steps = append(steps, st)
		if st.Passed {
			b := st
			best, last = &b, rate
		} else {
			failed = math.Min(failed, rate)
			inc /= 2
		}
		next := last + inc
		for next >= failed && inc >= s.Resolution {
			inc /= 2
			next = last + inc
		}
		if inc < s.Resolution {
			break
		}
		rate = round3(next)
	}
	if best == nil {
		return nil, steps, fmt.Errorf("find-max: no rate passed the thresholds (lowest tried %.3g/s)", lowest(steps))
	}
	return best, steps, nil
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func lowest(steps []results.LoadStep) float64 {
	l := math.Inf(1)
	for _, s := range steps {
		if !s.WarmUp && s.Rate < l {
			l = s.Rate
		}
	}
	return l
}
