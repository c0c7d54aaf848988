package testtool

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that records a skip or a failure instead of ending the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skip(args ...any)                  { r.skipped = args[0].(string) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = format }

func TestInCI(t *testing.T) {
	tests := []struct {
		ci   string
		want bool
	}{{"", false}, {"0", false}, {"false", false}, {"FALSE", false}, {"true", true}, {"1", true}, {"yes", true}}
	for _, tt := range tests {
		t.Run(tt.ci, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			assert.Equal(t, tt.want, InCI())
		})
	}
}

// TestMissingToolSkipsOrFails: a missing tool skips the test with its reason, except in CI,
// where it fails it; a tool that is there does neither.
func TestMissingToolSkipsOrFails(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // nothing on it
	tests := []struct {
		name                string
		ci                  string
		run                 func(testing.TB) string
		wantSkip, wantFatal bool
	}{
		{"chromium, developer", "", Chromium, true, false},
		{"chromium, CI", "true", Chromium, false, true},
		{"node, CI=false", "false", func(t testing.TB) string { return LookPath(t, "apt-get install nodejs", "node") }, true, false},
		{"node, CI", "1", func(t testing.TB) string { return LookPath(t, "apt-get install nodejs", "node") }, false, true},
		{"$CHROMIUM missing, CI", "true", func(t testing.TB) string {
			t.Setenv("CHROMIUM", filepath.Join(t.TempDir(), "no-such-browser"))
			return Chromium(t)
		}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			t.Setenv("CHROMIUM", "")
			r := &recorder{TB: t}
			tt.run(r)
			assert.Equal(t, tt.wantSkip, r.skipped != "", "skipped: %q", r.skipped)
			assert.Equal(t, tt.wantFatal, r.failed != "", "failed: %q", r.failed)
			if tt.wantSkip {
				assert.Contains(t, r.skipped, "not found", "the skip says what is missing")
			}
		})
	}
	// A tool that is there is returned.
	t.Setenv("PATH", "/usr/bin:/bin")
	r := &recorder{TB: t}
	assert.NotEmpty(t, LookPath(r, "", "no-such-tool-h5", "sh"))
	assert.Empty(t, r.skipped+r.failed)
}
