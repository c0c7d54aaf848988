package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/eidsim/eidsim/generators/profile"
	"github.com/eidsim/eidsim/generators/synth"
)

func init() {
	register(&command{
		name:    "generate",
		summary: "generate a synthetic population of a province (JSON Lines or CSV)",
		usage: "--profile NAME|FILE --count N --seed S [--out FILE] [--format jsonl|csv]\n" +
			"                [--shard i/n] [--workers N] [--validate]",
		run: runGenerate,
	})
}

type generateConfig struct {
	profile  string
	count    int64
	seed     uint64
	out      string
	format   string
	shard    int
	shards   int
	workers  int
	validate bool
	progress string
}

func parseGenerate(c *command, e *env, args []string) (*generateConfig, error) {
	cfg := &generateConfig{}
	fs := newFlagSet(c, e)
	fs.StringVar(&cfg.profile, "profile", "", "a built-in profile name (see 'eidsim profiles') or a profile YAML file: `NAME|FILE`")
	count := fs.String("count", "", "number of citizens `N` (a plain integer)")
	seed := fs.String("seed", "1", "seed `S` (unsigned integer); the same seed gives the same bytes")
	fs.StringVar(&cfg.out, "out", "", "output `FILE` (default stdout); a manifest FILE.manifest.json is written beside it")
	fs.StringVar(&cfg.format, "format", "", "output format: jsonl or csv (default from the --out extension, else jsonl)")
	shard := fs.String("shard", "", "generate only shard `i/n` of the population (shards concatenate to the whole)")
	fs.IntVar(&cfg.workers, "workers", 0, "generator goroutines (default the number of CPUs; the output does not depend on it)")
	fs.BoolVar(&cfg.validate, "validate", false, "print every control of the profile against the generated population, and the correlations")
	fs.StringVar(&cfg.progress, "progress", "auto", "progress bar on stderr: auto (only on a terminal), always or never")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usageErr("unexpected argument %q", rest[0])
	}
	if cfg.profile == "" {
		return nil, usageErr("--profile NAME|FILE is required (built-in: %s)", strings.Join(profile.Builtin(), ", "))
	}
	if *count == "" {
		return nil, usageErr("--count N is required")
	}
	n, err := strconv.ParseInt(*count, 10, 64)
	if err != nil || n <= 0 {
		return nil, usageErr("--count: %q is not a positive integer", *count)
	}
	if n > synth.MaxCount {
		return nil, usageErr("--count: %d exceeds the maximum %d", n, int64(synth.MaxCount))
	}
	cfg.count = n
	if cfg.seed, err = strconv.ParseUint(*seed, 10, 64); err != nil {
		return nil, usageErr("--seed: %q is not an unsigned integer", *seed)
	}
	if *shard != "" {
		i, k, ok := strings.Cut(*shard, "/")
		a, err1 := strconv.Atoi(i)
		b, err2 := strconv.Atoi(k)
		if !ok || err1 != nil || err2 != nil || b < 1 || a < 1 || a > b {
			return nil, usageErr("--shard: %q is not i/n with 1 ≤ i ≤ n", *shard)
		}
		if int64(b) > cfg.count {
			return nil, usageErr("--shard: %d shards for %d citizens", b, cfg.count)
		}
		cfg.shard, cfg.shards = a, b
	}
	if cfg.format == "" {
		cfg.format = synth.FormatJSONL
		if strings.EqualFold(filepath.Ext(cfg.out), ".csv") {
			cfg.format = synth.FormatCSV
		}
	}
	if cfg.format != synth.FormatJSONL && cfg.format != synth.FormatCSV {
		return nil, usageErr("--format: %q is not jsonl or csv", cfg.format)
	}
	if cfg.workers < 0 || cfg.workers > 1024 {
		return nil, usageErr("--workers: %d is out of range", cfg.workers)
	}
	switch cfg.progress {
	case "auto", "always", "never":
	default:
		return nil, usageErr("--progress: %q is not auto, always or never", cfg.progress)
	}
	return cfg, nil
}

func runGenerate(ctx context.Context, e *env, args []string) error {
	cfg, err := parseGenerate(commands["generate"], e, args)
	if err != nil {
		return err
	}
	return generate(ctx, e, cfg)
}
