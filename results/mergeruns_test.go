package results_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// segmentRun makes a finished run directory of one segment with n requests.
func segmentRun(t *testing.T, root, id, segment string, seed uint64, status string, n float64) string {
	t.Helper()
	r, err := results.Create(root, results.Manifest{RunID: id, Kind: results.KindLoad, Scenario: "login-throughput", Seed: seed,
		Segment: segment, Target: "http://127.0.0.1:8080", Hash: "fast", Started: time.Now().UTC()})
	require.NoError(t, err)
	a := results.NewAggregate()
	a.Types[results.MetricHTTPReqs] = results.TypeCounter
	a.Counters[results.MetricHTTPReqs] = n
	require.NoError(t, results.WriteAggregate(r.Dir, a))
	if status != results.StatusRunning {
		require.NoError(t, r.Finish(status, time.Now(), nil))
	}
	return r.Dir
}

func TestMergeRuns(t *testing.T) {
	root := t.TempDir()
	one := segmentRun(t, root, "one", "1/2", 5, results.StatusPassed, 10)
	two := segmentRun(t, root, "two", "2/2", 5, results.StatusThresholdsFailed, 7)
	run, merged, err := results.MergeRuns(context.Background(), filepath.Join(root, "merged"), []string{one, two}, []string{"eidsim", "report", "--merge"})
	require.NoError(t, err)
	assert.Equal(t, 17.0, merged.Counters[results.MetricHTTPReqs])
	assert.Equal(t, []string{"1/2", "2/2"}, merged.Segments)
	m, err := results.ReadManifest(run.Dir)
	require.NoError(t, err)
	assert.Equal(t, results.KindMerge, m.Kind)
	assert.Equal(t, results.StatusMerged, m.Status)
	assert.Equal(t, "login-throughput", m.Scenario)
	assert.Equal(t, uint64(5), m.Seed)
	assert.Equal(t, []string{one, two}, m.MergedFrom)
	got, err := results.LoadAggregate(run.Dir)
	require.NoError(t, err)
	assert.Equal(t, 17.0, got.Counters[results.MetricHTTPReqs])

	for _, tt := range []struct {
		name    string
		dirs    func(root string) []string
		want    string
		notADir bool
	}{
		{"another seed", func(r string) []string {
			return []string{segmentRun(t, r, "a", "1/2", 5, results.StatusPassed, 1), segmentRun(t, r, "b", "2/2", 6, results.StatusPassed, 1)}
		}, "seed 6 differs from the first part's", false},
		{"a segment twice", func(r string) []string {
			return []string{segmentRun(t, r, "a", "1/2", 5, results.StatusPassed, 1), segmentRun(t, r, "b", "1/2", 5, results.StatusPassed, 1)}
		}, "segment 1/2 given twice", false},
		{"an unfinished part", func(r string) []string {
			return []string{segmentRun(t, r, "a", "1/2", 5, results.StatusPassed, 1), segmentRun(t, r, "b", "2/2", 5, results.StatusRunning, 1)}
		}, `the run did not finish (manifest status "running")`, false},
		{"not a run directory", func(r string) []string {
			return []string{segmentRun(t, r, "a", "1/2", 5, results.StatusPassed, 1), r}
		}, "not a run directory to merge", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := t.TempDir()
			out := filepath.Join(r, "merged")
			_, _, err := results.MergeRuns(context.Background(), out, tt.dirs(r), nil)
			require.ErrorContains(t, err, tt.want)
			assert.Equal(t, tt.notADir, errors.Is(err, results.ErrNotRunDir))
			assert.NoDirExists(t, out, "nothing is written for a refused merge")
		})
	}
}
