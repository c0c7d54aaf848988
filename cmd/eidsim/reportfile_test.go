package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// reportFixture copies a run directory of results/report's test data into a temporary
// directory (eidsim report writes into the run directory).
func reportFixture(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "results", "report", "testdata", "runs", name))))
	return dir
}

func TestReportWritesReport(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"load-before", []string{"NOT HELD", "p99", "warning: The service did not hold this load"}},
		{"simulation", []string{"TARGET NOT MET: 2023 plan (profiles)", "2023 plan (profiles): shortfall on 2023-12-31", "Active at the end: all citizens"}},
		{"load-interrupted", []string{"warning: This run did not finish", "missing from the run:", "k6-raw.json.gz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := reportFixture(t, tc.name)
			code, stdout, stderr := runDemoCmdArgs(t, "report", dir)
			require.Equal(t, exitOK, code, "stderr: %s", stderr)
			for _, w := range tc.want {
				assert.Contains(t, stdout, w)
			}
			assert.Contains(t, stdout, "report: "+filepath.Join(dir, results.HTMLFile))
			assert.FileExists(t, filepath.Join(dir, results.HTMLFile))
			assert.FileExists(t, filepath.Join(dir, results.MarkdownFile))
		})
	}
}

func TestReportCompare(t *testing.T) {
	a, b := reportFixture(t, "load-before"), reportFixture(t, "load-after")
	code, stdout, stderr := runDemoCmdArgs(t, "report", a, "--compare", b)
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	out := filepath.Join(a, "compare-20261122T211000Z-recovery-storm-bbbbbb")
	assert.Contains(t, stdout, "report: "+filepath.Join(out, results.HTMLFile))
	assert.Contains(t, stdout, "B/A ×0.05, better", "p99 fell to a twentieth")
	assert.FileExists(t, filepath.Join(out, results.MarkdownFile))

	other := filepath.Join(t.TempDir(), "cmp")
	code, _, stderr = runDemoCmdArgs(t, "report", a, "--compare", b, "--out", other)
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	assert.FileExists(t, filepath.Join(other, results.HTMLFile))
}

func TestReportErrors(t *testing.T) {
	code, _, stderr := runDemoCmdArgs(t, "report", filepath.Join(t.TempDir(), "nope"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "run directory")

	code, _, stderr = runDemoCmdArgs(t, "report", "--merge", "a", "--compare", "b")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--compare")

	code, _, stderr = runDemoCmdArgs(t, "report", "a", "--out", "b")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--out goes with --merge or --compare")
}
