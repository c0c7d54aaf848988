package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/load"
)

// replaySim writes a two-day simulation run directory.
func replaySim(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "summary.json"), []byte(`{"campaign":"tiny","scale":0.5,"replicas":1}`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "daily.csv"), []byte("replica,date,day,registrations,enrolled,activations,web_activations,logins,login_failures,recovery_ok,recovery_failed_sim_swapped,recovery_failed_no_coverage,recovery_failed_other\n"+
		"0,2023-05-01,0,1,2,3,0,100,0,1,0,0,0\n0,2023-05-02,1,1,2,3,0,900,0,1,0,0,0\n"), 0o600))
	return dir
}

func withOperatorToken(k string) string {
	if k == "EIDSIM_OPERATOR_TOKEN" {
		return "t0ken"
	}
	return ""
}

func TestReplayBadInput(t *testing.T) {
	sim := replaySim(t)
	out := filepath.Join(t.TempDir(), "results")
	dead := closedPort(t)
	base := []string{"load", "--population", servePopulation, "--target", dead, "--out", out}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no simulation", []string{"replay"}, "replay: missing --from-simulation DIR"},
		{"not a simulation", []string{"replay", "--from-simulation", t.TempDir()}, "no summary.json"},
		{"bad day", []string{"replay", "--from-simulation", sim, "--day", "monday"}, `--day "monday": want a date YYYY-MM-DD or busiest`},
		{"day outside", []string{"replay", "--from-simulation", sim, "--day", "2024-01-01"}, "not a simulated day of tiny (2023-05-01 to 2023-05-02)"},
		{"bad compress", []string{"replay", "--from-simulation", sim, "--compress", "30m:24h"}, `--compress "30m:24h": want FROM:TO`},
		{"bad fraction", []string{"replay", "--from-simulation", sim, "--fraction", "2"}, "--fraction 2: want a share in (0, 1]"},
		{"rate given", []string{"replay", "--from-simulation", sim, "--rate", "5"}, "--rate and --duration come from the simulated day"},
		{"replay flag elsewhere", []string{"smoke", "--from-simulation", sim}, "--from-simulation is for the replay scenario only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, withOperatorToken, append(append([]string{}, base...), tc.args...)...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
		})
	}
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err), "no run directory for a run that never started")
}

// The replay's options come from the plan: the day, compressed, at its busiest hour's rate.
func TestReplayParse(t *testing.T) {
	sim := replaySim(t)
	e := &env{stdin: strings.NewReader(""), stdout: &syncBuffer{}, stderr: &syncBuffer{}, getenv: withOperatorToken}
	cfg, err := parseLoad(commands["load"], e, []string{"replay", "--from-simulation", sim, "--compress", "24h:24m", "--fraction", "0.5",
		"--population", servePopulation, "--target", "http://127.0.0.1:1"})
	require.NoError(t, err)
	assert.Equal(t, "replay", cfg.scenario.Name)
	assert.Equal(t, 24*time.Minute, cfg.opts.Duration)
	p := cfg.replay.plan
	require.NotNil(t, p)
	assert.Equal(t, "2023-05-02", p.Date, "busiest")
	assert.InDelta(t, p.PeakAsked(), cfg.opts.Rate, 1e-12)
	assert.Contains(t, cfg.replay.env()["EIDSIM_REPLAY"], `"stage_ms":60000`)
	assert.Positive(t, cfg.scenario.Want(cfg.opts)["login"])
}

func TestLiveText(t *testing.T) {
	assert.Equal(t, "k6 1m5s of 10m0s: 12.5 it/s, 800 iterations, failed 1.25%, dropped 3 ",
		liveText(liveOf(65*time.Second, 12.5, 800, 0.0125, 3), 10*time.Minute))
}

func liveOf(el time.Duration, rate, it, failed, dropped float64) load.Live {
	return load.Live{Elapsed: el, Rate: rate, Iterations: it, Failed: failed, Dropped: dropped}
}
