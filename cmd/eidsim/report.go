package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

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

// mergeRuns merges the aggregates of segment runs: counters add and percentiles are
// recomputed from the merged histograms. The merged run directory gets its own manifest
// naming its parts.
func mergeRuns(ctx context.Context, e *env, cfg *reportConfig) error {
	var parts []*results.Aggregate
	var scenario, target string
	var hash any
	var seed uint64
	segs := map[string]bool{}
	for _, d := range cfg.dirs {
		if err := checkRunDir(d); err != nil {
			return err
		}
	}
	for _, d := range cfg.dirs {
		m, err := results.ReadManifest(d)
		if err != nil {
			return usageErr("%s: not a run directory to merge: %v", d, err)
		}
		if m.Status == results.StatusRunning {
			return fmt.Errorf("%s: the run did not finish (manifest status %q)", d, m.Status)
		}
		if scenario == "" {
			scenario, target, hash, seed = m.Scenario, m.Target, m.Hash, m.Seed
		} else if m.Scenario != scenario || m.Seed != seed {
			return fmt.Errorf("%s: scenario %s seed %d differs from the first part's (%s seed %d); only segments of one run merge", d, m.Scenario, m.Seed, scenario, seed)
		}
		if m.Segment != "" {
			if segs[m.Segment] {
				return fmt.Errorf("%s: segment %s given twice", d, m.Segment)
			}
			segs[m.Segment] = true
		}
		a, err := results.LoadAggregate(d)
		if err != nil {
			return err
		}
		a.Segments = []string{m.Segment}
		parts = append(parts, a)
	}
	merged, err := results.Merge(parts...)
	if err != nil {
		return err
	}
	abs := make([]string, len(cfg.dirs))
	for i, d := range cfg.dirs {
		abs[i], _ = filepath.Abs(d)
	}
	run, err := results.Create(cfg.out, results.Manifest{
		RunID: results.NewRunID(time.Now(), scenario+"-merged"), Kind: results.KindMerge, Command: append([]string{"eidsim", "report", "--merge"}, cfg.dirs...),
		Scenario: scenario, Started: time.Now().UTC(), Target: target, Hash: hash, Seed: seed, MergedFrom: abs,
		Versions: map[string]string{"eidsim": results.BuildVersion()}, GitCommit: results.GitCommit(ctx), Host: results.HostInfo(),
	})
	if err != nil {
		return err
	}
	if err := results.WriteAggregate(run.Dir, merged); err != nil {
		return err
	}
	if err := run.Finish(results.StatusMerged, time.Now(), nil); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "merged %d parts (segments %v) into %s\n", len(parts), merged.Segments, run.Dir)
	merged.PrintSummary(e.stdout)
	merged.PrintOutcomes(e.stdout)
	return nil
}
