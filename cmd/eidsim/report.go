package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/eidsim/eidsim/results"
)

func init() {
	register(&command{
		name:    "report",
		summary: "write a run's report (report.md, report.html), compare two runs, or merge the execution segments of a split load run",
		usage:   "RUN_DIR [--compare OTHER_RUN_DIR [--out DIR]] | --merge RUN_DIR… [--out DIR]",
		run:     runReport,
	})
}

// reportConfig is what `eidsim report` is told.
type reportConfig struct {
	dirs    []string
	merge   bool
	out     string
	compare string
	outSet  bool
}

func parseReport(c *command, e *env, args []string) (*reportConfig, error) {
	cfg := &reportConfig{}
	fs := newFlagSet(c, e)
	fs.BoolVar(&cfg.merge, "merge", false, "merge the given run directories (the segments of one split load run) into a new run directory")
	fs.StringVar(&cfg.out, "out", "results", "with --merge: `DIR` under which the merged run directory is created; with --compare: the directory the comparison is written to (default RUN_DIR/compare-<OTHER's run id>)")
	fs.StringVar(&cfg.compare, "compare", "", "put `OTHER` run directory beside RUN_DIR (A), figure by figure with ratios B/A")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	cfg.dirs = rest
	cfg.outSet = flagGiven(args, "out")
	switch {
	case cfg.merge && cfg.compare != "":
		return nil, usageErr("--compare and --merge cannot be combined: merge first, then compare the merged run")
	case !cfg.merge && cfg.compare == "" && cfg.outSet:
		return nil, usageErr("--out goes with --merge or --compare; a run's report is written into RUN_DIR")
	case cfg.merge && len(rest) < 2:
		return nil, usageErr("--merge needs at least two run directories")
	case !cfg.merge && len(rest) != 1:
		return nil, usageErr("want one RUN_DIR (or --merge RUN_DIR…)")
	}
	return cfg, nil
}

func runReport(ctx context.Context, e *env, args []string) error {
	cfg, err := parseReport(commands["report"], e, args)
	if err != nil {
		return err
	}
	if cfg.merge {
		return mergeRuns(ctx, e, cfg)
	}
	out := ""
	if cfg.outSet {
		out = cfg.out
	}
	return writeRunReport(e, cfg.dirs[0], cfg.compare, out)
}

// mergeRuns merges the execution segments of a split load run into a new run directory
// (results.MergeRuns) and prints the merged figures.
func mergeRuns(ctx context.Context, e *env, cfg *reportConfig) error {
	for _, d := range cfg.dirs {
		if err := checkRunDir(d); err != nil {
			return err
		}
	}
	run, merged, err := results.MergeRuns(ctx, cfg.out, cfg.dirs, append([]string{"eidsim", "report", "--merge"}, cfg.dirs...))
	if errors.Is(err, results.ErrNotRunDir) {
		return usageErr("%v", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "merged %d parts (segments %v) into %s\n", len(cfg.dirs), merged.Segments, run.Dir)
	merged.PrintSummary(e.stdout)
	merged.PrintOutcomes(e.stdout)
	return nil
}
