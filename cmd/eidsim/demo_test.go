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

func runDemoCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runDemoCmdArgs(t, append([]string{"demo"}, args...)...)
}

// runDemoCmdArgs runs eidsim with args in process and an empty environment.
func runDemoCmdArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := runEnv(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

func TestDemoUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--count", "5"}, "--count 5"},
		{[]string{"--hash", "md5"}, "--hash"},
		{[]string{"--sms", "slow"}, "--sms"},
		{[]string{"--progress", "maybe"}, "--progress"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		code, _, stderr := runDemoCmd(t, tc.args...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}

// checkDemoDir checks that the demo left only run directories under out, each with its
// report, and a demo report that links them; it returns the demo's run directory.
func checkDemoDir(t *testing.T, out, stdout string) string {
	t.Helper()
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var demo string
	for _, en := range entries {
		require.True(t, en.IsDir(), "only run directories under %s, found %s", out, en.Name())
		m, err := results.ReadManifest(filepath.Join(out, en.Name()))
		require.NoError(t, err)
		assert.NotEqual(t, results.StatusRunning, m.Status, "%s finished", en.Name())
		assert.FileExists(t, filepath.Join(out, en.Name(), results.HTMLFile))
		assert.FileExists(t, filepath.Join(out, en.Name(), results.MarkdownFile))
		if m.Kind == results.KindDemo {
			demo = filepath.Join(out, en.Name())
		}
	}
	require.NotEmpty(t, demo, "a demo run directory")
	assert.Contains(t, stdout, "report: "+filepath.Join(demo, results.HTMLFile))
	return demo
}

// TestDemoWithoutK6 runs the whole demo in process without the load scenarios (--skip-load):
// they are left out with a note, the rest runs, the service stops and only the results
// remain. (A --k6 that does not exist is bad usage: TestBadInputRefusedBeforeWork.)
func TestDemoWithoutK6(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	out := filepath.Join(t.TempDir(), "results")
	code, stdout, stderr := runDemoCmd(t, "--quick", "--count", "300", "--out", out, "--skip-load", "--progress", "never")
	require.Equal(t, exitOK, code, "stderr: %s\nstdout: %s", stderr, stdout)
	assert.Contains(t, stdout, "part load scenarios was left out: --skip-load was given")
	assert.Contains(t, stderr, "demo: simulation done")
	demo := checkDemoDir(t, out, stdout)
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the temporary population and database are removed")

	b, err := os.ReadFile(filepath.Join(demo, results.MarkdownFile))
	require.NoError(t, err)
	md := string(b)
	assert.Contains(t, md, "part load scenarios was left out")
	assert.Contains(t, md, "simulation: ")
	assert.Contains(t, md, "report.html)", "the demo links the simulation's own report")
}

// TestDemoWithK6 runs the quick demo end to end with k6 (bin/k6 or $EIDSIM_K6). It takes
// one to two minutes, so it runs only with EIDSIM_DEMO_TEST=1 (make demo-test).
func TestDemoWithK6(t *testing.T) {
	if os.Getenv("EIDSIM_DEMO_TEST") != "1" {
		t.Skip("the end-to-end demo with k6 takes one to two minutes: set EIDSIM_DEMO_TEST=1 (make demo-test)")
	}
	k6 := os.Getenv("EIDSIM_K6")
	if k6 == "" {
		k6, _ = filepath.Abs(filepath.Join("..", "..", "bin", "k6"))
	}
	if _, err := os.Stat(k6); err != nil {
		t.Skipf("k6 not built (%v): run make k6", err)
	}
	out := filepath.Join(t.TempDir(), "results")
	code, stdout, stderr := runDemoCmd(t, "--quick", "--count", "1000", "--out", out, "--k6", k6, "--progress", "never")
	require.Equal(t, exitOK, code, "stderr: %s\nstdout: %s", stderr, stdout)
	for _, part := range []string{"smoke", "deadline-surge", "recovery-storm"} {
		assert.Contains(t, stdout, part+": Latency p95")
	}
	checkDemoDir(t, out, stdout)
}
