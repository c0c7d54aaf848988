package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadInputRefusedBeforeWork is the new user's list (issue 14): every bad input is refused
// before any work starts — no health check, no import, no k6, no run directory — with exit 2
// and one line that names the flag or the file (and line and field) in the user's words.
func TestBadInputRefusedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	corrupt := filepath.Join(dir, "corrupt-run")
	require.NoError(t, os.MkdirAll(corrupt, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(corrupt, "manifest.json"), []byte("{\n  \"run_id\": 3,\n}"), 0o600))
	emptyDir := filepath.Join(dir, "empty")
	require.NoError(t, os.MkdirAll(emptyDir, 0o700))
	profile := write("typo.yaml", "name: x\ncuont: 5\n")
	campaign := write("camp.yaml", "name: c\npopulation:\n  profile: dien-bien\nstart: 2023-01-01\ndays: 10\ncounters:\n  kitz: 3\n")
	dead := closedPort(t) // nothing listens: a check made after the health check would exit 1
	clients := write("clients.yaml", "clients:\n  - client_id: bank\n    redirect_urls: [http://rp.invalid/cb]\n")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	serveData := filepath.Join(dir, "serve-data")
	pop := servePopulation
	withToken := func(k string) string {
		if k == "EIDSIM_OPERATOR_TOKEN" {
			return "t0ken"
		}
		return ""
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"load unknown flow", []string{"load", "deadline-surge", "--population", pop, "--target", dead, "--mix", "foo=1"}, `--mix: "foo" is not a flow of deadline-surge`},
		{"load shares not summing", []string{"load", "deadline-surge", "--population", pop, "--target", dead, "--mix", "login=0.5"}, "must sum to 1, got 0.8"},
		{"load mix on a scenario without one", []string{"load", "recovery-storm", "--population", pop, "--target", dead, "--mix", "login=1"}, "scenario recovery-storm has no flow mix"},
		{"load vus 0", []string{"load", "login-throughput", "--population", pop, "--target", dead, "--vus", "0"}, "--vus 0: want at least 1 virtual user"},
		{"load negative rate", []string{"load", "login-throughput", "--population", pop, "--target", dead, "--rate", "-5"}, "--rate -5: want iterations per second"},
		{"load duration without unit", []string{"load", "login-throughput", "--population", pop, "--target", dead, "--duration", "5"}, `--duration "5": want a duration with a unit, such as 30s, 5m or 1h (did you mean 5s?)`},
		{"load missing population", []string{"load", "login-throughput", "--population", filepath.Join(dir, "nope.jsonl"), "--target", dead}, "--population " + filepath.Join(dir, "nope.jsonl") + ": no such file"},
		{"load population is a directory", []string{"load", "login-throughput", "--population", dir, "--target", dead}, "is a directory"},
		{"load k6 missing", []string{"load", "login-throughput", "--population", pop, "--target", dead, "--k6", filepath.Join(dir, "no-k6")}, "--k6: k6 binary"},
		{"load unknown flag", []string{"load", "smoke", "--bogus"}, "unknown flag --bogus"},
		{"load remote target", []string{"load", "smoke", "--population", pop, "--target", "http://rp.invalid:8080"}, "rp.invalid is not a loopback address"},
		{"simulate bad shard", []string{"simulate", "--calibrate", "--shard", "3/2", "--state", dir}, `--shard: "3/2" is not i/n with 1 ≤ i ≤ n ≤ 10000`},
		{"simulate campaign typo", []string{"simulate", campaign}, "camp.yaml:7: field counters.kitz: unknown field \"kitz\" (check the spelling)"},
		{"report empty directory", []string{"report", emptyDir}, "is not a run directory"},
		{"report corrupt manifest", []string{"report", corrupt}, "manifest.json: line 3: invalid character '}'"},
		{"report results parent", []string{"report", filepath.Dir(corrupt)}, "holds a run, not one run's output; name one, e.g. " + corrupt},
		{"report missing", []string{"report", filepath.Join(dir, "nope")}, "no such run directory"},
		{"demo k6 missing", []string{"demo", "--k6", filepath.Join(dir, "no-k6")}, "--k6: k6 binary"},
		{"generate profile typo", []string{"generate", "--profile", profile, "--count", "5", "--out", filepath.Join(dir, "p.jsonl")}, `typo.yaml:2: field cuont: unknown field "cuont" (check the spelling)`},
		{"version extra argument", []string{"version", "now"}, `unexpected argument "now"`},
		{"serve clients typo", []string{"serve", "--population", pop, "--data", serveData, "--clients", clients}, `clients.yaml:3: field redirect_urls: unknown field "redirect_urls" (check the spelling)`},
		{"serve bad port", []string{"serve", "--population", pop, "--data", serveData, "--addr", "127.0.0.1:-1"}, "--addr 127.0.0.1:-1: address -1: invalid port"},
		{"serve port in use", []string{"serve", "--population", pop, "--data", serveData, "--addr", busy.Addr().String()}, "address already in use"},
		{"serve missing population", []string{"serve", "--population", filepath.Join(dir, "nope.jsonl"), "--data", serveData}, "nope.jsonl: no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args[0] == "load" || args[0] == "simulate" || args[0] == "demo" {
				args = append(args, "--out", out)
			}
			code, _, stderr := runCmd(t, withToken, args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
			for _, goName := range []string{"profile.Profile", "campaign.Campaign", "oidc.ClientConfig", "!!str", "parse error"} {
				assert.NotContains(t, stderr, goName, "Go's words, not the user's")
			}
		})
	}
	_, err = os.Stat(out)
	assert.True(t, os.IsNotExist(err), "no run directory for a run that never started")
	_, err = os.Stat(filepath.Join(serveData, "eidsim.db"))
	assert.True(t, os.IsNotExist(err), "no store for a service that never started")
}
