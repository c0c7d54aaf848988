package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/calibrate"
	"github.com/eidsim/eidsim/scenarios/campaign"
)

func init() {
	register(&command{
		name:    "simulate",
		summary: "simulate a province's population living through an e-ID activation campaign (reference flows under a virtual clock)",
		usage: "CAMPAIGN... [--count N] [--full-scale] [--seed S] [--replicas N] [--workers W] [--out DIR]\n" +
			"             [--kits N] [--sms-rate R] [--without LIST] [--counterfactual LIST] [--capacity kits|sms_rate [--deadline I]]\n" +
			"             [--posterior auto|default|none|FILE] [--days N]\n" +
			"             [--calibrate | --validate] [--particles K] [--rounds R] [--state DIR [--shard i/n | --merge]]\n\n" +
			"CAMPAIGN is a built-in campaign (" + strings.Join(campaign.Builtin(), ", ") + ") or a YAML file.\n" +
			"--calibrate (or --validate) with no CAMPAIGN calibrates on every built-in campaign with evidence;\n" +
			"see docs/calibration.md for the method, the records and the cluster recipe (--shard, --merge).",
		run: runSimulate,
	})
}

// Defaults of a calibration.
const (
	defaultParticles    = 100
	defaultRounds       = 8
	defaultCalibCount   = 3000 // citizens per campaign and model run
	defaultMinAccept    = 0.05
	maxParticles        = 100000
	maxCalibrationRound = 100
)

type simulateConfig struct {
	count          int
	fullScale      bool
	seed           uint64
	replicas       int
	workers        int
	out            string
	kits           int
	smsRate        float64
	without        string
	counterfactual string
	capacity       string
	deadline       int
	days           int
	posterior      string
	progress       string
	// calibration
	calibrate, validate, merge bool
	particles, rounds          int
	state, shardArg            string
	shard, shards              int
	args                       []string
	campaigns                  []*campaign.Campaign
}

// calibrating reports whether the run is a calibration (or one of its steps).
func (c *simulateConfig) calibrating() bool {
	return c.calibrate || c.validate || c.merge || c.shards > 0
}

func runSimulate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(commands["simulate"], e)
	cfg := simulateConfig{args: args}
	fs.IntVar(&cfg.count, "count", 0, "simulated citizens aged 14+ (default: the campaign's population.count; a calibration's: 3000 per campaign)")
	fs.BoolVar(&cfg.fullScale, "full-scale", false, "simulate every adult of the real area (population.real_adults, or the profile's)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the population and of every draw")
	fs.IntVar(&cfg.replicas, "replicas", 1, "Monte Carlo replicas (confidence bands need 2 or more)")
	fs.IntVar(&cfg.workers, "workers", runtime.GOMAXPROCS(0), "replicas (or a calibration's model runs) run in parallel (results do not depend on it)")
	fs.StringVar(&cfg.out, "out", "results", "root directory of run records")
	fs.IntVar(&cfg.kits, "kits", -1, "override counters.kits (full scale)")
	fs.Float64Var(&cfg.smsRate, "sms-rate", -1, "override sms.rate_per_second (per carrier, full scale; 0 = unlimited)")
	fs.StringVar(&cfg.without, "without", "", "comma-separated interventions to drop: free_sims, owner_cleanup, web_activation, mobile_enrolment, outreach")
	fs.StringVar(&cfg.counterfactual, "counterfactual", "", "also run without these interventions (same seeds) and contrast activation by segment")
	fs.StringVar(&cfg.capacity, "capacity", "", "search the fewest kits (kits) or lowest SMS rate (sms_rate) that meets a deadline")
	fs.IntVar(&cfg.deadline, "deadline", 0, "index of the deadline the capacity search aims at")
	fs.IntVar(&cfg.days, "days", 0, "simulate only the first N days (deadlines and reported figures after them are dropped)")
	fs.StringVar(&cfg.posterior, "posterior", "auto", "replicas draw their parameters from a posterior: default (the shipped one), a posterior.json, none (the campaign's own values), or auto (the shipped one when the campaign sets none of its parameters)")
	fs.StringVar(&cfg.progress, "progress", "auto", "progress bars of a calibration: auto (when stderr is a terminal), always, never")
	fs.BoolVar(&cfg.calibrate, "calibrate", false, "calibrate one pooled parameter set on the campaigns' evidence (ABC-PMC), with validation and sensitivity")
	fs.BoolVar(&cfg.validate, "validate", false, "the validation table: leave-one-out over the provinces and the national time split (refits without the held-out data)")
	fs.IntVar(&cfg.particles, "particles", defaultParticles, "posterior sample size K of a calibration (round 0 runs 2K, later rounds K)")
	fs.IntVar(&cfg.rounds, "rounds", defaultRounds, "most rounds of a calibration after the prior round")
	fs.StringVar(&cfg.state, "state", "", "calibration directory shared by --shard and --merge runs (state.json and the shard files)")
	fs.StringVar(&cfg.shardArg, "shard", "", "run only shard `i/n` of the calibration's next round (writes its runs into --state)")
	fs.BoolVar(&cfg.merge, "merge", false, "merge the shards of the next round in --state and compute the round after")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if err == errHelp {
			return nil
		}
		return err
	}
	if err := checkSimulateFlags(&cfg, pos); err != nil {
		return err
	}
	label, scenario := "simulate-"+cfg.campaigns[0].Name, cfg.campaigns[0].Name
	if cfg.calibrating() {
		var names []string
		for _, c := range cfg.campaigns {
			names = append(names, c.Name)
		}
		label, scenario = "calibrate", "calibration on "+strings.Join(names, ", ")
	}
	m := results.Manifest{
		RunID: results.NewRunID(time.Now(), label), Kind: "simulate", Command: append([]string{"eidsim", "simulate"}, args...),
		Scenario: scenario, Started: time.Now().UTC(), Seed: cfg.seed,
		Hash: "fast (sha256, in-process simulation: password cost does not bound a simulated campaign)",
		Options: map[string]any{"replicas": cfg.replicas, "workers": cfg.workers, "count": cfg.count, "full_scale": cfg.fullScale,
			"kits": cfg.kits, "sms_rate": cfg.smsRate, "without": cfg.without, "counterfactual": cfg.counterfactual,
			"capacity": cfg.capacity, "deadline": cfg.deadline, "calibrate": cfg.calibrate, "validate": cfg.validate, "days": cfg.days,
			"posterior": cfg.posterior, "particles": cfg.particles, "rounds": cfg.rounds, "state": cfg.state, "shard": cfg.shardArg,
			"merge": cfg.merge, "store": "memory"},
		Versions:  map[string]string{"eidsim": results.BuildVersion(), "go": runtime.Version()},
		GitCommit: results.GitCommit(ctx), Host: results.HostInfo(),
	}
	run, err := results.Create(cfg.out, m)
	if err != nil {
		return exitErr(exitFailure, fmt.Errorf("run directory: %w", err))
	}
	fmt.Fprintf(e.stderr, "eidsim simulate: run %s\n", run.Dir)
	// The simulation's heap is mostly long-lived (the population, the store): collect less
	// often than the default.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	var result any
	if cfg.calibrating() {
		result, err = calibrateRun(ctx, e, &cfg, run.Dir)
	} else {
		result, err = simulate(ctx, e, &cfg, run.Dir)
	}
	status := results.StatusPassed
	switch {
	case errors.Is(err, context.Canceled) || (err != nil && ctx.Err() != nil):
		status = results.StatusInterrupted
		err = exitErr(exitFailure, fmt.Errorf("interrupted: the run record %s says so", run.Dir))
	case err != nil:
		status = results.StatusFailed
	}
	run.Manifest.Result = result
	if ferr := run.Finish(status, time.Now(), err); ferr != nil && err == nil {
		err = ferr
	}
	return err
}

// checkSimulateFlags checks every flag and loads the campaigns before any work starts; a
// problem is a usage error naming the flag.
func checkSimulateFlags(cfg *simulateConfig, pos []string) error {
	switch {
	case cfg.replicas < 1 || cfg.replicas > 10000:
		return usageErr("--replicas %d is not in 1..10000", cfg.replicas)
	case cfg.workers < 1:
		return usageErr("--workers must be at least 1")
	case cfg.count < 0:
		return usageErr("--count must not be negative")
	case cfg.days < 0:
		return usageErr("--days must not be negative")
	case cfg.capacity != "" && cfg.capacity != campaign.LeverKits && cfg.capacity != campaign.LeverSMSRate:
		return usageErr("--capacity %q: want kits or sms_rate", cfg.capacity)
	case cfg.particles < 4 || cfg.particles > maxParticles:
		return usageErr("--particles %d is not in 4..%d", cfg.particles, maxParticles)
	case cfg.rounds < 0 || cfg.rounds > maxCalibrationRound:
		return usageErr("--rounds %d is not in 0..%d", cfg.rounds, maxCalibrationRound)
	case cfg.progress != "auto" && cfg.progress != "always" && cfg.progress != "never":
		return usageErr("--progress %q: want auto, always or never", cfg.progress)
	}
	if cfg.shardArg != "" {
		i, n, ok := strings.Cut(cfg.shardArg, "/")
		a, err1 := strconv.Atoi(i)
		b, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil || b < 1 || a < 1 || a > b || b > 10000 {
			return usageErr("--shard: %q is not i/n with 1 ≤ i ≤ n ≤ 10000", cfg.shardArg)
		}
		cfg.shard, cfg.shards = a, b
	}
	switch {
	case cfg.shards > 0 && cfg.merge:
		return usageErr("--shard and --merge are separate steps: a shard runs its share, one merge combines the shards")
	case (cfg.shards > 0 || cfg.merge) && cfg.state == "":
		return usageErr("--shard and --merge need --state DIR, the directory the shards and the merge share")
	case cfg.calibrating() && (cfg.capacity != "" || cfg.counterfactual != ""):
		return usageErr("--capacity and --counterfactual are not calibration steps: run them without --calibrate")
	}
	if len(pos) == 0 && cfg.calibrating() {
		pos = campaign.Builtin()
	}
	if len(pos) == 0 {
		return usageErr("name a campaign (built-in: %s) or a campaign file", strings.Join(campaign.Builtin(), ", "))
	}
	if len(pos) > 1 && !cfg.calibrating() {
		return usageErr("one campaign at a time (or --calibrate)")
	}
	for _, p := range pos {
		cp, err := campaign.Load(p)
		if err != nil {
			return usageErr("%v", err) // a bad campaign is bad usage, as a bad profile is for generate
		}
		if cfg.calibrating() && cp.EvidenceArea() == "" {
			continue
		}
		cp = cp.Truncate(cfg.days)
		if cfg.kits >= 0 {
			cp.Counters.Kits = cfg.kits
		}
		if cfg.smsRate >= 0 {
			cp.SMS.RatePerSecond = cfg.smsRate
		}
		if cfg.without != "" {
			if cp, err = campaign.Without(cp, strings.Split(cfg.without, ",")); err != nil {
				return usageErr("--without: %v", err)
			}
		}
		cfg.campaigns = append(cfg.campaigns, cp)
	}
	if len(cfg.campaigns) == 0 {
		return usageErr("--calibrate: none of %s has evidence to calibrate on", strings.Join(pos, ", "))
	}
	if cfg.counterfactual != "" {
		if _, err := campaign.Without(cfg.campaigns[0], strings.Split(cfg.counterfactual, ",")); err != nil {
			return usageErr("--counterfactual: %v", err)
		}
	}
	if cfg.calibrating() {
		if _, err := calibrate.Priors(cfg.campaigns); err != nil {
			return usageErr("--calibrate: %v", err)
		}
	} else {
		if _, err := loadPosterior(cfg.posterior, cfg.campaigns[0]); err != nil {
			return usageErr("--posterior: %v", err)
		}
	}
	return nil
}
