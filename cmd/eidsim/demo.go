package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/results/report"
	"github.com/eidsim/eidsim/scenarios/load"
)

func init() {
	register(&command{
		name:    "demo",
		summary: "the first command to run: a Điện Biên population, the reference service, three load scenarios, the campaign simulation and their reports",
		usage:   "[--out DIR] [--count N] [--seed S] [--quick] [--k6 BINARY] [--progress auto|always|never]",
		run:     runDemo,
	})
}

// demoConfig is what `eidsim demo` is told.
type demoConfig struct {
	out      string
	profile  string
	count    int64
	seed     uint64
	hash     string
	sms      string
	k6       string
	progress string
	quick    bool
	skipLoad bool
	args     []string
}

// demoLoad is one load scenario of the demo, sized so the whole demo takes a few minutes on
// a two-core laptop.
type demoLoad struct {
	scenario string
	rate     float64
	duration time.Duration
}

func (d demoLoad) args() []string {
	var a []string
	if d.rate > 0 {
		a = append(a, "--rate", strconv.FormatFloat(d.rate, 'f', -1, 64))
	}
	if d.duration > 0 {
		a = append(a, "--duration", d.duration.String())
	}
	return a
}

// demoLoads returns the load scenarios the demo runs: smoke (every flow once), a short
// deadline surge, and a recovery storm.
func demoLoads(quick bool) []demoLoad {
	if quick {
		return []demoLoad{{scenario: "smoke"}, {scenario: "deadline-surge", rate: 4, duration: 10 * time.Second},
			{scenario: "recovery-storm", rate: 4, duration: 10 * time.Second}}
	}
	return []demoLoad{{scenario: "smoke"}, {scenario: "deadline-surge", rate: 10, duration: 24 * time.Second},
		{scenario: "recovery-storm", rate: 8, duration: 20 * time.Second}}
}

func parseDemo(c *command, e *env, args []string) (*demoConfig, error) {
	cfg := &demoConfig{args: args, profile: "dien-bien"}
	fs := newFlagSet(c, e)
	fs.StringVar(&cfg.out, "out", "results", "`DIR` under which every run directory is created")
	fs.Int64Var(&cfg.count, "count", 20000, "citizens of the generated Điện Biên population")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the population, the load scenarios and the simulation")
	fs.StringVar(&cfg.hash, "hash", "argon2id", "password hasher of the reference service: argon2id (production default) or fast")
	fs.StringVar(&cfg.sms, "sms", "realistic", "SMS latency of the simulated telco: realistic or fast")
	fs.StringVar(&cfg.k6, "k6", "", "k6 `BINARY` (default $EIDSIM_K6, else k6 beside eidsim, else bin/k6, else PATH, else built from the module cache)")
	fs.StringVar(&cfg.progress, "progress", "auto", "progress bars on stderr: auto (only on a terminal), always or never")
	fs.BoolVar(&cfg.skipLoad, "skip-load", false, "leave the k6 load scenarios out (no k6 needed): generation, service and simulation only")
	fs.BoolVar(&cfg.quick, "quick", false, "a smaller, shorter demo (2,000 citizens, 10 s load runs, 2 simulation replicas of 4,000 citizens)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usageErr("unexpected argument %q", rest[0])
	}
	if cfg.quick && !flagGiven(args, "count") {
		cfg.count = 2000
	}
	switch {
	case cfg.count < 100 || cfg.count > 1_000_000:
		return nil, usageErr("--count %d: want 100…1000000", cfg.count)
	case cfg.hash != "argon2id" && cfg.hash != "fast":
		return nil, usageErr("--hash: %q is not argon2id or fast", cfg.hash)
	case cfg.sms != "realistic" && cfg.sms != "fast":
		return nil, usageErr("--sms: %q is not realistic or fast", cfg.sms)
	case cfg.progress != "auto" && cfg.progress != "always" && cfg.progress != "never":
		return nil, usageErr("--progress: %q is not auto, always or never", cfg.progress)
	}
	from := "--k6"
	if cfg.k6 == "" {
		cfg.k6, from = e.getenv("EIDSIM_K6"), "$EIDSIM_K6"
	}
	if cfg.k6 != "" {
		// Named and wrong: refuse before any work rather than leave the load scenarios out.
		if _, err := load.FindK6(cfg.k6); err != nil {
			return nil, usageErr("%s: %v", from, err)
		}
	}
	return cfg, nil
}

// flagGiven reports whether --name (or -name) appears among args.
func flagGiven(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// demoRun is one demo in progress.
type demoRun struct {
	cfg    *demoConfig
	e      *env
	log    io.Writer // the demo's log file: the output of every step
	sub    *env      // the environment the steps run in
	stages *stages
	run    *results.Run
	parts  results.Demo
	notes  []string
	// k6exec runs k6 for the load parts (nil: the k6 process; tests give a fake).
	k6exec load.K6Exec
}

func runDemo(ctx context.Context, e *env, args []string) error {
	cfg, err := parseDemo(commands["demo"], e, args)
	if err != nil {
		return err
	}
	start := time.Now()
	m := results.Manifest{
		RunID: results.NewRunID(start, "demo"), Kind: results.KindDemo, Command: append([]string{"eidsim", "demo"}, args...),
		Started: start.UTC(), Seed: cfg.seed, Hash: cfg.hash,
		Options:  map[string]any{"profile": cfg.profile, "count": cfg.count, "hash": cfg.hash, "sms": cfg.sms, "quick": cfg.quick},
		Versions: map[string]string{"eidsim": results.BuildVersion(), "go": runtime.Version()}, GitCommit: results.GitCommit(ctx), Host: results.HostInfo(),
	}
	run, err := results.Create(cfg.out, m)
	if err != nil {
		return exitErr(exitFailure, fmt.Errorf("run directory: %w", err))
	}
	logf, err := os.Create(run.Path(results.DemoLogFile))
	if err != nil {
		return exitErr(exitFailure, err)
	}
	defer logf.Close()
	d := &demoRun{cfg: cfg, e: e, log: logf, run: run}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	tok := hex.EncodeToString(token)
	d.sub = &env{stdin: strings.NewReader(""), stdout: logf, stderr: logf, getenv: func(k string) string {
		switch k {
		case "EIDSIM_OPERATOR_TOKEN":
			return tok
		case "EIDSIM_K6":
			return cfg.k6
		}
		return e.getenv(k)
	}}
	d.stages = newStages(ctx, e.stderr, showProgress(cfg.progress, e.stderr))
	fmt.Fprintf(e.stderr, "eidsim demo: everything goes to %s (log: %s)\n", run.Dir, run.Path(results.DemoLogFile))

	runErr := d.steps(ctx, tok)
	d.stages.wait()

	status := results.StatusPassed
	if runErr != nil {
		status = results.StatusFailed
	}
	d.run.Manifest.Result = map[string]any{"parts": d.parts.Parts, "skipped": d.parts.Skipped}
	if err := results.WriteDemo(run.Dir, d.parts); err != nil && runErr == nil {
		runErr = err
	}
	if err := run.Finish(status, time.Now(), runErr); err != nil && runErr == nil {
		runErr = err
	}
	r, page, err := report.Generate(run.Dir)
	if err != nil {
		return exitErr(exitFailure, errors.Join(runErr, err))
	}
	printDemo(e.stdout, r, page, d.notes, time.Since(start))
	if runErr != nil {
		return exitErr(exitFailure, runErr)
	}
	return nil
}

// printDemo prints the demo's verdict, each part's verdict and headline figures, and where
// the report is.
func printDemo(w io.Writer, r *report.Report, page string, notes []string, took time.Duration) {
	fmt.Fprintf(w, "\neidsim demo finished in %s\n\n", took.Round(time.Second))
	// A line per part's verdict, then each part's headline figures.
	figs := r.Top()
	for _, f := range r.Headline {
		if f.Group != "" {
			figs = append(figs, f)
		}
	}
	printFigures(w, r, figs, page, notes)
}
