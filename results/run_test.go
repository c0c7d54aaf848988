package results_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

func TestCreateWritesManifestFirst(t *testing.T) {
	root := filepath.Join(t.TempDir(), "results")
	now := time.Date(2026, 11, 22, 21, 0, 0, 0, time.UTC)
	id := results.NewRunID(now, "login-throughput")
	assert.Regexp(t, `^20261122T210000Z-login-throughput-[0-9a-f]{6}$`, id)

	r, err := results.Create(root, results.Manifest{RunID: id, Kind: "load", Scenario: "login-throughput", Seed: 7, Hash: "unknown (target did not report)"})
	require.NoError(t, err)
	entries, err := os.ReadDir(r.Dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, results.ManifestFile, entries[0].Name())

	m, err := results.ReadManifest(r.Dir)
	require.NoError(t, err)
	assert.Equal(t, results.StatusRunning, m.Status, "an interrupted run keeps saying running")
	assert.Equal(t, uint64(7), m.Seed)

	require.NoError(t, r.Finish(results.StatusThresholdsFailed, now.Add(time.Minute), errors.New("p95 over budget")))
	m, err = results.ReadManifest(r.Dir)
	require.NoError(t, err)
	assert.Equal(t, results.StatusThresholdsFailed, m.Status)
	assert.Equal(t, "p95 over budget", m.Error)
	assert.Equal(t, now.Add(time.Minute), m.Ended)

	_, err = results.Create(root, results.Manifest{RunID: id})
	require.Error(t, err, "a run directory is never reused")
	_, err = results.Create(root, results.Manifest{})
	require.ErrorContains(t, err, "no run id")
}
