package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildEidsim builds the eidsim command into a temporary directory.
func buildEidsim(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "eidsim")
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "../../cmd/eidsim").CombinedOutput()
	require.NoError(t, err, "go build ./cmd/eidsim: %s", out)
	return bin
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// result is one row of rp-check's --out report.
type result struct {
	Check   string `json:"check"`
	Passed  bool   `json:"passed"`
	Skipped bool   `json:"skipped"`
	Outcome string `json:"outcome"`
}

// TestRPCheckAgainstRPGo runs `eidsim rp-check` against this app: the correct app passes
// every check, and each careless setting fails exactly the checks it should.
func TestRPCheckAgainstRPGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds eidsim and runs rp-check")
	}
	bin := buildEidsim(t)
	tests := []struct {
		careless string
		fail     []string
	}{
		{"", nil},
		{"state", []string{"wrong_state"}},
		{"nonce", []string{"wrong_nonce"}},
		{"iss", []string{"wrong_iss"}},
		{"pkce", []string{"uses_pkce"}},
		{"acr", []string{"acr_checked"}},
		{"jwks", []string{"key_rotation"}},
		{"all", []string{"acr_checked", "key_rotation", "uses_pkce", "wrong_iss", "wrong_nonce", "wrong_state"}},
	}
	for _, tc := range tests {
		t.Run("careless="+tc.careless, func(t *testing.T) {
			c, err := parseCareless(tc.careless)
			require.NoError(t, err)
			provider := freeAddr(t)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			base := "http://" + ln.Addr().String()
			app := NewApp(Config{Issuer: "http://" + provider, ClientID: "vendor-rp", ClientSecret: "vendor-secret", Base: base, Careless: c, Timeout: 5 * time.Second})
			srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 5 * time.Second}
			go func() { _ = srv.Serve(ln) }()
			t.Cleanup(func() { srv.Close() })

			dir := t.TempDir()
			out := filepath.Join(dir, "rp-check.json")
			cmd := exec.Command(bin, "rp-check", "--population", "../../reference/httpapi/testdata/population.jsonl",
				"--redirect-uri", base+"/callback", "--rp-start", base+"/start", "--rp-start-loa2", base+"/start?acr=LoA2",
				"--addr", provider, "--slow", "300ms", "--timeout", "5s", "--out", out)
			report, err := cmd.CombinedOutput()
			t.Logf("rp-check against rp-go --careless %q:\n%s", tc.careless, report)
			var doc struct{ Results []result }
			b, rerr := os.ReadFile(out)
			require.NoError(t, rerr)
			require.NoError(t, json.Unmarshal(b, &doc))
			var failed []string
			for _, r := range doc.Results {
				if !r.Passed {
					failed = append(failed, r.Check)
				}
				assert.False(t, r.Skipped, "%s: %s", r.Check, r.Outcome)
			}
			sort.Strings(failed)
			assert.Equal(t, tc.fail, failed)
			if tc.fail == nil {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err, "rp-check exits non-zero when a check fails")
			}
			assert.Contains(t, string(report), fmt.Sprintf("%d failed", len(tc.fail)))
		})
	}
}

func TestParseCareless(t *testing.T) {
	tests := []struct {
		in   string
		want Careless
		err  string
	}{
		{"", Careless{}, ""},
		{"state, nonce", Careless{State: true, Nonce: true}, ""},
		{"all", Careless{true, true, true, true, true, true}, ""},
		{"jwks", Careless{JWKS: true}, ""},
		{"iss,pkce,acr", Careless{Issuer: true, PKCE: true, ACR: true}, ""},
		{"sig", Careless{}, `"sig" is not one of`},
	}
	for _, tc := range tests {
		got, err := parseCareless(tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, tc.in)
	}
}
