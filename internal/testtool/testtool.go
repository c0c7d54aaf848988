// Package testtool decides what a test does when an external tool it needs (Chromium, Node,
// curl, …) is missing: on a developer's machine it skips, saying what is missing and how to
// get it; in CI it fails, so a CI machine without the tool cannot pass by skipping the test.
// CI is any value of the CI environment variable except "", "0" and "false" (GitHub Actions,
// GitLab and .ci/run's callers set CI=true).
package testtool

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI (see the package comment).
func InCI() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "", "0", "false":
		return false
	}
	return true
}

// Require does nothing when ok; otherwise it skips t with reason, or fails it in CI.
func Require(t testing.TB, ok bool, reason string) {
	t.Helper()
	if ok {
		return
	}
	if InCI() {
		t.Fatalf("%s; CI is set, so this test must run (.ci/run installs what it needs)", reason)
		return
	}
	t.Skip(reason)
}

// LookPath returns the path of the first of names found on the PATH; when none is, it skips
// or fails t (Require) with hint, which says how to install it.
func LookPath(t testing.TB, hint string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Require(t, false, strings.Join(names, " or ")+" not found on the PATH ("+hint+")")
	return ""
}

// Chromium returns the headless browser the browser tests drive: $CHROMIUM when set, else
// chromium or chromium-browser on the PATH. Without one it skips or fails t (Require).
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			Require(t, false, "$CHROMIUM is "+p+", which does not exist")
			return ""
		}
		return p
	}
	return LookPath(t, "apt-get install chromium, or set CHROMIUM; make report-screenshot installs it", "chromium", "chromium-browser")
}

// ProfileDir returns a fresh directory for a browser's user profile, removed when the test
// ends. Unlike t.TempDir, its removal retries for a few seconds: a headless Chromium's helper
// processes can still be writing into the profile for a moment after the browser was told to
// quit, and a failed removal must not fail a test that passed.
func ProfileDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "eidsim-browser-")
	if err != nil {
		t.Fatalf("browser profile directory: %v", err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			err := os.RemoveAll(dir)
			if err == nil || time.Now().After(deadline) {
				if err != nil {
					t.Logf("browser profile %s not removed: %v", dir, err)
				}
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}
