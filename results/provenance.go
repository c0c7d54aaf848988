package results

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// BuildVersion is the version of the running binary: its module version, VCS revision and
// whether the tree was modified, as the Go toolchain recorded them.
func BuildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			v += " " + s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			v += " (modified)"
		}
	}
	return v
}

// GitCommit is the commit of the git checkout in the current directory, with " (modified)"
// when tracked files differ from it, or "" outside a checkout.
func GitCommit(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		commit += " (modified)"
	}
	return commit
}

// HostInfo describes the machine a run ran on.
func HostInfo() map[string]any {
	h, _ := os.Hostname()
	return map[string]any{"hostname": h, "os": runtime.GOOS, "arch": runtime.GOARCH, "cpus": runtime.NumCPU()}
}
