package calibrate

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
)

// StateFormat is the version of the state file layout.
const StateFormat = 2

// Target is one observed figure the model is compared with.
type Target struct {
	ID    string  `json:"id"`
	Value float64 `json:"value"`
	// AtLeast marks a bound ("more than"): a prediction above it costs nothing.
	AtLeast bool `json:"at_least,omitempty"`
	// Resolution is the smallest step of the prediction (one simulated citizen at full scale,
	// 1/scale; at least 1): the log error is regularised by it, so a count the model resolves
	// only as 0, 1 or 2 simulated people does not swamp the distance.
	Resolution float64 `json:"resolution,omitempty"`
}

// Config is what a calibration is: it is written into every state and shard file, and a
// shard of another configuration is refused.
type Config struct {
	// Particles is the size of the posterior sample (K). Round 0 draws 2K from the prior;
	// every later round proposes K from the perturbation kernel.
	Particles int `json:"particles"`
	// Rounds is the most rounds after round 0.
	Rounds int `json:"rounds"`
	// MinAcceptance stops the calibration when the share of a round's proposals that would
	// have passed the previous tolerance falls below it (Lenormand et al. 2013).
	MinAcceptance float64  `json:"min_acceptance"`
	Seed          uint64   `json:"seed"`
	Space         Space    `json:"parameters"`
	Targets       []Target `json:"targets"`
	// Outputs name the headline outputs each simulation also records (for sensitivity).
	Outputs []string `json:"outputs"`
	// Model identifies the model, the evidence and the scale (campaign file hashes, evidence
	// version, citizens per campaign); shards are only merged into a state of the same Model.
	Model string `json:"model"`
}

// Check reports a configuration that cannot run.
func (c *Config) Check() error {
	if c.Particles < 4 {
		return fmt.Errorf("particles %d: want at least 4", c.Particles)
	}
	if c.Rounds < 0 {
		return fmt.Errorf("rounds %d is negative", c.Rounds)
	}
	if c.MinAcceptance < 0 || c.MinAcceptance >= 1 {
		return fmt.Errorf("min_acceptance %v is not in [0,1)", c.MinAcceptance)
	}
	if len(c.Targets) == 0 {
		return errors.New("no evidence to calibrate on")
	}
	return c.Space.Check()
}

// Sim is one model run: a proposal, what the model predicted for each target and output,
// and its distance to the evidence.
type Sim struct {
	Round    int       `json:"round"`
	Index    int       `json:"index"`
	Z        []float64 `json:"z"`
	Preds    []float64 `json:"predictions"`
	Outputs  []float64 `json:"outputs"`
	Distance float64   `json:"distance"`
}

// Proposed is how a round g ≥ 1 made its proposals: the population it perturbed (indices
// in Sims) and that population's weights. With it every round's proposal density can be
// evaluated anywhere, which the importance weights need.
type Proposed struct {
	Parents []int     `json:"parents"`
	Weights []float64 `json:"weights"`
}

// State is a calibration after its last merged round: every simulation so far (the history
// validation reuses) and the current population.
type State struct {
	Format int    `json:"format"`
	Config Config `json:"config"`
	// Round is the last merged round; -1 before round 0.
	Round int `json:"round"`
	// Epsilon is the tolerance schedule, one per round.
	Epsilon []float64 `json:"epsilon"`
	// Acceptance is, per round from 1, the share of its proposals within the previous tolerance.
	Acceptance []float64 `json:"acceptance"`
	// Kept are the indices in Sims of the current population, best first.
	Kept []int `json:"kept"`
	// Proposed holds, for each round from 1, the population its proposals perturbed.
	Proposed []Proposed `json:"proposed"`
	Sims     []Sim      `json:"simulations"`
	Done     bool       `json:"done"`
	Stop     string     `json:"stop_reason,omitempty"`

	mix *mixture // the proposal mixture of this state, built on first use
}

// NewState starts a calibration.
func NewState(c Config) (*State, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &State{Format: StateFormat, Config: c, Round: -1}, nil
}

// Proposal is a parameter point the next round will run.
type Proposal struct {
	Round, Index int
	Z            []float64
}

// NextRound is the round the next proposals belong to.
func (st *State) NextRound() int { return st.Round + 1 }

// Size is how many proposals round g has.
func (st *State) Size(g int) int {
	if g == 0 {
		return 2 * st.Config.Particles
	}
	return st.Config.Particles
}

// Weights returns the normalised importance weights of the current population (in Kept
// order); see mixture.
func (st *State) Weights() []float64 {
	w, err := st.weightsOf(st.Kept)
	if err != nil {
		panic(err) // the kernels were factorised when the proposals were made
	}
	return w
}

// weightsOf returns the normalised importance weights of the simulations idx.
func (st *State) weightsOf(idx []int) ([]float64, error) {
	m, err := st.mixture()
	if err != nil {
		return nil, err
	}
	lw := make([]float64, len(idx))
	for k, i := range idx {
		lw[k] = m.logWeight(st.Sims[i].Z)
	}
	return normalise(lw), nil
}

func normalise(lw []float64) []float64 {
	w := make([]float64, len(lw))
	if len(lw) == 0 {
		return w
	}
	m := floats.Max(lw)
	for i, v := range lw {
		w[i] = math.Exp(v - m)
	}
	floats.Scale(1/floats.Sum(w), w)
	return w
}

// Advance merges the simulations of the next round (every index of the round exactly once)
// into a new state: the population is the K best of the old population and the new
// simulations (ties broken by round, then index), the tolerance is the K-th distance, and the
// calibration stops after Rounds rounds or when the acceptance falls below MinAcceptance.
func (st *State) Advance(sims []Sim) (*State, error) {
	g := st.NextRound()
	n := st.Size(g)
	if len(sims) != n {
		return nil, fmt.Errorf("round %d: %d simulations, want %d", g, len(sims), n)
	}
	sorted := append([]Sim(nil), sims...)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].Index < sorted[b].Index })
	for i, s := range sorted {
		if s.Round != g || s.Index != i {
			return nil, fmt.Errorf("round %d: simulation %d is of round %d index %d", g, i, s.Round, s.Index)
		}
		if len(s.Preds) != len(st.Config.Targets) {
			return nil, fmt.Errorf("round %d simulation %d: %d predictions for %d targets", g, i, len(s.Preds), len(st.Config.Targets))
		}
	}
	nx := *st
	nx.mix = nil
	if g > 0 {
		// The population the round's proposals perturbed, with the weights they used.
		nx.Proposed = append(append([]Proposed(nil), st.Proposed...), Proposed{Parents: append([]int(nil), st.Kept...), Weights: st.Weights()})
	}
	nx.Round = g
	nx.Sims = append(append([]Sim(nil), st.Sims...), sorted...)
	cand := append([]int(nil), st.Kept...)
	for i := range sorted {
		cand = append(cand, len(st.Sims)+i)
	}
	sort.SliceStable(cand, func(a, b int) bool {
		x, y := nx.Sims[cand[a]], nx.Sims[cand[b]]
		if x.Distance != y.Distance {
			return x.Distance < y.Distance
		}
		if x.Round != y.Round {
			return x.Round < y.Round
		}
		return x.Index < y.Index
	})
	k := st.Config.Particles
	nx.Kept = cand[:k]
	eps := nx.Sims[nx.Kept[k-1]].Distance
	nx.Epsilon = append(append([]float64(nil), st.Epsilon...), eps)
	nx.Acceptance = append([]float64(nil), st.Acceptance...)
	if g > 0 {
		prev, acc := st.Epsilon[len(st.Epsilon)-1], 0
		for _, s := range sorted {
			if s.Distance <= prev {
				acc++
			}
		}
		a := float64(acc) / float64(n)
		nx.Acceptance = append(nx.Acceptance, a)
		if a < st.Config.MinAcceptance {
			nx.Done, nx.Stop = true, fmt.Sprintf("acceptance %.3f below %.3f in round %d", a, st.Config.MinAcceptance, g)
		}
	}
	if !nx.Done && g >= st.Config.Rounds {
		nx.Done, nx.Stop = true, fmt.Sprintf("%d rounds after the prior round", g)
	}
	return &nx, nil
}

// Runs is the number of model runs (simulations) so far.
func (st *State) Runs() int { return len(st.Sims) }
