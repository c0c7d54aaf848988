package results

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestAddIteration(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	m := StreamMeta{Started: t0}
	for _, tc := range []struct {
		at time.Duration
		n  float64
	}{{-time.Second, 1}, {0, 1}, {1500 * time.Millisecond, 2}, {3 * time.Second, 1}, {48 * time.Hour, 1}} {
		m.AddIteration("logins", t0.Add(tc.at), tc.n)
	}
	s := m.Iterations["logins"]
	assert.Equal(t, []float64{2, 2, 0, 1}, s[:4], "before the start counts in second 0")
	assert.Len(t, s, maxIterationSeconds, "a day at most: later counts in the last second")
	assert.Equal(t, 1.0, s[maxIterationSeconds-1])
}
