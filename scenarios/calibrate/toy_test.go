package calibrate

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
)

// normalMean is the toy problem: every target is an observation y_k ~ N(μ, σ²) of one mean μ
// with a flat prior, so the posterior of μ given n observations is N(ȳ, σ²/n).
type normalMean struct{ sigma float64 }

func (m normalMean) Simulate(ctx context.Context, theta []float64, seed uint64) ([]float64, []float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	r := rand.New(rand.NewPCG(seed, 7))
	preds := []float64{theta[0] + m.sigma*r.NormFloat64(), theta[0] + m.sigma*r.NormFloat64()}
	return preds, []float64{preds[0]}, nil
}

func toyConfig(particles, rounds int) Config {
	return Config{Particles: particles, Rounds: rounds, Seed: 11, Model: "toy",
		Space:   Space{{Name: "mu", Dist: Uniform, Lo: 500, Hi: 1500}},
		Targets: []Target{{ID: "y1", Value: 1000}, {ID: "y2", Value: 1040}}, Outputs: []string{"y1"}}
}

func posteriorOf(st *State) (mean, sd float64) {
	var xs []float64
	for _, i := range st.Kept {
		xs = append(xs, st.Sims[i].Z[0])
	}
	w := st.Weights()
	for i := range w {
		w[i] *= float64(len(w)) // frequency weights (gonum divides by Σw − 1)
	}
	return stat.MeanStdDev(xs, w)
}

func TestABCRecoversTheNormalMeanPosterior(t *testing.T) {
	st, err := NewState(toyConfig(200, 10))
	require.NoError(t, err)
	st, err = Run(context.Background(), st, normalMean{sigma: 50}, 2, nil, nil)
	require.NoError(t, err)
	require.True(t, st.Done)
	mean, sd := posteriorOf(st)
	t.Logf("posterior mean %.2f sd %.2f, epsilon %v, acceptance %v, %d runs", mean, sd, st.Epsilon, st.Acceptance, st.Runs())
	// Exact posterior: N(1020, (50/√2)² = 35.4²); ABC with a tolerance > 0 is slightly wider.
	assert.InDelta(t, 1020, mean, 10, "posterior mean")
	assert.Greater(t, sd, 28.0, "posterior sd")
	assert.Less(t, sd, 48.0, "posterior sd")
	assert.Len(t, st.Epsilon, st.Round+1)
	for g := 1; g < len(st.Epsilon); g++ {
		assert.LessOrEqual(t, st.Epsilon[g], st.Epsilon[g-1], "tolerances never grow")
	}
	assert.Equal(t, 2*200+200*st.Round, st.Runs())
	assert.Greater(t, st.population().ess(), 60.0, "the weights do not collapse onto a few particles")
}

func TestSameSeedSamePosteriorForAnyWorkers(t *testing.T) {
	var outs [][]byte
	for _, w := range []int{1, 3} {
		st, err := NewState(toyConfig(40, 3))
		require.NoError(t, err)
		st, err = Run(context.Background(), st, normalMean{sigma: 50}, w, nil, nil)
		require.NoError(t, err)
		dir := t.TempDir()
		require.NoError(t, WriteState(dir, st))
		b, err := os.ReadFile(filepath.Join(dir, StateFile))
		require.NoError(t, err)
		outs = append(outs, b)
	}
	assert.Equal(t, string(outs[0]), string(outs[1]))
}

func TestShardedAndMergedEqualsUnshardedByteForByte(t *testing.T) {
	cfg := toyConfig(30, 3)
	m := normalMean{sigma: 50}
	whole := t.TempDir()
	st, err := NewState(cfg)
	require.NoError(t, err)
	_, err = Run(context.Background(), st, m, 2, nil, func(s *State) error { return WriteState(whole, s) })
	require.NoError(t, err)

	shared := t.TempDir()
	st, err = NewState(cfg)
	require.NoError(t, err)
	for !st.Done {
		for i := 1; i <= 4; i++ { // shards run with different worker counts, in any order
			_, err := RunShard(context.Background(), shared, st, m, 5-i, 4, i, nil)
			require.NoError(t, err)
		}
		st, err = Merge(shared, st)
		require.NoError(t, err)
		require.NoError(t, WriteState(shared, st))
		st, err = ReadState(shared) // a new process reads the state back
		require.NoError(t, err)
	}
	a, err := os.ReadFile(filepath.Join(whole, StateFile))
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(shared, StateFile))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}

func TestMergeRefusesMissingOrForeignShards(t *testing.T) {
	dir := t.TempDir()
	st, err := NewState(toyConfig(10, 2))
	require.NoError(t, err)
	_, err = RunShard(context.Background(), dir, st, normalMean{sigma: 50}, 1, 2, 1, nil)
	require.NoError(t, err)
	_, err = Merge(dir, st)
	assert.ErrorContains(t, err, "round-000.shard-2-of-2.json is missing")

	other := toyConfig(10, 2)
	other.Model = "another"
	ost, err := NewState(other)
	require.NoError(t, err)
	_, err = Merge(dir, ost)
	assert.ErrorContains(t, err, "a shard of another calibration")
}

func TestCancelledCalibrationReturnsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st, err := NewState(toyConfig(10, 2))
	require.NoError(t, err)
	_, err = Run(ctx, st, normalMean{sigma: 50}, 2, nil, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

// cancelAfter cancels the calibration's context after n model runs.
type cancelAfter struct {
	normalMean
	n      *atomic.Int64
	cancel context.CancelFunc
}

func (m cancelAfter) Simulate(ctx context.Context, theta []float64, seed uint64) ([]float64, []float64, error) {
	if m.n.Add(-1) == 0 {
		m.cancel()
	}
	return m.normalMean.Simulate(ctx, theta, seed)
}

// Ctrl-C in the middle of round 1: Run returns at once with the error and the state of the
// last merged round (round 0), which the caller records as interrupted.
func TestInterruptedCalibrationKeepsTheLastMergedRound(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	n.Store(2*20 + 5) // round 0 is 40 runs; stop 5 runs into round 1
	st, err := NewState(toyConfig(20, 5))
	require.NoError(t, err)
	saved := 0
	start := time.Now()
	st, err = Run(ctx, st, cancelAfter{normalMean{sigma: 50}, &n, cancel}, 2, nil, func(*State) error { saved++; return nil })
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), time.Second)
	assert.Equal(t, 0, st.Round, "the state is that of the last merged round")
	assert.Equal(t, 1, saved, "round 0 was checkpointed")
	assert.False(t, st.Done)
}

type nanModel struct{}

func (nanModel) Simulate(context.Context, []float64, uint64) ([]float64, []float64, error) {
	return []float64{1, math.NaN()}, []float64{0}, nil
}

func TestNonFinitePredictionsAreRefused(t *testing.T) {
	st, err := NewState(toyConfig(4, 1))
	require.NoError(t, err)
	_, err = Run(context.Background(), st, nanModel{}, 1, nil, nil)
	assert.ErrorContains(t, err, "the model predicted NaN for y2")
}
