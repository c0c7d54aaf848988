package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
)

// runCmd runs the CLI in-process and returns its exit code, stdout and stderr.
func runCmd(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: getenv}
	code := runEnv(context.Background(), e, args)
	return code, stdout.String(), stderr.String()
}

// closedPort returns a loopback URL nobody listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func TestLoad_Usage(t *testing.T) {
	pop := servePopulation
	dead := closedPort(t)
	out := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no scenario", []string{"--population", pop}, exitUsage, "missing SCENARIO"},
		{"unknown scenario", []string{"nope", "--population", pop}, exitUsage, `unknown scenario "nope" (known: counter-enrolment, credential-stuffing, deadline-surge, enumeration, lockout-dos, login-throughput, otp-bruteforce, overload, recovery-storm, replay, rp-login, smoke, sms-pumping)`},
		{"remote target", []string{"login-throughput", "--population", pop, "--target", "http://load-target.invalid:8080"}, exitUsage, "load-target.invalid is not a loopback address"},
		{"bad target", []string{"login-throughput", "--population", pop, "--target", "ftp://127.0.0.1"}, exitUsage, "want http://HOST:PORT"},
		{"no population flag", []string{"login-throughput"}, exitUsage, "missing --population FILE"},
		{"missing population file", []string{"login-throughput", "--population", filepath.Join(out, "nope.jsonl"), "--target", dead, "--operator-token", "x"}, exitUsage, "nope.jsonl: no such file"},
		{"unreachable target", []string{"login-throughput", "--population", pop, "--target", dead, "--k6", os.Args[0], "--operator-token", "x"}, exitFailure, "unreachable: dial tcp"},
		{"operator token needed", []string{"smoke", "--population", pop, "--data", out}, exitUsage, "give --operator-token, set EIDSIM_OPERATOR_TOKEN, or --data DIR of the running eidsim serve (no " + filepath.Join(out, "operator-token") + ")"},
		{"operator token needed by every scenario", []string{"login-throughput", "--population", pop, "--data", out}, exitUsage, "need the operator token"},
		{"no local token file for a remote target", []string{"login-throughput", "--population", pop, "--target", "http://eidsim.invalid:8080", "--allow-remote", "--data", out}, exitUsage, "give --operator-token or set EIDSIM_OPERATOR_TOKEN (DIR/operator-token is read only for a loopback target)"},
		{"bad segment", []string{"login-throughput", "--population", pop, "--segment", "3/2"}, exitUsage, "--segment: segment \"3/2\": want 1 ≤ i ≤ n"},
		{"find-max needs one rate", []string{"deadline-surge", "--population", pop, "--find-max"}, exitUsage, "--find-max: scenario deadline-surge has no single arrival rate"},
		{"find-max with segment", []string{"login-throughput", "--population", pop, "--find-max", "--segment", "1/2"}, exitUsage, "cannot be combined"},
		{"bad mix", []string{"login-throughput", "--population", pop, "--mix", "new_device=2"}, exitUsage, "--mix:"},
		{"extra argument", []string{"smoke", "again", "--population", pop}, exitUsage, `unexpected argument "again"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, nil, append([]string{"load"}, append(tc.args, "--out", out)...)...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
		})
	}
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	assert.Empty(t, entries, "no run directory for a run that never started")
}

func TestLoad_TokenFromEnvAndRedaction(t *testing.T) {
	c := commands["load"]
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(k string) string {
		if k == "EIDSIM_OPERATOR_TOKEN" {
			return "from-env"
		}
		return ""
	}}
	cfg, err := parseLoad(c, e, []string{"counter-enrolment", "--population", servePopulation, "--rate", "3", "--duration", "12s"})
	require.NoError(t, err)
	assert.Equal(t, "from-env", cfg.token)
	assert.Equal(t, 3.0, cfg.opts.Rate)
	assert.Equal(t, "12s", cfg.opts.Duration.String())
	assert.Equal(t, 300, cfg.opts.VUs, "scenario default")

	// Without flag or environment, a loopback target's token comes from --data DIR/operator-token.
	data := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(data, "operator-token"), []byte("from-file\n"), 0o600))
	e.getenv = func(string) string { return "" }
	cfg, err = parseLoad(c, e, []string{"smoke", "--population", servePopulation, "--data", data})
	require.NoError(t, err)
	assert.Equal(t, "from-file", cfg.token)
	cfg, err = parseLoad(c, e, []string{"smoke", "--population", servePopulation, "--data", data, "--operator-token", "from-flag"})
	require.NoError(t, err)
	assert.Equal(t, "from-flag", cfg.token)

	assert.Equal(t, []string{"smoke", "--operator-token", "REDACTED", "--operator-token=REDACTED"},
		redactTokenArgs([]string{"smoke", "--operator-token", "s3cret", "--operator-token=s3cret"}))
}

func TestReport_Usage(t *testing.T) {
	code, _, stderr := runCmd(t, nil, "report", "--merge", "one")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--merge needs at least two run directories")
	code, _, stderr = runCmd(t, nil, "report", "--merge", t.TempDir(), t.TempDir())
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "not a run directory")
}

// buildK6 builds the k6 pinned in go.mod (the tool directive) from the module cache.
func buildK6(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "k6")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "go.k6.io/k6")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build go.k6.io/k6: %s", out)
	return bin
}

// TestLoad_SmokeAndSegmentsAgainstServe runs the real k6 against the real eidsim serve in
// this process: smoke passes every check, and login-throughput split into two execution
// segments and merged has exactly the request and iteration counts of the same run whole.
func TestLoad_SmokeAndSegmentsAgainstServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds k6 and runs load against an in-process server")
	}
	k6 := buildK6(t)
	srv := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--operator-token", "T0K", "--access-log=false")
	out := t.TempDir()

	code, stdout, stderr := runCmd(t, nil, "load", "smoke", "--target", srv.url, "--population", servePopulation,
		"--operator-token", "T0K", "--out", out, "--k6", k6)
	require.Equal(t, exitOK, code, "smoke failed:\n%s\n%s", stdout, stderr)
	assert.Regexp(t, `thresholds: (\d+) of (\d+) passed`, stdout)
	assert.NotContains(t, stdout, "FAIL")
	assert.Regexp(t, `recovery\s+ok\s+none\s+1`, stdout)
	runs, err := filepath.Glob(filepath.Join(out, "*-smoke-*"))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	m, err := results.ReadManifest(runs[0])
	require.NoError(t, err)
	assert.Equal(t, results.StatusPassed, m.Status)
	assert.NotContains(t, strings.Join(m.Command, " "), "T0K", "the token is not recorded")
	for _, f := range []string{results.RawFile, results.SummaryFile, results.StdoutFile, results.AggregateFile, "scripts/smoke.js", "citizens-login_ok.json"} {
		assert.FileExists(t, filepath.Join(runs[0], f))
	}

	// A fresh service, and bound-device logins only, so that every iteration makes the same
	// two requests in both runs. The rate keeps the last planned iteration off the end of the
	// run (5.5/s: 46.75 iterations planned): an iteration due exactly at the end is started
	// or not by the timing of each k6 instance.
	// This service generates its operator token; load reads it from the same --data.
	data := t.TempDir()
	srv = startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--sms", "fast", "--access-log=false")
	args := []string{"load", "login-throughput", "--target", srv.url, "--population", servePopulation, "--rate", "5.5", "--duration", "10s",
		"--mix", "new_device=0,wrong_password=0", "--seed", "5", "--k6", k6, "--data", data}
	code, stdout, stderr = runCmd(t, nil, append(args, "--out", filepath.Join(out, "whole"))...)
	require.Equal(t, exitOK, code, "%s\n%s", stdout, stderr)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, seg := range []string{"1/2", "2/2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = runCmd(t, nil, append(args, "--out", filepath.Join(out, "split"), "--segment", seg)...)
		}()
	}
	wg.Wait()
	require.Equal(t, []int{0, 0}, codes)
	parts, err := filepath.Glob(filepath.Join(out, "split", "*seg*"))
	require.NoError(t, err)
	require.Len(t, parts, 2)
	code, stdout, stderr = runCmd(t, nil, append([]string{"report", "--merge", "--out", filepath.Join(out, "merged")}, parts...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "merged 2 parts")

	wholeDirs, _ := filepath.Glob(filepath.Join(out, "whole", "*"))
	mergedDirs, _ := filepath.Glob(filepath.Join(out, "merged", "*"))
	require.Len(t, wholeDirs, 1)
	require.Len(t, mergedDirs, 1)
	whole, err := results.LoadAggregate(wholeDirs[0])
	require.NoError(t, err)
	merged, err := results.LoadAggregate(mergedDirs[0])
	require.NoError(t, err)
	assert.Equal(t, whole.Counters["http_reqs"], merged.Counters["http_reqs"])
	assert.Equal(t, whole.Counters["iterations"], merged.Counters["iterations"])
	assert.Greater(t, whole.Counters["iterations"], 30.0)
	mm, err := results.ReadManifest(mergedDirs[0])
	require.NoError(t, err)
	assert.Len(t, mm.MergedFrom, 2)
	b, _ := json.Marshal(merged.Segments)
	assert.JSONEq(t, `["1/2","2/2"]`, string(b))
}
