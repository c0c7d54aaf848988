package campaign

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
)

// promptly is how soon a cancelled run must return.
const promptly = time.Second

// cancelAt runs fn with a context cancelled after d and reports what fn returned, how long
// after the cancel it returned, and whether the cancel came before it returned. A run that
// does not return within d + hang fails the test instead of hanging it.
func cancelAt(t *testing.T, d, hang time.Duration, fn func(context.Context) error) (err error, late time.Duration, hit bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		err error
		at  time.Time
	}
	done := make(chan result, 1)
	go func() {
		err := fn(ctx)
		done <- result{err, time.Now()}
	}()
	cancelled := make(chan time.Time, 1)
	timer := time.AfterFunc(d, func() {
		cancelled <- time.Now()
		cancel()
	})
	var r result
	select {
	case r = <-done:
	case <-time.After(d + hang):
		t.Fatalf("run cancelled after %v did not return within %v", d, hang)
	}
	if timer.Stop() {
		return r.err, 0, false
	}
	at := <-cancelled
	if r.at.Before(at) { // returned just before the cancel
		return r.err, 0, false
	}
	return r.err, r.at.Sub(at), true
}

// TestCancelledRunsReturnPromptly cancels runs and replica sets at seeded random points: each
// returns within a second with an error wrapping context.Canceled, or had finished before
// the cancel with a result.
func TestCancelledRunsReturnPromptly(t *testing.T) {
	c, err := Load("dien-bien-2023")
	require.NoError(t, err)
	w, err := PrepareWorld(c, 2000, 1)
	require.NoError(t, err)
	start := time.Now()
	_, err = Run(context.Background(), c, w.Pop, w.Scale, 1, 0)
	require.NoError(t, err)
	full := time.Since(start)
	t.Logf("an uncancelled run takes %v", full)

	rng := rand.New(rand.NewPCG(12, 13))
	drivers := []struct {
		name string
		span time.Duration // how long an uncancelled call takes, about
		run  func(context.Context) error
	}{
		{"Run", full, func(ctx context.Context) error {
			_, err := Run(ctx, c, w.Pop, w.Scale, 1, 0)
			return err
		}},
		{"RunReplicas", 2 * full, func(ctx context.Context) error {
			_, err := RunReplicas(ctx, c, w, 1, 4, 2)
			return err
		}},
	}
	for _, dr := range drivers {
		t.Run(dr.name, func(t *testing.T) {
			hits := 0
			for k := range 6 {
				d := time.Duration(rng.Float64() * 0.9 * float64(dr.span))
				if k == 0 {
					d = 0 // cancelled at once
				}
				err, late, hit := cancelAt(t, d, 10*time.Second+dr.span, dr.run)
				if !hit {
					assert.NoError(t, err, "finished before the cancel at %v", d)
					continue
				}
				hits++
				t.Logf("cancelled at %v: returned %v later (%v)", d, late, err)
				assert.ErrorIs(t, err, context.Canceled, "cancelled at %v", d)
				assert.Less(t, late, promptly, "cancelled at %v, returned %v later", d, late)
			}
			assert.GreaterOrEqual(t, hits, 3, "most cancels fall inside a run")
		})
	}
}

// Regression: giveSIM looped for ever once the run was cancelled (the store refused the
// update, the error was dropped, and the number was never added).
func TestGiveSIMStopsOnCancel(t *testing.T) {
	s, err := newSim(context.Background(), tinyCampaign(t), []population.Record{
		person(0, population.HandsetSmartphone, true, population.Coverage4G)}, 1, 7, 0)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() { done <- s.giveSIM(ctx, 0, true) }()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("giveSIM did not return after cancellation")
	}
}

// Store errors end the run instead of being dropped: registering in the citizen's name a
// number the carrier has no record of is an error naming the number.
func TestStoreErrorsAreReturned(t *testing.T) {
	ctx := context.Background()
	newOne := func() *sim {
		s, err := newSim(ctx, tinyCampaign(t), []population.Record{
			person(0, population.HandsetSmartphone, false, population.Coverage2G)}, 1, 7, 0)
		require.NoError(t, err)
		return s
	}
	tests := []struct {
		name string
		do   func(s *sim) error
		want string
	}{
		{"standardise a number without a record", func(s *sim) error {
			s.cit[0].phone = "0912999999"
			return s.act(ctx, 0, actStandardise)
		}, "subscriber 0912999999: not found"},
		{"coverage of a citizen the registry lost", func(s *sim) error {
			s.cit[0].id = "011090999999"
			return s.inTown(ctx, 0, true)
		}, "citizen 011090999999's coverage: not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do(newOne())
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
			assert.False(t, errors.Is(err, context.Canceled))
		})
	}
}
