package main

import (
	"flag"
	"fmt"
	"path/filepath"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/load"
	"github.com/eidsim/eidsim/scenarios/replay"
)

// replayFlags are the flags of `eidsim load replay` (docs/replay.md): which simulated day,
// how much of it and how fast.
type replayFlags struct {
	from, day, compress string
	fraction            float64
	plan                *results.ReplayPlan
}

// addReplayFlags declares the replay flags on fs (they are refused for other scenarios).
func addReplayFlags(fs *flag.FlagSet) *replayFlags {
	r := &replayFlags{}
	fs.StringVar(&r.from, "from-simulation", "", "replay: the simulation run `DIR` (eidsim simulate) whose day to replay")
	fs.StringVar(&r.day, "day", "busiest", "replay: the simulated `DATE` (YYYY-MM-DD) or busiest (the most sessions of all flows)")
	fs.Float64Var(&r.fraction, "fraction", 1, "replay: the share of the simulated full-scale rates to ask for, in (0, 1]")
	fs.StringVar(&r.compress, "compress", "24h:30m", "replay: `FROM:TO`, play FROM of simulated time in TO (rates × FROM/TO)")
	return r
}

// apply checks the replay flags for the parsed scenario and, for replay, makes the plan: the
// scenario sized for it, the options' duration the replayed day, the rate its busiest hour.
func (r *replayFlags) apply(cfg *loadConfig, o *load.Options, args []string) error {
	if cfg.scenario.Name != "replay" {
		for _, f := range []string{"from-simulation", "day", "fraction", "compress"} {
			if flagGiven(args, f) {
				return usageErr("--%s is for the replay scenario only (eidsim load replay --from-simulation DIR)", f)
			}
		}
		return nil
	}
	if r.from == "" {
		return usageErr("replay: missing --from-simulation DIR (a simulation run directory of one campaign)")
	}
	c, err := replay.ParseCompress(r.compress)
	if err != nil {
		return usageErr("%v", err)
	}
	if !(r.fraction > 0 && r.fraction <= 1) {
		return usageErr("--fraction %s: want a share in (0, 1]", flagValue(args, "fraction"))
	}
	sim, err := replay.ReadSimulation(r.from)
	if err != nil {
		return usageErr("%v", err)
	}
	day, err := sim.Day(r.day)
	if err != nil {
		return usageErr("%v", err)
	}
	abs, _ := filepath.Abs(r.from)
	p, err := day.Plan(abs, sim.Campaign, r.fraction, c)
	if err != nil {
		return usageErr("%v", err)
	}
	if flagGiven(args, "duration") || flagGiven(args, "rate") {
		return usageErr("replay: --rate and --duration come from the simulated day (use --fraction and --compress)")
	}
	r.plan = &p
	cfg.scenario = load.ReplayScenario(p)
	o.Duration, o.Rate = p.Duration(), p.PeakAsked()
	return nil
}

// env is the replay's script environment (nil for another scenario).
func (r *replayFlags) env() map[string]string {
	if r == nil || r.plan == nil {
		return nil
	}
	return map[string]string{"EIDSIM_REPLAY": r.plan.Env()}
}

// record names the simulation in the run's manifest and writes the plan into the run
// directory, and prints what is replayed.
func (r *replayFlags) record(e *env, run *results.Run) error {
	if r == nil || r.plan == nil {
		return nil
	}
	p := r.plan
	run.Manifest.Options["from_simulation"] = p.Simulation
	run.Manifest.Options["replay_day"] = p.Date
	run.Manifest.Options["fraction"] = p.Fraction
	run.Manifest.Options["compress"] = p.Compress
	if err := run.WriteManifest(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "eidsim load: replaying %s of %s (%s) at %g of its rates, %s (×%g): an hour in %s, peak %.1f iterations/s asked\n",
		p.Date, p.Campaign, p.Simulation, p.Fraction, p.Compress, p.Factor, p.Hour.Duration, p.PeakAsked())
	return results.WriteReplayPlan(run.Dir, *p)
}
