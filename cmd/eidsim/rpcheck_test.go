package main

import (
	"bytes"
	"context"
	"encoding/json"
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
			out := filepath.Join(t.TempDir(), "rp-check.json")
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
			if !careless {
				require.Equal(t, 0, code, stderr.String())
				assert.NotContains(t, stdout.String(), "FAIL")
				return
			}
			require.Equal(t, 1, code)
			assert.Contains(t, stderr.String(), "2 of 10 relying-party checks failed")
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
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		code := runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}, tc.args)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, stderr.String(), tc.want)
	}
}
