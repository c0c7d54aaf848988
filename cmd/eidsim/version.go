package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/eidsim/eidsim/scenarios/load"
)

// PinnedK6 is the k6 version go.mod pins with its tool directive (`make k6` builds it).
// TestPinnedK6MatchesGoMod keeps the two in step.
const PinnedK6 = "v1.8.1"

func init() {
	register(&command{
		name:    "version",
		summary: "print the eidsim version, its commit, the Go toolchain and the k6 it runs",
		usage:   "[--k6 BINARY]",
		run:     runVersion,
	})
}

// versionInfo is what `eidsim version` prints.
type versionInfo struct {
	Module   string // module version ("(devel)" for a build from a checkout)
	Commit   string // VCS revision, "" when the build recorded none
	Modified bool   // the checkout had uncommitted changes
	Go       string
	Platform string
}

func readVersion() versionInfo {
	v := versionInfo{Module: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Module = bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func runVersion(ctx context.Context, e *env, args []string) error {
	c := commands["version"]
	fs := newFlagSet(c, e)
	k6 := fs.String("k6", "", "k6 `BINARY` to ask for its version (default: found as eidsim load finds it)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("unexpected argument %q", rest[0])
	}
	if *k6 == "" {
		*k6 = e.getenv("EIDSIM_K6")
	}
	v := readVersion()
	commit := v.Commit
	if commit == "" {
		commit = "not recorded (built outside a git checkout)"
	} else if v.Modified {
		commit += " (modified)"
	}
	fmt.Fprintf(e.stdout, "eidsim   %s\ncommit   %s\ngo       %s %s\n", v.Module, commit, v.Go, v.Platform)
	fmt.Fprintf(e.stdout, "k6       %s pinned in go.mod", PinnedK6)
	if bin, err := load.FindK6(*k6); err == nil {
		fmt.Fprintf(e.stdout, "; %s reports %q\n", bin, load.K6Version(ctx, bin))
	} else {
		fmt.Fprintf(e.stdout, "; no k6 binary found (run 'make k6')\n")
	}
	return nil
}
