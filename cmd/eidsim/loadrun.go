package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	k6scripts "github.com/eidsim/eidsim/scenarios/k6"
	"github.com/eidsim/eidsim/scenarios/load"
)

func runLoad(ctx context.Context, e *env, args []string) error {
	cfg, err := parseLoad(commands["load"], e, args)
	if err != nil {
		return err
	}
	_, err = startLoad(ctx, e, cfg)
	return err
}

// startLoad runs a parsed `eidsim load`: it checks the target, creates the run directory and
// runs the scenario once or searches its highest sustainable rate (load.Runner). It returns
// the run directory ("" when the run failed before making one) and the command's outcome:
// nil, or an exit error (exitThreshold when thresholds failed or an attack succeeded).
func startLoad(ctx context.Context, e *env, cfg *loadConfig) (string, error) {
	hash, settings, err := probeTarget(ctx, cfg.target, cfg.token)
	if err != nil {
		return "", exitErr(exitFailure, err)
	}
	warning, err := checkWorld(settings, cfg.population)
	if err != nil {
		return "", err
	}
	if warning != "" {
		fmt.Fprintln(e.stderr, "eidsim load: warning:", warning)
	}
	k6bin, err := load.FindK6(cfg.k6)
	if err != nil {
		return "", exitErr(exitFailure, err)
	}
	kind := results.KindLoad
	if cfg.findMax {
		kind = results.KindFindMax
	}
	label := cfg.scenario.Name
	if !cfg.segment.Whole() {
		label += fmt.Sprintf("-seg%dof%d", cfg.segment.I, cfg.segment.N)
	}
	run, err := results.Create(cfg.out, results.Manifest{
		RunID: results.NewRunID(time.Now(), label), Kind: kind, Command: append([]string{"eidsim", "load"}, redactTokenArgs(cfg.args)...),
		Scenario: cfg.scenario.Name, Started: time.Now().UTC(), Target: cfg.target, Options: loadOptionsMap(cfg),
		Hash: hash, TargetSettings: settings, Seed: cfg.seed, Segment: cfg.segment.String(),
		Versions:  map[string]string{"eidsim": results.BuildVersion(), "k6": load.K6Version(ctx, k6bin), "go": runtime.Version()},
		GitCommit: results.GitCommit(ctx), Host: results.HostInfo(),
	})
	if err != nil {
		return "", exitErr(exitFailure, fmt.Errorf("run directory: %w", err))
	}
	fmt.Fprintf(e.stderr, "eidsim load: %s → %s (run %s)\n", cfg.scenario.Name, cfg.target, run.Dir)
	if err := cfg.replay.record(e, run); err != nil {
		return run.Dir, exitErr(exitFailure, err)
	}
	r := loadRunner(cfg, k6bin, e)
	if cfg.findMax {
		res, err := r.FindMax(ctx, run, cfg.search, cfg.stepLen, cfg.opts)
		if err != nil {
			return run.Dir, exitErr(exitFailure, err)
		}
		printFindMax(e, cfg, run, res)
		return run.Dir, nil
	}
	oc, err := r.Once(ctx, run, cfg.opts, e.stdout)
	if err != nil {
		return run.Dir, exitErr(exitFailure, err)
	}
	switch {
	case oc.Status == results.StatusInterrupted:
		return run.Dir, exitErr(exitFailure, fmt.Errorf("interrupted: the run record %s says so", run.Dir))
	case oc.Status == results.StatusThresholdsFailed:
		return run.Dir, exitErr(exitThreshold, fmt.Errorf("thresholds failed (run %s)", run.Dir))
	case oc.Attack != nil && oc.Attack.Verdict.Succeeded:
		// An adversarial run has no thresholds: its verdict decides (results.AttackVerdict).
		return run.Dir, exitErr(exitThreshold, fmt.Errorf("%s (run %s)", oc.Attack.Verdict, run.Dir))
	case oc.Attack != nil:
		fmt.Fprintf(e.stderr, "eidsim load: %s (run %s)\n", oc.Attack.Verdict, run.Dir)
	default:
		fmt.Fprintf(e.stderr, "eidsim load: thresholds passed (run %s)\n", run.Dir)
	}
	return run.Dir, nil
}

// loadRunner is the load.Runner of cfg: the embedded scripts, the target's fault journal in
// every manifest, and the target's policy for an adversarial scenario's summary (from the
// settings the run recorded or, when the target gave none without a token, asked with it).
func loadRunner(cfg *loadConfig, k6bin string, e *env) *load.Runner {
	return &load.Runner{
		Scenario: cfg.scenario, Target: cfg.target, Token: cfg.token, Population: cfg.population, Seed: cfg.seed,
		Segment: cfg.segment, K6Binary: k6bin, Exec: cfg.exec, Scripts: k6scripts.Scripts, Log: e.stderr,
		Raw: cfg.raw, Progress: newLoadProgress(e.stderr, cfg.progress, cfg.opts.Duration), Env: cfg.replay.env(),
		Journal: func(since time.Time) any {
			if f := faultJournal(context.Background(), cfg.target, cfg.token, since); f != nil {
				return f
			}
			return nil // not a nil *manifestFaults in an interface: the manifest records no faults
		},
		Policy: func(ctx context.Context, run *results.Run) results.AttackPolicy {
			settings := run.Manifest.TargetSettings
			if len(settings) == 0 && cfg.token != "" {
				settings = operatorSettings(ctx, cfg.target, cfg.token)
			}
			return results.AttackPolicyFrom(settings)
		},
	}
}

// printFindMax prints a search's answer.
func printFindMax(e *env, cfg *loadConfig, run *results.Run, res results.FindMaxResult) {
	best := res.Best
	hb, _ := json.Marshal(run.Manifest.Hash)
	if !res.Bracketed {
		fmt.Fprintf(e.stdout, "no step failed within --find-max-steps %d: the rate below is a lower bound; start higher or allow more steps\n", cfg.search.MaxSteps)
	}
	fmt.Fprintf(e.stdout, "max sustainable rate of %s: %g/s (p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, http_req_failed %.2f%%, dropped %.0f, k6 CPU %.0f%% of %d cores)\nhash settings: %s\nsteps: %d (run %s)\n",
		cfg.scenario.Name, best.Rate, best.P50, best.P95, best.P99, 100*best.ErrorRate, best.Dropped, 100*best.K6CPUShare, runtime.NumCPU(), hb, len(res.Steps), run.Dir)
}

func loadOptionsMap(cfg *loadConfig) map[string]any {
	m := map[string]any{
		"rate": cfg.opts.Rate, "duration": cfg.opts.Duration.String(), "vus": cfg.opts.VUs, "otp_wait": cfg.opts.OTPWait.String(),
	}
	if len(cfg.opts.Mix) > 0 {
		m["mix"] = cfg.opts.Mix
	}
	if cfg.findMax {
		m["find_max"] = map[string]any{"start": cfg.search.Start, "increment": cfg.search.Increment, "resolution": cfg.search.Resolution,
			"max_steps": cfg.search.MaxSteps, "warm_up": cfg.search.WarmUp, "step_duration": cfg.stepLen.String()}
	}
	return m
}

// redactArgs hides the operator token in the recorded command line.
func redactTokenArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		switch {
		case strings.HasPrefix(a, "--operator-token=") || strings.HasPrefix(a, "-operator-token="):
			out[i] = a[:strings.IndexByte(a, '=')+1] + "REDACTED"
		case (a == "--operator-token" || a == "-operator-token") && i+1 < len(out):
			out[i+1] = "REDACTED"
		}
	}
	return out
}
