package report

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// A replay run's section puts each flow's simulated, asked and achieved rates side by side.
func TestReplaySection(t *testing.T) {
	dir := t.TempDir()
	_, ok := replaySection(dir)
	assert.False(t, ok, "not a replay")
	p := results.ReplayPlan{Simulation: "/sims/x", Campaign: "dien-bien-2023", Date: "2023-09-04", Fraction: 0.5, Compress: "24h:2m",
		Factor: 720, Hour: results.Duration{Duration: 5 * time.Second}, Flows: map[string]results.ReplayFlow{}}
	var lf results.ReplayFlow
	lf.Simulated[19], lf.Asked[19], lf.Iterations = 0.1, 36, 180
	p.Flows["login"] = lf
	require.NoError(t, results.WriteReplayPlan(dir, p))
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	meta := results.StreamMeta{Started: t0}
	for i := range 90 { // 18 iterations/s started during hour 19 (95 s … 100 s)
		meta.AddIteration("login", t0.Add(95*time.Second+time.Duration(i)*time.Second/18), 1)
	}
	require.NoError(t, results.WriteStreamFile(filepath.Join(dir, results.StreamFile), meta, results.NewK6Output()))
	s, ok := replaySection(dir)
	require.True(t, ok)
	assert.Contains(t, s.Text[0], "at 50 % of the simulated full-scale rates")
	require.Len(t, s.Tables, 2)
	assert.Equal(t, []string{"login", "19 h", "0.1", "36", "18", "50 %", "180", "90"}, s.Tables[0].Rows[0])
	assert.Equal(t, []string{"19 h", "1m35s", "0.1", "36", "18", "50 %"}, s.Tables[1].Rows[19])
}
