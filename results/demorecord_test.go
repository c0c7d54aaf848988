package results_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// demo.json keeps its field names: parts and skipped, each with name, dir and reason.
func TestWriteDemo(t *testing.T) {
	dir := t.TempDir()
	d := results.Demo{Parts: []results.DemoPart{{Name: "smoke", Dir: "../run-smoke"}, {Name: "simulation", Dir: "../run-sim", Reason: "the run ended with an error: x"}},
		Skipped: []results.DemoPart{{Name: "load scenarios", Reason: "--skip-load was given"}}}
	require.NoError(t, results.WriteDemo(dir, d))
	b, err := os.ReadFile(filepath.Join(dir, results.DemoFile))
	require.NoError(t, err)
	assert.JSONEq(t, `{"parts":[{"name":"smoke","dir":"../run-smoke"},{"name":"simulation","dir":"../run-sim","reason":"the run ended with an error: x"}],
		"skipped":[{"name":"load scenarios","reason":"--skip-load was given"}]}`, string(b))
	var got results.Demo
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, d, got)
}
