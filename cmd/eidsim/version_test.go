package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		t.Run(args[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			e := &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
			code := runEnv(context.Background(), e, args)
			require.Equal(t, exitOK, code, errb.String())
			assert.Regexp(t, `(?m)^eidsim   \S`, out.String())
			assert.Regexp(t, `(?m)^go       go1\.`, out.String())
			assert.Contains(t, out.String(), "k6       "+PinnedK6+" pinned in go.mod")
		})
	}
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	assert.Equal(t, exitUsage, runEnv(context.Background(), e, []string{"version", "extra"}))
	assert.Contains(t, errb.String(), `unexpected argument "extra"`)
}

// TestPinnedK6MatchesGoMod keeps PinnedK6 equal to the k6 version go.mod requires.
func TestPinnedK6MatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*go\.k6\.io/k6 (v\S+)`).FindSubmatch(mod)
	require.NotNil(t, m, "go.mod requires no go.k6.io/k6")
	assert.Equal(t, string(m[1]), PinnedK6, "update PinnedK6 in version.go")
}
