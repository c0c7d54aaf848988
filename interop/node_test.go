package interop

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/internal/testtool"
)

// requireTool skips the test when a tool it needs is missing, or fails it in CI
// (internal/testtool decides, the same way for every external tool).
func requireTool(t *testing.T, ok bool, why string) {
	t.Helper()
	testtool.Require(t, ok, why+"; the independent relying-party suite needs it (.ci/run installs it)")
}

// suiteCitizen is a citizen as the suite's EIDSIM_LEVEL1/2 lists carry them.
type suiteCitizen struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Phone    string `json:"phone"`
	Device   string `json:"device"`
}

// citizensByLevel reads the active accounts of the fixture population by level.
func citizensByLevel(t *testing.T) map[int][]suiteCitizen {
	out := map[int][]suiteCitizen{}
	require.NoError(t, population.ReadFile(populationFile, func(r *population.Record) error {
		a := r.Account
		if a == nil || a.AccountStatus() != population.AccountActive || a.Password == "" || a.DeviceID == "" {
			return nil
		}
		out[a.Level] = append(out[a.Level], suiteCitizen{ID: r.CitizenID, Name: r.FullName, Password: a.Password, Phone: a.Phone, Device: a.DeviceID})
		return nil
	}))
	return out
}

// TestNodeRelyingParty runs the Node suite (interop/node/suite.mjs: openid-client as the
// relying party, jose for the ID token) against the real `eidsim serve --clients`, restarted
// once on the same data directory for the restart checks. Any failed check fails the test.
func TestNodeRelyingParty(t *testing.T) {
	node, err := exec.LookPath("node")
	requireTool(t, err == nil, "node is not installed")
	_, err = os.Stat(filepath.Join("node", "node_modules", "openid-client", "package.json"))
	requireTool(t, err == nil, "interop/node/node_modules is missing (run `npm ci` in interop/node)")
	out, err := exec.Command(node, "--version").Output()
	require.NoError(t, err)
	if !regexp.MustCompile(`^v(2\d|[3-9]\d)\.`).Match(out) {
		requireTool(t, false, "node "+string(out)+" is older than 20")
	}

	bin := buildEidsim(t)
	const clientID, secret, redirect = "interop-rp", "interop-secret", "http://rp.invalid/callback"
	clients := filepath.Join(t.TempDir(), "clients.yaml")
	const es256ClientID = "interop-rp-es256"
	var yaml string
	for _, c := range []struct{ id, alg string }{{clientID, "RS256"}, {es256ClientID, "ES256"}} {
		yaml += "  - client_id: " + c.id + "\n    client_secret: " + secret + "\n    name: Interop RP (openid-client, " + c.alg + ")\n" +
			"    redirect_uris: [" + redirect + "]\n    token_endpoint_auth_method: client_secret_basic\n" +
			"    id_token_signed_response_alg: " + c.alg + "\n"
	}
	require.NoError(t, os.WriteFile(clients, []byte("clients:\n"+yaml), 0o600))
	srv := startServer(t, bin, clients)
	restartURL := controlServer(t, srv)
	byLevel := citizensByLevel(t)
	l1, _ := json.Marshal(byLevel[1])
	l2, _ := json.Marshal(byLevel[2])

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=tap", "--test-concurrency=1", "suite.mjs")
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(),
		"EIDSIM_ISSUER="+srv.url, "EIDSIM_CLIENT_ID="+clientID, "EIDSIM_CLIENT_SECRET="+secret, "EIDSIM_ES256_CLIENT_ID="+es256ClientID,
		"EIDSIM_REDIRECT_URI="+redirect, "EIDSIM_OPERATOR_TOKEN="+srv.operatorToken(t), "EIDSIM_RESTART_URL="+restartURL,
		"EIDSIM_LEVEL1="+string(l1), "EIDSIM_LEVEL2="+string(l2))
	start := time.Now()
	res, err := cmd.CombinedOutput()
	t.Logf("node suite (%.1f s):\n%s", time.Since(start).Seconds(), res)
	if failed := tapFailures(string(res)); len(failed) > 0 {
		t.Errorf("%d checks of the Node relying-party suite failed:\n  %s", len(failed), joinLines(failed))
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running node: %v", err)
	}
	require.NoError(t, err, "node --test exited with an error")
}

func joinLines(s []string) string {
	out := ""
	for i, l := range s {
		if i > 0 {
			out += "\n  "
		}
		out += l
	}
	return out
}
