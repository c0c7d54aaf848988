package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/eidsim/eidsim/generators/profile"
	"github.com/eidsim/eidsim/generators/synth"
)

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

// generate writes the population cfg describes: to cfg.out (a temporary file renamed into
// place when complete, with FILE.manifest.json beside it) or to stdout, printing the
// validation when asked.
func generate(ctx context.Context, e *env, cfg *generateConfig) error {
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
		b, err := json.MarshalIndent(man, "", "  ")
		if err != nil {
			return fmt.Errorf("manifest: %w", err)
		}
		if err := writeFileAtomic(cfg.out+".manifest.json", append(b, '\n')); err != nil {
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
