package k6_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/internal/testtool"
	"github.com/eidsim/eidsim/reference"
)

// TestLibrary runs the unit tests of the k6 library (lib/*.js) in Node's built-in test runner:
// libtest/*.test.mjs, with libtest/register.mjs standing in for k6's modules (recording
// metrics, a scripted HTTP client, the execution context) so the library's own logic is
// tested as k6 loads it, unchanged. Without node (20.6 or later, for module hooks) it skips,
// and fails when CI is set.
func TestLibrary(t *testing.T) {
	node := testtool.LookPath(t, "apt-get install nodejs; .ci/run installs it", "node")
	if node == "" {
		return
	}
	out, err := exec.Command(node, "--version").Output()
	require.NoError(t, err)
	testtool.Require(t, nodeAtLeast(strings.TrimSpace(string(out)), 20, 6), "node "+strings.TrimSpace(string(out))+" is older than 20.6 (module.register)")

	files, err := filepath.Glob(filepath.Join("libtest", "*.test.mjs"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	args := []string{"--import", "./register.mjs", "--test", "--test-reporter=spec"}
	for _, f := range files {
		args = append(args, filepath.Base(f))
	}

	// The library's password generator must pass the service's own rule: the test gets it
	// from reference, not from a copy.
	p := reference.DefaultPolicy()
	rule, err := json.Marshal(map[string]any{"min": p.PasswordMinLen, "max": p.PasswordMaxLen, "specials": reference.PasswordSpecials})
	require.NoError(t, err)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EIDSIM_") && !strings.HasPrefix(kv, "NODE_OPTIONS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "EIDSIM_TEST_PASSWORD_RULE="+string(rule), "NO_COLOR=1")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = "libtest"
	cmd.Env = env
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	if m := regexp.MustCompile(`(?m)^ℹ pass (\d+)`).FindSubmatch(b); m != nil {
		t.Logf("%s JavaScript tests passed", m[1])
	}
}

// nodeAtLeast reports whether a `node --version` answer (v20.20.2) is at least major.minor.
func nodeAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

func TestNodeAtLeast(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{{"v20.20.2", true}, {"v20.6.0", true}, {"v20.5.1", false}, {"v18.19.0", false}, {"v22.1.0", true}, {"nope", false}}
	for _, tt := range tests {
		require.Equal(t, tt.want, nodeAtLeast(tt.v, 20, 6), tt.v)
	}
}
