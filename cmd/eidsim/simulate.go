package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/campaign"
)

func init() {
	register(&command{
		name:    "simulate",
		summary: "simulate a province's population living through an e-ID activation campaign (reference flows under a virtual clock)",
		usage: "CAMPAIGN... [--count N] [--full-scale] [--seed S] [--replicas N] [--workers W] [--out DIR]\n" +
			"             [--kits N] [--sms-rate R] [--without LIST] [--counterfactual LIST] [--capacity kits|sms_rate [--deadline I]]\n" +
			"             [--fit PARAMS [--fit-rounds K]] [--days N] [--calibrate]\n\n" +
			"CAMPAIGN is a built-in campaign (" + strings.Join(campaign.Builtin(), ", ") + ") or a YAML file.\n" +
			"--calibrate with no CAMPAIGN runs every built-in campaign that has reported figures.",
		run: runSimulate,
	})
}

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
	calibrate      bool
	days           int
	fit            string
	fitRounds      int
	args           []string
	campaigns      []*campaign.Campaign
}

func runSimulate(ctx context.Context, e *env, args []string) error {
	c := commands["simulate"]
	fs := newFlagSet(c, e)
	cfg := simulateConfig{args: args}
	fs.IntVar(&cfg.count, "count", 0, "simulated citizens aged 14+ (default: the campaign's population.count)")
	fs.BoolVar(&cfg.fullScale, "full-scale", false, "simulate every adult of the real area (population.real_adults, or the profile's)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the population and of every draw")
	fs.IntVar(&cfg.replicas, "replicas", 1, "Monte Carlo replicas (confidence bands need 2 or more)")
	fs.IntVar(&cfg.workers, "workers", runtime.GOMAXPROCS(0), "replicas run in parallel (results do not depend on it)")
	fs.StringVar(&cfg.out, "out", "results", "root directory of run records")
	fs.IntVar(&cfg.kits, "kits", -1, "override counters.kits (full scale)")
	fs.Float64Var(&cfg.smsRate, "sms-rate", -1, "override sms.rate_per_second (per carrier, full scale; 0 = unlimited)")
	fs.StringVar(&cfg.without, "without", "", "comma-separated interventions to drop: free_sims, owner_cleanup, web_activation, mobile_enrolment, outreach")
	fs.StringVar(&cfg.counterfactual, "counterfactual", "", "also run without these interventions (same seeds) and contrast activation by segment")
	fs.StringVar(&cfg.capacity, "capacity", "", "search the fewest kits (kits) or lowest SMS rate (sms_rate) that meets a deadline")
	fs.IntVar(&cfg.deadline, "deadline", 0, "index of the deadline the capacity search aims at")
	fs.BoolVar(&cfg.calibrate, "calibrate", false, "run the calibration campaigns and write the calibration table")
	fs.StringVar(&cfg.fit, "fit", "", "fit these behaviour parameters to the reported figures marked fit: true (e.g. bass_p,bass_q,activation_delay_days)")
	fs.IntVar(&cfg.fitRounds, "fit-rounds", 4, "rounds of the fit's coordinate search")
	fs.IntVar(&cfg.days, "days", 0, "simulate only the first N days (deadlines and reported figures after them are dropped)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if err == errHelp {
			return nil
		}
		return err
	}
	if cfg.replicas < 1 || cfg.replicas > 10000 {
		return usageErr("--replicas %d is not in 1..10000", cfg.replicas)
	}
	if cfg.workers < 1 {
		return usageErr("--workers must be at least 1")
	}
	if cfg.count < 0 {
		return usageErr("--count must not be negative")
	}
	if cfg.capacity != "" && cfg.capacity != campaign.LeverKits && cfg.capacity != campaign.LeverSMSRate {
		return usageErr("--capacity %q: want kits or sms_rate", cfg.capacity)
	}
	if len(pos) == 0 && cfg.calibrate {
		for _, n := range campaign.Builtin() {
			pos = append(pos, n)
		}
	}
	if len(pos) == 0 {
		return usageErr("name a campaign (built-in: %s) or a campaign file", strings.Join(campaign.Builtin(), ", "))
	}
	if len(pos) > 1 && !cfg.calibrate {
		return usageErr("one campaign at a time (or --calibrate)")
	}
	for _, p := range pos {
		cp, err := campaign.Load(p)
		if err != nil {
			return usageErr("%v", err) // a bad campaign is bad usage, as a bad profile is for generate
		}
		if cfg.calibrate && len(cp.Reported) == 0 {
			continue
		}
		if cfg.days < 0 {
			return usageErr("--days must not be negative")
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
	if cfg.counterfactual != "" {
		if _, err := campaign.Without(cfg.campaigns[0], strings.Split(cfg.counterfactual, ",")); err != nil {
			return usageErr("--counterfactual: %v", err)
		}
	}
	if cfg.fit != "" {
		known := campaign.FittableParams()
		for _, p := range strings.Split(cfg.fit, ",") {
			if !slices.Contains(known, p) {
				return usageErr("--fit: %q is not a fittable parameter (want some of %s)", p, strings.Join(known, ", "))
			}
		}
		if cfg.fitRounds < 1 {
			return usageErr("--fit-rounds %d: want at least 1", cfg.fitRounds)
		}
	}

	label := "simulate-" + cfg.campaigns[0].Name
	if cfg.calibrate {
		label = "calibrate"
	}
	m := results.Manifest{
		RunID: results.NewRunID(time.Now(), label), Kind: "simulate", Command: append([]string{"eidsim", "simulate"}, args...),
		Scenario: cfg.campaigns[0].Name, Started: time.Now().UTC(), Seed: cfg.seed,
		Hash: "fast (sha256, in-process simulation: password cost does not bound a simulated campaign)",
		Options: map[string]any{"replicas": cfg.replicas, "workers": cfg.workers, "count": cfg.count, "full_scale": cfg.fullScale,
			"kits": cfg.kits, "sms_rate": cfg.smsRate, "without": cfg.without, "counterfactual": cfg.counterfactual,
			"capacity": cfg.capacity, "deadline": cfg.deadline, "calibrate": cfg.calibrate, "days": cfg.days, "store": "memory"},
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
	result, err := simulate(ctx, e, &cfg, run.Dir)
	status := results.StatusPassed
	if err != nil {
		status = results.StatusFailed
	}
	run.Manifest.Result = result
	if ferr := run.Finish(status, time.Now(), err); ferr != nil && err == nil {
		err = ferr
	}
	return err
}

func simulate(ctx context.Context, e *env, cfg *simulateConfig, dir string) (any, error) {
	var sums []*campaign.Summary
	out := map[string]any{}
	for _, c := range cfg.campaigns {
		sub := dir
		if len(cfg.campaigns) > 1 || cfg.counterfactual != "" {
			sub = filepath.Join(dir, c.Name)
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return nil, err
			}
		}
		count := cfg.count
		if cfg.fullScale {
			count = c.Population.RealAdults
			if count == 0 {
				count = -1 // resolved from the profile below
			}
		}
		w, err := prepareWorld(c, count, cfg.seed)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stderr, "%s: %s (scale %.4f), %d days from %s, %d replica(s) on %d worker(s)\n",
			c.Name, w.Source, w.Scale, c.Days, c.Start, cfg.replicas, cfg.workers)
		if cfg.fit != "" {
			res, err := campaign.Fit(ctx, c, w, cfg.seed, cfg.replicas, cfg.workers, strings.Split(cfg.fit, ","), cfg.fitRounds,
				func(st campaign.FitStep) { fmt.Fprintf(e.stderr, "  fit %v: loss %.5f\n", st.Params, st.Loss) })
			if err != nil {
				return nil, err
			}
			if err := campaign.WriteJSON(filepath.Join(sub, "fit.json"), res); err != nil {
				return nil, err
			}
			fmt.Fprintf(e.stdout, "%s: fitted on %s (sum of squared relative errors %.5f):\n", c.Name, strings.Join(res.Targets, "; "), res.Loss)
			for _, p := range strings.Split(cfg.fit, ",") {
				fmt.Fprintf(e.stdout, "  %s: %.4g\n", p, res.Fitted[p])
			}
			out[c.Name] = res
			continue
		}
		if cfg.capacity != "" {
			res, err := campaign.SearchCapacity(ctx, c, w, cfg.seed, cfg.replicas, cfg.workers, cfg.capacity, cfg.deadline,
				func(p campaign.Probe) {
					fmt.Fprintf(e.stderr, "  probe %s = %g: %.0f at the deadline (met: %v)\n", cfg.capacity, p.Value, p.AtTarget.Mean, p.Met)
				})
			if err != nil {
				return nil, err
			}
			if err := campaign.WriteJSON(filepath.Join(sub, campaign.CapacityFile), res); err != nil {
				return nil, err
			}
			if res.Found && !res.Binds {
				fmt.Fprintf(e.stdout, "%s: %s does not limit %q (%s %d by %s): every probe down to %g met it\n", c.Name, res.Lever,
					res.Deadline, res.Metric, res.Target, res.Date, res.Answer)
			} else if res.Found {
				fmt.Fprintf(e.stdout, "%s: the fewest %s meeting %q (%s %d by %s) is %g (campaign has %g)\n", c.Name, res.Lever,
					res.Deadline, res.Metric, res.Target, res.Date, res.Answer, res.Current)
			} else {
				fmt.Fprintf(e.stdout, "%s: no %s up to the search bound meets %q (%s %d by %s): demand, not %s, limits it\n",
					c.Name, res.Lever, res.Deadline, res.Metric, res.Target, res.Date, res.Lever)
			}
			out[c.Name] = res
			continue
		}
		start := time.Now()
		rs, err := campaign.RunReplicas(ctx, c, w, cfg.seed, cfg.replicas, cfg.workers)
		if err != nil {
			return nil, err
		}
		elapsed := time.Since(start)
		sm := campaign.Summarise(c, rs, cfg.seed)
		base := sub
		if cfg.counterfactual != "" {
			base = filepath.Join(sub, "base")
			if err := os.MkdirAll(base, 0o755); err != nil {
				return nil, err
			}
		}
		if err := campaign.WriteOutputs(base, c, rs, sm); err != nil {
			return nil, err
		}
		campaign.PrintHeadline(e.stdout, sm)
		cd := float64(len(w.Pop)) * float64(c.Days) * float64(len(rs))
		fmt.Fprintf(e.stderr, "%s: %.1f s wall, %.3g citizen-days/s\n", c.Name, elapsed.Seconds(), cd/elapsed.Seconds())
		sums = append(sums, sm)
		out[c.Name] = map[string]any{"summary": sm, "wall_seconds": elapsed.Seconds(), "citizen_days_per_second": cd / elapsed.Seconds()}
		if cfg.counterfactual != "" {
			alt, _ := campaign.Without(c, strings.Split(cfg.counterfactual, ","))
			ars, err := campaign.RunReplicas(ctx, alt, w, cfg.seed, cfg.replicas, cfg.workers)
			if err != nil {
				return nil, err
			}
			asm := campaign.Summarise(alt, ars, cfg.seed)
			altDir := filepath.Join(sub, "without")
			if err := os.MkdirAll(altDir, 0o755); err != nil {
				return nil, err
			}
			if err := campaign.WriteOutputs(altDir, alt, ars, asm); err != nil {
				return nil, err
			}
			cs := campaign.Compare(rs, ars)
			if err := campaign.WriteFile(filepath.Join(sub, campaign.CounterfactualFile), func(wr io.Writer) error {
				return campaign.WriteContrasts(wr, cs)
			}); err != nil {
				return nil, err
			}
			fmt.Fprintf(e.stdout, "\ncounterfactual without %s: activated share by segment, with − without [95%% CI of the paired difference]\n", cfg.counterfactual)
			for _, x := range cs {
				if x.Metric != "activated_share" {
					continue
				}
				fmt.Fprintf(e.stdout, "  %-10s %-11s %5.1f%% vs %5.1f%%  diff %+5.1f pp [%+5.1f, %+5.1f]  bands separate: %v\n", x.Dimension, x.Value,
					100*x.Base.Mean, 100*x.Alt.Mean, 100*x.Diff.Mean, 100*x.Diff.CILow, 100*x.Diff.CIHigh, x.Separated)
			}
		}
	}
	if cfg.calibrate && len(sums) > 0 {
		if err := campaign.WriteFile(filepath.Join(dir, campaign.CalibrationCSV), func(w io.Writer) error {
			return campaign.WriteCalibrationCSV(w, sums)
		}); err != nil {
			return nil, err
		}
		if err := campaign.WriteFile(filepath.Join(dir, campaign.CalibrationMD), func(w io.Writer) error {
			return campaign.WriteCalibrationMD(w, sums)
		}); err != nil {
			return nil, err
		}
		fmt.Fprintln(e.stdout)
		if err := campaign.WriteCalibrationMD(e.stdout, sums); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func prepareWorld(c *campaign.Campaign, count int, seed uint64) (*campaign.World, error) {
	if count < 0 {
		return campaign.PrepareWorldFull(c, seed)
	}
	return campaign.PrepareWorld(c, count, seed)
}
