package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

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

// Manifest describes a generated file; it is written beside it as FILE.manifest.json.
type Manifest struct {
	Generator        string `json:"generator"`
	Version          string `json:"version"`
	Profile          string `json:"profile"`
	ProfileFile      string `json:"profile_file"`
	ProfileSHA256    string `json:"profile_sha256"`
	Snapshot         string `json:"snapshot"`
	Seed             uint64 `json:"seed"`
	Count            int64  `json:"count"`
	Shard            string `json:"shard,omitempty"`
	First            int64  `json:"first_index"`
	Lines            int64  `json:"lines"`
	Format           string `json:"format"`
	Output           string `json:"output"`
	Bytes            int64  `json:"bytes"`
	PasswordPoolSize int    `json:"password_pool_size"`
	Validation       *struct {
		Controls int  `json:"controls"`
		Failed   int  `json:"failed"`
		OK       bool `json:"ok"`
	} `json:"validation,omitempty"`
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func runGenerate(ctx context.Context, e *env, args []string) error {
	cfg, err := parseGenerate(commands["generate"], e, args)
	if err != nil {
		return err
	}
	prof, err := profile.Load(cfg.profile)
	if err != nil {
		var pe *profile.Error
		if errors.As(err, &pe) {
			return usageErr("%v", err)
		}
		return err
	}
	model, err := synth.NewModel(prof, cfg.seed)
	if err != nil {
		return usageErr("%v", err)
	}
	pop, err := model.NewPopulation(cfg.count)
	if err != nil {
		return usageErr("--count: %v", err)
	}
	opts := synth.Options{Shard: cfg.shard, Shards: cfg.shards, Workers: cfg.workers, Format: cfg.format, Tally: cfg.validate}
	lo, hi, err := pop.Range(opts)
	if err != nil {
		return usageErr("--shard: %v", err)
	}

	// Output: a temporary file renamed into place when complete, or stdout.
	var dst io.Writer = e.stdout
	var f *os.File
	var tmp string
	if cfg.out != "" {
		dir := filepath.Dir(cfg.out)
		f, err = os.CreateTemp(dir, "."+filepath.Base(cfg.out)+".*.tmp")
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		tmp = f.Name()
		_ = f.Chmod(0o644)
		defer func() {
			if tmp != "" {
				f.Close()
				os.Remove(tmp)
			}
		}()
		dst = f
	}
	// Workers hand over chunks of ~2 MB, so the chunks are written as they are (no extra
	// buffering, no extra copy).
	cw := &countingWriter{w: dst}

	var bar *mpb.Bar
	var progress *mpb.Progress
	if showProgress(cfg.progress, e.stderr) {
		progress = mpb.NewWithContext(ctx, mpb.WithOutput(e.stderr), mpb.WithWidth(40),
			mpb.ContainerOptional(mpb.WithAutoRefresh(), cfg.progress == "always"))
		bar = progress.AddBar(hi-lo,
			mpb.PrependDecorators(decor.Name(prof.Name+" "), decor.CountersNoUnit("%d / %d")),
			mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.AverageSpeed(0, "%.0f/s")),
		)
		opts.Progress = func(n int64) { bar.IncrInt64(n) }
	}
	tally, err := pop.Write(ctx, cw, opts)
	if progress != nil {
		if err != nil {
			bar.Abort(false)
		}
		progress.Wait()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return exitErr(exitFailure, errors.New("interrupted; no output file written"))
		}
		return fmt.Errorf("writing population: %w", err)
	}
	if f != nil {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		if err := os.Rename(tmp, cfg.out); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		tmp = ""
	}

	var report io.Writer = e.stderr
	if cfg.out != "" {
		report = e.stdout
	}
	man := Manifest{
		Generator: "eidsim generate", Version: synth.Version, Profile: prof.Name, ProfileFile: prof.File,
		ProfileSHA256: prof.SHA256, Snapshot: prof.Snapshot, Seed: cfg.seed, Count: cfg.count, First: lo,
		Lines: hi - lo, Format: cfg.format, Output: cfg.out, Bytes: cw.n, PasswordPoolSize: synth.PasswordPoolSize,
	}
	if cfg.shards > 0 {
		man.Shard = fmt.Sprintf("%d/%d", cfg.shard, cfg.shards)
	}
	if cfg.validate {
		v := model.Validate(tally)
		title := prof.Title
		if man.Shard != "" {
			title += ", shard " + man.Shard
		}
		v.Print(report, title, tally.N)
		ok, checked, failed := v.AllOK()
		man.Validation = &struct {
			Controls int  `json:"controls"`
			Failed   int  `json:"failed"`
			OK       bool `json:"ok"`
		}{checked, failed, ok}
	}
	if cfg.out != "" {
		b, _ := json.MarshalIndent(man, "", "  ")
		b = append(b, '\n')
		mf := cfg.out + ".manifest.json"
		if err := writeFileAtomic(mf, b); err != nil {
			return fmt.Errorf("manifest: %w", err)
		}
	}
	return nil
}

func showProgress(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_ = f.Chmod(0o644)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
