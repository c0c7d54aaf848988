package calibrate

import (
	"context"
	"fmt"
	"math"
	"sync"
)

// Model is what is calibrated: it runs the simulator once at parameter values theta (in the
// Space's order) with the given seed and returns one prediction per target of the Config (in
// its order) and the headline outputs (Config.Outputs). It must be safe for concurrent use
// and return promptly, with an error wrapping ctx.Err(), once ctx is cancelled.
type Model interface {
	Simulate(ctx context.Context, theta []float64, seed uint64) (preds, outputs []float64, err error)
}

// Evaluate runs the proposals props[lo:hi] on up to workers goroutines; the simulations are
// in proposal order and do not depend on workers. done is called after each run (may be nil).
func Evaluate(ctx context.Context, st *State, m Model, props []Proposal, workers int, done func()) ([]Sim, error) {
	out := make([]Sim, len(props))
	errs := make([]error, len(props))
	workers = max(1, min(workers, len(props)))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p := props[i]
				theta := st.Config.Space.Theta(p.Z)
				preds, outs, err := m.Simulate(ctx, theta, Derive(st.Config.Seed, tagSimulate, p.Round, p.Index))
				if err == nil {
					err = finite(st.Config, preds, outs)
				}
				if err != nil {
					errs[i] = fmt.Errorf("round %d particle %d: %w", p.Round, p.Index, err)
					continue
				}
				out[i] = Sim{Round: p.Round, Index: p.Index, Z: p.Z, Preds: preds, Outputs: outs,
					Distance: Distance(st.Config.Targets, preds, nil)}
				if done != nil {
					mu.Lock()
					done()
					mu.Unlock()
				}
			}
		}()
	}
loop:
	for i := range props {
		select {
		case next <- i:
		case <-ctx.Done():
			break loop
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Progress is told about each round and each model run.
type Progress interface {
	// Round is called before round g's n runs.
	Round(g, n int)
	// Ran is called after each run.
	Ran()
	// Merged is called after round g is merged into st.
	Merged(st *State)
}

// Run carries a calibration on from st to the end in one process: every round's proposals
// are evaluated and merged in turn; save (may be nil) is called with each new state (a
// checkpoint). It returns the last state reached and, when interrupted, ctx's error.
func Run(ctx context.Context, st *State, m Model, workers int, pr Progress, save func(*State) error) (*State, error) {
	for !st.Done {
		props, err := st.Proposals()
		if err != nil {
			return st, err
		}
		var ran func()
		if pr != nil {
			pr.Round(st.NextRound(), len(props))
			ran = pr.Ran
		}
		sims, err := Evaluate(ctx, st, m, props, workers, ran)
		if err != nil {
			return st, err
		}
		nx, err := st.Advance(sims)
		if err != nil {
			return st, err
		}
		st = nx
		if pr != nil {
			pr.Merged(st)
		}
		if save != nil {
			if err := save(st); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// finite checks a run's figures: a NaN or infinite prediction would make the distances (and
// the state file) meaningless.
func finite(c Config, preds, outs []float64) error {
	if len(preds) != len(c.Targets) || len(outs) != len(c.Outputs) {
		return fmt.Errorf("the model returned %d predictions and %d outputs for %d targets and %d outputs",
			len(preds), len(outs), len(c.Targets), len(c.Outputs))
	}
	for j, v := range preds {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("the model predicted %v for %s", v, c.Targets[j].ID)
		}
	}
	for j, v := range outs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("the model's output %s is %v", c.Outputs[j], v)
		}
	}
	return nil
}
