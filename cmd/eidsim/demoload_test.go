package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/load"
)

// emptyK6 stands in for k6: it writes an empty raw output and exits with code.
type emptyK6 struct{ code int }

func (f emptyK6) Run(_ context.Context, k *load.K6) (load.Result, error) {
	return load.Result{ExitCode: f.code}, os.WriteFile(k.RawOut, nil, 0o644)
}

// The demo's load parts get their run directory from load itself (startLoad), not by looking
// for a new directory: the directory it returns is the one the run wrote, with its manifest,
// and a part that failed before making one returns none.
func TestDemoLoadReturnsTheRunDirectory(t *testing.T) {
	srv := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--operator-token", "T0K", "--access-log=false")
	for _, tt := range []struct {
		name   string
		target string
		k6     emptyK6
		status string
		err    string
	}{
		{"passed", srv.url, emptyK6{0}, results.StatusPassed, ""},
		{"thresholds failed", srv.url, emptyK6{load.ExitThresholds}, results.StatusThresholdsFailed, "thresholds failed"},
		{"no target: no directory", closedPort(t), emptyK6{0}, "", "unreachable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			var log bytes.Buffer
			sub := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
			d := &demoRun{cfg: &demoConfig{out: out}, sub: sub, log: &log, k6exec: tt.k6}
			dir, err := d.load(context.Background(), []string{"smoke", "--target", tt.target, "--population", servePopulation,
				"--operator-token", "T0K", "--out", out, "--k6", "/bin/true"})
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
			} else {
				require.NoError(t, err)
			}
			assert.Contains(t, log.String(), "$ eidsim load smoke")
			assert.NotContains(t, log.String(), "T0K", "the log hides the token")
			if tt.status == "" {
				assert.Empty(t, dir)
				entries, err := os.ReadDir(out)
				require.NoError(t, err)
				assert.Empty(t, entries)
				return
			}
			require.NotEmpty(t, dir)
			assert.False(t, filepath.IsAbs(dir), "relative to the output directory: %s", dir)
			m, err := results.ReadManifest(filepath.Join(out, dir))
			require.NoError(t, err)
			assert.Equal(t, tt.status, m.Status)
			assert.Equal(t, "smoke", m.Scenario)
		})
	}
}

// A target without a fault control plane leaves the manifest without "faults" (the journal
// hook returns a nil interface, not a nil pointer in one, which would be written as null).
func TestLoadRunnerJournalWithoutFaultPlane(t *testing.T) {
	cfg := &loadConfig{target: closedPort(t), token: "x", scenario: load.Scenarios["smoke"]}
	j := loadRunner(cfg, "k6", &env{stderr: io.Discard}).Journal(time.Now())
	assert.True(t, j == nil, "%#v", j)
}
