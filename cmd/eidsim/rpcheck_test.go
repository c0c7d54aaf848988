package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/oidc/oidctest"
	"github.com/eidsim/eidsim/reference/oidc/rpcheck"
)

// freeAddr returns a local address that was free a moment ago.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestRPCheckCommand(t *testing.T) {
	for _, careless := range []bool{false, true} {
		name := map[bool]string{false: "careful relying party", true: "careless relying party"}[careless]
		t.Run(name, func(t *testing.T) {
			addr := freeAddr(t)
			var starts, uris []string
			for _, acr := range []string{"LoA1", "LoA2"} {
				rp := oidctest.New(oidctest.Config{Issuer: "http://" + addr, ClientID: "vendor-rp", ClientSecret: "vendor-secret", ACR: acr,
					SkipStateCheck: careless, SkipNonceCheck: careless})
				srv := httptest.NewServer(rp.Handler())
				defer srv.Close()
				rp.Base = srv.URL
				starts = append(starts, srv.URL+"/start")
				uris = append(uris, rp.RedirectURL())
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "rp-check.json")
			var stdout, stderr bytes.Buffer
			code := runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }},
				[]string{"rp-check", "--population", servePopulation, "--redirect-uri", strings.Join(uris, ","),
					"--rp-start", starts[0], "--rp-start-loa2", starts[1], "--addr", addr, "--slow", "300ms", "--timeout", "5s", "--out", out})
			t.Log(stdout.String())
			var report struct{ Results []rpcheck.Result }
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &report))
			require.Len(t, report.Results, len(rpcheck.Checks))
			// The provider's log records (zitadel's WARN and ERROR lines) go to the service
			// log beside --out, not into the report.
			for _, s := range []string{stdout.String(), stderr.String()} {
				assert.NotContains(t, s, "WARN")
				assert.NotContains(t, s, "oidc_error")
			}
			svcLog, err := os.ReadFile(filepath.Join(dir, "rp-check-service.log"))
			require.NoError(t, err)
			assert.Contains(t, string(svcLog), `"level":"WARN"`)
			assert.Contains(t, string(svcLog), "access_denied")
			if !careless {
				require.Equal(t, 0, code, stderr.String())
				assert.NotContains(t, stdout.String(), "FAIL")
				assert.Regexp(t, `(?m)^\d+ passed, 0 failed, \d+ skipped$`, stdout.String())
				return
			}
			require.Equal(t, 1, code)
			assert.Regexp(t, `2 of 19 relying-party checks failed \(\d+ passed, \d+ skipped\)`, stderr.String())
			assert.Regexp(t, `(?m)^\d+ passed, 2 failed, \d+ skipped$`, stdout.String())
			assert.Regexp(t, `wrong_state +FAIL +logged in`, stdout.String())
			assert.Regexp(t, `wrong_nonce +FAIL +logged in`, stdout.String())
		})
	}
}

func TestRPCheckUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"rp-check"}, "--population FILE is required"},
		{[]string{"rp-check", "--population", "x"}, "--clients FILE or --redirect-uri URL is required"},
		{[]string{"rp-check", "--population", "x", "--redirect-uri", "http://rp/cb"}, "--rp-start URL is required"},
		{[]string{"rp-check", "--population", "x", "--redirect-uri", "http://rp/cb", "--hold", "--hash", "md5"}, "--hash"},
		{[]string{"rp-check", "--population", "x", "--redirect-uri", "http://rp/cb", "--rp-start", "http://rp.invalid/start"},
			"--rp-start: rp.invalid is not a loopback address"},
		{[]string{"rp-check", "--population", "x", "--redirect-uri", "http://rp/cb", "--rp-start", "http://127.0.0.1:9/start",
			"--rp-start-loa2", "https://rp.invalid/start?acr=LoA2"}, "--rp-start-loa2: rp.invalid is not a loopback address"},
		{[]string{"rp-check", "--population", "x", "--redirect-uri", "http://rp/cb", "--rp-start", "ftp://127.0.0.1/start"}, "--rp-start"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		code := runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}, tc.args)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, stderr.String(), tc.want)
	}
}

// TestRPCheckAllowRemote checks that --allow-remote lifts the loopback guard: the browser then
// tries the remote start URL (a name under .invalid, which resolves nowhere).
func TestRPCheckAllowRemote(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }},
		[]string{"rp-check", "--population", servePopulation, "--redirect-uri", "http://rp.invalid/callback", "--allow-remote",
			"--rp-start", "http://rp.invalid/start", "--addr", "127.0.0.1:0", "--log", filepath.Join(t.TempDir(), "svc.log"), "--timeout", "3s"})
	require.Equal(t, 1, code, stderr.String())
	assert.Regexp(t, `success_loa1 +FAIL +opening the relying party's start URL`, stdout.String())
	assert.Regexp(t, `(?m)^0 passed, \d+ failed, \d+ skipped$`, stdout.String())
}

// TestRPCheckIssuer checks the provider's issuer: --issuer when given, else the listening
// address (a wildcard host becomes 127.0.0.1: defaultIssuer, shared with serve).
func TestRPCheckIssuer(t *testing.T) {
	port := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	tests := []struct{ addr, issuer, want string }{
		{"127.0.0.1:" + port, "", "http://127.0.0.1:" + port},
		{"127.0.0.1:" + port, "http://localhost:" + port + "/", "http://localhost:" + port},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		args := []string{"rp-check", "--population", servePopulation, "--redirect-uri", "http://127.0.0.1:9/callback",
			"--rp-start", "http://127.0.0.1:9/start", "--addr", tc.addr, "--log", filepath.Join(t.TempDir(), "svc.log"), "--timeout", "2s"}
		if tc.issuer != "" {
			args = append(args, "--issuer", tc.issuer)
		}
		runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}, args)
		assert.Contains(t, stderr.String(), "provider listening: issuer "+tc.want+" ", tc.addr)
	}
	var stderr bytes.Buffer
	code := runEnv(context.Background(), &env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }},
		[]string{"rp-check", "--population", "x", "--redirect-uri", "http://rp/cb", "--hold", "--issuer", "ftp://x"})
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "--issuer")
}
