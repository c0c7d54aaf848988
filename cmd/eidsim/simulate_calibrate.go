package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/calibrate"
	"github.com/eidsim/eidsim/scenarios/campaign"
)

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

// calibrateRun is --calibrate, --validate, --shard and --merge: it prepares the problem (the
// campaigns' populations, once), reads or starts the calibration state, and runs the step
// asked for. The finished calibration's records go into dir.
func calibrateRun(ctx context.Context, e *env, cfg *simulateConfig, dir string) (any, error) {
	count := cfg.count
	if count == 0 {
		count = defaultCalibCount
	}
	start := time.Now()
	fmt.Fprintf(e.stderr, "preparing the populations of %d campaigns (%d citizens each)…\n", len(cfg.campaigns), count)
	prob, err := calibrate.NewProblem(ctx, cfg.campaigns, count, cfg.seed)
	if err != nil {
		return nil, err
	}
	ccfg := prob.Config(cfg.particles, cfg.rounds, defaultMinAccept, cfg.seed)
	fmt.Fprintf(e.stderr, "calibrating %d parameters on %d evidence points of %d campaigns, %d citizens each; %d particles, up to %d rounds, %d worker(s)\n",
		len(prob.Space), len(prob.Points), len(prob.Campaigns), count, cfg.particles, cfg.rounds, cfg.workers)
	stateDir := cfg.state
	if stateDir == "" {
		stateDir = dir
	} else if err := mkdirAll(stateDir); err != nil {
		return nil, err
	}
	st, err := calibrate.ReadState(stateDir)
	if err != nil {
		return nil, err
	}
	if st == nil {
		if st, err = calibrate.NewState(ccfg); err != nil {
			return nil, err
		}
	} else if st.Config.Model != ccfg.Model || st.Config.Particles != ccfg.Particles || st.Config.Seed != ccfg.Seed {
		return nil, usageErr("--state %s holds another calibration (model %s, %d particles, seed %d); this one is model %s, %d particles, seed %d",
			stateDir, st.Config.Model, st.Config.Particles, st.Config.Seed, ccfg.Model, ccfg.Particles, ccfg.Seed)
	}
	if st.Done && cfg.calibrate && !cfg.validate && st.Round < ccfg.Rounds && st.Acceptance != nil &&
		st.Acceptance[len(st.Acceptance)-1] >= ccfg.MinAcceptance {
		st.Done, st.Stop = false, "" // more rounds asked of a calibration that stopped at its round limit
	}
	st.Config.Rounds = ccfg.Rounds
	pr := newCalibProgress(ctx, e.stderr, cfg.progress)
	defer pr.stop()
	save := func(s *calibrate.State) error { return calibrate.WriteState(stateDir, s) }
	switch {
	case cfg.shards > 0:
		if st.Done {
			return nil, fmt.Errorf("--state %s: the calibration is finished (%s); nothing to shard", stateDir, st.Stop)
		}
		path, err := calibrate.RunShard(ctx, stateDir, st, prob, cfg.shard, cfg.shards, cfg.workers, pr)
		pr.stop()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stdout, "shard %d/%d of round %d written to %s\n", cfg.shard, cfg.shards, st.NextRound(), path)
		return map[string]any{"shard": path, "round": st.NextRound()}, nil
	case cfg.merge:
		if st, err = calibrate.Merge(stateDir, st); err != nil {
			return nil, err
		}
		if err := save(st); err != nil {
			return nil, err
		}
		pr.Merged(st)
		if !st.Done {
			fmt.Fprintf(e.stdout, "round %d merged; run the shards of round %d next\n", st.Round, st.NextRound())
			return map[string]any{"round": st.Round, "done": false}, nil
		}
	case !st.Done:
		st, err = calibrate.Run(ctx, st, prob, cfg.workers, pr, save)
		pr.stop()
		if err != nil {
			if ctx.Err() != nil && st.Round >= 0 {
				// Leave the record of what was finished: the last merged round.
				sum := calibrate.Summarise(prob, st)
				sum.Interrupted = true
				_ = writeCalibration(dir, prob, st, sum)
			}
			return nil, err
		}
	}
	sum := calibrate.Summarise(prob, st)
	if cfg.validate || cfg.calibrate || cfg.merge {
		sum.Validation = calibrate.Validate(prob, st)
	}
	if err := writeCalibration(dir, prob, st, sum); err != nil {
		return nil, err
	}
	if stateDir != dir {
		if err := calibrate.WriteState(dir, st); err != nil {
			return nil, err
		}
	}
	calibrate.PrintSummary(e.stdout, sum)
	wall := time.Since(start).Seconds()
	fmt.Fprintf(e.stderr, "calibration: %d model runs, %.0f s wall (%.2f s per run on %d worker(s))\n", st.Runs(), wall, wall/float64(max(1, st.Runs())), cfg.workers)
	return map[string]any{"model_runs": st.Runs(), "wall_seconds": wall, "rounds": st.Round, "stop": st.Stop,
		"coverage": coverageOf(sum), "posterior": filepath.Join(dir, results.PosteriorFile)}, nil
}

func coverageOf(s *results.CalibrationSummary) any {
	if s.Validation == nil {
		return nil
	}
	return s.Validation.Coverage
}

// writeCalibration writes the posterior and the calibration's summary into dir.
func writeCalibration(dir string, prob *calibrate.Problem, st *calibrate.State, sum *results.CalibrationSummary) error {
	if err := campaign.WriteJSON(filepath.Join(dir, results.PosteriorFile), calibrate.Posterior(prob, st)); err != nil {
		return err
	}
	return campaign.WriteJSON(filepath.Join(dir, results.CalibrationSummaryFile), sum)
}
