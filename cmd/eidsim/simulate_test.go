package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

const tinySimCampaign = `name: tiny
population:
  profile: dien-bien
  count: 300
start: 2023-01-01
days: 45
deadlines:
  - {name: plan, date: 2023-02-10, metric: profiles, target: 100000}
reported:
  - {date: 2023-02-10, metric: profiles, value: 150000, fit: true}
behaviour:
  bass_p: 3
  bass_q: 3
counters:
  kits: 70
interventions:
  free_sims:
    - {date: 2023-01-20, count: 4000}
  web_activation:
    - {from: 2023-01-10, to: 2023-02-14, teams: 100, per_team_per_day: 10}
`

func runSim(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(nil), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := runEnv(context.Background(), e, args)
	return code, out.String(), errb.String()
}

func writeSimCampaign(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "camp.yaml")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func onlySimRun(t *testing.T, root string) string {
	t.Helper()
	ents, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, ents, 1)
	return filepath.Join(root, ents[0].Name())
}

func TestSimulateWritesRunRecord(t *testing.T) {
	root := t.TempDir()
	code, out, errs := runSim(t, "simulate", writeSimCampaign(t, tinySimCampaign), "--replicas", "2", "--out", root)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "deadline \"plan\"")
	dir := onlySimRun(t, root)
	for _, f := range []string{"manifest.json", "daily.csv", "funnel.csv", "summary.json", "calibration.csv", "calibration.md"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	m, err := results.ReadManifest(dir)
	require.NoError(t, err)
	assert.Equal(t, results.StatusPassed, m.Status)
	assert.Equal(t, "simulate", m.Kind)
}

func TestSimulateSameBytesForAnyWorkers(t *testing.T) {
	camp := writeSimCampaign(t, tinySimCampaign)
	read := func(workers string) []byte {
		root := t.TempDir()
		code, _, errs := runSim(t, "simulate", camp, "--replicas", "3", "--workers", workers, "--out", root)
		require.Equal(t, 0, code, errs)
		b, err := os.ReadFile(filepath.Join(onlySimRun(t, root), "daily.csv"))
		require.NoError(t, err)
		return b
	}
	assert.Equal(t, read("1"), read("2"))
}

func TestSimulateCounterfactual(t *testing.T) {
	root := t.TempDir()
	code, out, errs := runSim(t, "simulate", writeSimCampaign(t, tinySimCampaign), "--replicas", "2",
		"--counterfactual", "free_sims,web_activation", "--out", root)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "counterfactual without free_sims,web_activation")
	dir := onlySimRun(t, root)
	assert.FileExists(t, filepath.Join(dir, "tiny", "counterfactual.csv"))
	assert.FileExists(t, filepath.Join(dir, "tiny", "without", "daily.csv"))
}

func TestSimulateBadCampaignNamesFileLineField(t *testing.T) {
	bad := writeSimCampaign(t, tinySimCampaign+"counters:\n  kitz: 4\n")
	code, _, errs := runSim(t, "simulate", bad, "--out", t.TempDir())
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "camp.yaml:")
	assert.Contains(t, errs, "field")

	bad = writeSimCampaign(t, tinySimCampaign[:len(tinySimCampaign)]+"sms:\n  rate_per_second: -1\n")
	code, _, errs = runSim(t, "simulate", bad, "--out", t.TempDir())
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "camp.yaml:22: field sms.rate_per_second")
}

func TestSimulateUsage(t *testing.T) {
	code, _, _ := runSim(t, "simulate")
	assert.Equal(t, exitUsage, code)
	code, _, _ = runSim(t, "simulate", "dien-bien-2023", "--capacity", "nurses")
	assert.Equal(t, exitUsage, code)
	code, _, _ = runSim(t, "simulate", "dien-bien-2023", "--without", "magic", "--out", t.TempDir())
	assert.Equal(t, exitUsage, code)
}

func TestSimulateCalibrationFlagsAreCheckedFirst(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--calibrate", "--particles", "2"}, "--particles 2 is not in 4..100000"},
		{[]string{"--calibrate", "--rounds", "-1"}, "--rounds -1 is not in 0..100"},
		{[]string{"--calibrate", "--shard", "0/3", "--state", "x"}, `--shard: "0/3" is not i/n`},
		{[]string{"--calibrate", "--shard", "1/3"}, "--shard and --merge need --state DIR"},
		{[]string{"--merge"}, "--shard and --merge need --state DIR"},
		{[]string{"--calibrate", "--shard", "1/3", "--merge", "--state", "x"}, "--shard and --merge are separate steps"},
		{[]string{"--validate", "--capacity", "kits"}, "--capacity and --counterfactual are not calibration steps"},
		{[]string{"dien-bien-2023", "--posterior", "nope.json"}, "--posterior: open nope.json"},
		{[]string{"dien-bien-2023", "--progress", "sometimes"}, `--progress "sometimes"`},
	} {
		root := t.TempDir()
		code, _, errs := runSim(t, append([]string{"simulate", "--out", root}, tc.args...)...)
		assert.Equal(t, exitUsage, code, "%v: %s", tc.args, errs)
		assert.Contains(t, errs, tc.want, "%v", tc.args)
		ents, _ := os.ReadDir(root)
		assert.Empty(t, ents, "%v: no run record before the flags are good", tc.args)
	}
}

func TestSimulateInterruptedRunIsRecordedAsInterrupted(t *testing.T) {
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(nil), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := runEnv(ctx, e, []string{"simulate", writeSimCampaign(t, tinySimCampaign), "--out", root})
	assert.Equal(t, exitFailure, code, errb.String())
	assert.Contains(t, errb.String(), "interrupted")
	m, err := results.ReadManifest(onlySimRun(t, root))
	require.NoError(t, err)
	assert.Equal(t, results.StatusInterrupted, m.Status)
}

// The cluster recipe in one process: shards of each round, then a merge, until the merge says
// the calibration is finished, give the same state.json, byte for byte, as one unsharded run.
func TestSimulateCalibrateShardedEqualsUnsharded(t *testing.T) {
	base := []string{"simulate", "--calibrate", "dien-bien-2023", "kon-tum-2023", "--count", "300", "--particles", "4", "--rounds", "2",
		"--progress", "never"}
	whole := t.TempDir()
	code, out, errs := runSim(t, append(base, "--out", whole, "--state", filepath.Join(whole, "state"))...)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "validation (held out)")

	state, records := t.TempDir(), t.TempDir()
	for round := 0; round < 10; round++ {
		for i, w := range []string{"1", "2", "1"} {
			code, _, errs := runSim(t, append(base, "--out", records, "--state", state, "--shard", []string{"1/3", "2/3", "3/3"}[i], "--workers", w)...)
			require.Equal(t, 0, code, errs)
		}
		code, out, errs := runSim(t, append(base, "--out", records, "--state", state, "--merge")...)
		require.Equal(t, 0, code, errs)
		if !strings.Contains(out, "run the shards") {
			break
		}
	}
	a, err := os.ReadFile(filepath.Join(whole, "state", "state.json"))
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(state, "state.json"))
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))

	// --validate of a finished calibration reads its state and runs no model.
	again := t.TempDir()
	code, out, errs = runSim(t, append(base[:len(base)-2], "--validate", "--out", again, "--state", state, "--progress", "never")...)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "validation (held out)")
	c, err := os.ReadFile(filepath.Join(state, "state.json"))
	require.NoError(t, err)
	assert.Equal(t, string(b), string(c), "the state is left as it was")
	assert.FileExists(t, filepath.Join(onlySimRun(t, again), "posterior.json"))
}
