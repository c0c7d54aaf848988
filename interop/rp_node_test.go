package interop

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRPNode runs examples/rp-node on addr against the provider issuer, waiting until it
// listens.
func startRPNode(t *testing.T, node, addr, issuer, careless string) {
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = filepath.Join("..", "examples", "rp-node")
	cmd.Env = append(os.Environ(), "RP_ISSUER="+issuer, "RP_ADDR="+addr, "RP_CARELESS="+careless)
	out := &lockedBuffer{}
	cmd.Stderr, cmd.Stdout = out, out
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	re := regexp.MustCompile(`rp-node listening on `)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if re.MatchString(out.String()) {
			return
		}
		select {
		case <-done:
			t.Fatalf("rp-node exited: %s", out.String())
		default:
		}
	}
	t.Fatalf("rp-node did not listen within 30 s: %s", out.String())
}

// TestRPCheckAgainstRPNode runs `eidsim rp-check` against examples/rp-node (openid-client and
// jose): the correct app passes every check; RP_CARELESS=state,pkce,acr fails exactly those.
func TestRPCheckAgainstRPNode(t *testing.T) {
	node, err := exec.LookPath("node")
	requireTool(t, err == nil, "node is not installed")
	_, err = os.Stat(filepath.Join("..", "examples", "rp-node", "node_modules", "openid-client", "package.json"))
	requireTool(t, err == nil, "examples/rp-node/node_modules is missing (run `npm ci` in examples/rp-node)")
	bin := buildEidsim(t)
	tests := []struct {
		careless string
		fail     []string
	}{
		{"", nil},
		{"state,pkce,acr", []string{"acr_checked", "uses_pkce", "wrong_state"}},
	}
	for _, tc := range tests {
		t.Run("careless="+tc.careless, func(t *testing.T) {
			provider := fmt.Sprintf("127.0.0.1:%d", freePort(t))
			rp := fmt.Sprintf("127.0.0.1:%d", freePort(t))
			startRPNode(t, node, rp, "http://"+provider, tc.careless)
			base := "http://" + rp
			dir := t.TempDir()
			out := filepath.Join(dir, "rp-check.json")
			cmd := exec.Command(bin, "rp-check", "--population", populationFile,
				"--redirect-uri", base+"/callback", "--rp-start", base+"/start", "--rp-start-loa2", base+"/start?acr=LoA2",
				"--addr", provider, "--slow", "300ms", "--timeout", "5s", "--out", out)
			report, err := cmd.CombinedOutput()
			t.Logf("rp-check against rp-node RP_CARELESS=%q:\n%s", tc.careless, report)
			var doc struct {
				Results []struct {
					Check   string
					Passed  bool
					Skipped bool
					Outcome string
				}
			}
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
			assert.Equal(t, tc.fail == nil, err == nil, "exit status: %v", err)
		})
	}
}
