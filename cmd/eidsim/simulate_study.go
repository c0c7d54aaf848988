package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/eidsim/eidsim/scenarios/campaign"
)

// simulate runs the campaign as a study (replicas, and the counterfactual) or a capacity
// search, and writes its outputs into dir.
func simulate(ctx context.Context, e *env, cfg *simulateConfig, dir string) (any, error) {
	c := cfg.campaigns[0]
	sub := dir
	if cfg.counterfactual != "" {
		sub = filepath.Join(dir, c.Name)
	}
	count := cfg.count
	if cfg.fullScale {
		count = -1 // every adult of the real area
	}
	w, err := prepareWorld(c, count, cfg.seed)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "%s: %s (scale %.4f), %d days from %s, %d replica(s) on %d worker(s)\n",
		c.Name, w.Source, w.Scale, c.Days, c.Start, cfg.replicas, cfg.workers)
	if cfg.capacity != "" {
		return capacitySearch(ctx, e, cfg, c, w, sub)
	}
	post, err := loadPosterior(cfg.posterior, c)
	if err != nil {
		return nil, err
	}
	if post != nil {
		fmt.Fprintf(e.stderr, "%s: each replica draws its parameters from the posterior (%d particles, %s)\n", c.Name, len(post.Particles), cfg.posterior)
	}
	st := &campaign.Study{Campaign: c, World: w, Seed: cfg.seed, Replicas: cfg.replicas, Workers: cfg.workers, Posterior: post}
	if cfg.counterfactual != "" {
		st.Counterfactual = strings.Split(cfg.counterfactual, ",")
	}
	if err := mkdirAll(sub); err != nil {
		return nil, err
	}
	res, err := st.Run(ctx, sub)
	if err != nil {
		return nil, err
	}
	campaign.PrintHeadline(e.stdout, res.Summary)
	fmt.Fprintf(e.stderr, "%s: %.1f s wall, %.3g citizen-days/s\n", c.Name, res.WallSeconds, res.CitizenDaysPerSecond)
	if len(st.Counterfactual) > 0 {
		campaign.PrintContrasts(e.stdout, st.Counterfactual, res.Contrasts)
	}
	return map[string]any{c.Name: res}, nil
}

func capacitySearch(ctx context.Context, e *env, cfg *simulateConfig, c *campaign.Campaign, w *campaign.World, sub string) (any, error) {
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
	switch {
	case res.Found && !res.Binds:
		fmt.Fprintf(e.stdout, "%s: %s does not limit %q (%s %d by %s): every probe down to %g met it\n", c.Name, res.Lever,
			res.Deadline, res.Metric, res.Target, res.Date, res.Answer)
	case res.Found:
		fmt.Fprintf(e.stdout, "%s: the fewest %s meeting %q (%s %d by %s) is %g (campaign has %g)\n", c.Name, res.Lever,
			res.Deadline, res.Metric, res.Target, res.Date, res.Answer, res.Current)
	default:
		fmt.Fprintf(e.stdout, "%s: no %s up to the search bound meets %q (%s %d by %s): demand, not %s, limits it\n",
			c.Name, res.Lever, res.Deadline, res.Metric, res.Target, res.Date, res.Lever)
	}
	return map[string]any{c.Name: res}, nil
}

func prepareWorld(c *campaign.Campaign, count int, seed uint64) (*campaign.World, error) {
	if count < 0 {
		return campaign.PrepareWorldFull(c, seed)
	}
	return campaign.PrepareWorld(c, count, seed)
}

// loadPosterior returns the posterior a plain run of c draws its replicas' parameters from
// (nil: the campaign's own values).
func loadPosterior(arg string, c *campaign.Campaign) (*campaign.Posterior, error) {
	switch arg {
	case "none":
		return nil, nil
	case "default":
		return campaign.DefaultPosterior()
	case "auto":
		p, err := campaign.DefaultPosterior()
		if err != nil {
			return nil, err
		}
		if own, err := p.SetsParams(c); err != nil || own {
			return nil, err
		}
		return p, nil
	}
	return campaign.ReadPosterior(arg)
}
