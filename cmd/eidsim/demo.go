package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/eidsim/eidsim/reference"
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
	parts  report.Demo
	notes  []string
}

func runDemo(ctx context.Context, e *env, args []string) error {
	cfg, err := parseDemo(commands["demo"], e, args)
	if err != nil {
		return err
	}
	start := time.Now()
	m := results.Manifest{
		RunID: results.NewRunID(start, "demo"), Kind: report.KindDemo, Command: append([]string{"eidsim", "demo"}, args...),
		Started: start.UTC(), Seed: cfg.seed, Hash: cfg.hash,
		Options:  map[string]any{"profile": cfg.profile, "count": cfg.count, "hash": cfg.hash, "sms": cfg.sms, "quick": cfg.quick},
		Versions: map[string]string{"eidsim": results.BuildVersion(), "go": runtime.Version()}, GitCommit: results.GitCommit(ctx), Host: results.HostInfo(),
	}
	run, err := results.Create(cfg.out, m)
	if err != nil {
		return exitErr(exitFailure, fmt.Errorf("run directory: %w", err))
	}
	logf, err := os.Create(run.Path("demo.log"))
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
	fmt.Fprintf(e.stderr, "eidsim demo: everything goes to %s (log: %s)\n", run.Dir, run.Path("demo.log"))

	runErr := d.steps(ctx, tok)
	d.stages.wait()

	status := results.StatusPassed
	if runErr != nil {
		status = results.StatusFailed
	}
	d.run.Manifest.Result = map[string]any{"parts": d.parts.Parts, "skipped": d.parts.Skipped}
	if err := report.WriteDemo(run.Dir, d.parts); err != nil && runErr == nil {
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

// steps runs the demo: population, service, load scenarios, simulation, reports. The
// service and the temporary files are gone when it returns.
func (d *demoRun) steps(ctx context.Context, token string) (err error) {
	tmp, err := os.MkdirTemp("", "eidsim-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// 1. The population.
	pop := filepath.Join(tmp, "population.jsonl")
	st := d.stages.start("population", fmt.Sprintf("%s, %d citizens", d.cfg.profile, d.cfg.count), time.Duration(d.cfg.count/4000+1)*time.Second)
	err = commands["generate"].run(ctx, d.sub, []string{"--profile", d.cfg.profile, "--count", strconv.FormatInt(d.cfg.count, 10),
		"--seed", strconv.FormatUint(d.cfg.seed, 10), "--out", pop, "--progress", "never"})
	st.done(err, "")
	if err != nil {
		return fmt.Errorf("generating the population: %w", err)
	}
	fi, _ := os.Stat(pop)
	d.run.Manifest.Population = &results.PopulationInfo{File: fmt.Sprintf("generated: eidsim generate --profile %s --count %d --seed %d (removed after the demo)",
		d.cfg.profile, d.cfg.count, d.cfg.seed), Lines: d.cfg.count, Bytes: fi.Size()}

	// 2. The reference service, on loopback, with SQLite in the temporary directory.
	st = d.stages.start("service", "import and listen on 127.0.0.1", time.Duration(d.cfg.count/3000+1)*time.Second)
	svc, err := startService(ctx, d.sub, &serveConfig{population: pop, addr: "127.0.0.1:0", data: filepath.Join(tmp, "data"),
		hash: d.cfg.hash, token: token, sim: true, sms: d.cfg.sms, seed: d.cfg.seed, drain: 5 * time.Second,
		lockout: reference.LockoutLock, loginAnswers: reference.AnswersExplicit,
		hashQueue: reference.DefaultPolicy().HashQueue, hashQueueWait: reference.DefaultPolicy().HashQueueWait})
	st.done(err, "")
	if err != nil {
		return fmt.Errorf("starting the reference service: %w", err)
	}
	defer func() {
		if cerr := svc.close(); cerr != nil && err == nil {
			err = fmt.Errorf("stopping the reference service: %w", cerr)
		}
	}()
	target := svc.http.URL()
	d.run.Manifest.Target = target
	if hash, settings, perr := probeTarget(ctx, target, token); perr == nil && settings != nil {
		d.run.Manifest.Hash, d.run.Manifest.TargetSettings = hash, settings
	} else if h, herr := reference.NewHasher(d.cfg.hash); herr == nil {
		// The service does not report its settings over HTTP; the demo started it with
		// this hasher, built by the same constructor.
		d.run.Manifest.Hash = h.Settings()
	}
	_ = d.run.WriteManifest()

	// 3. The load scenarios, driven by k6.
	if d.cfg.skipLoad {
		d.skip("load scenarios", "--skip-load was given")
	} else if k6, kerr := d.findK6(ctx); kerr != nil {
		d.skip("load scenarios", kerr.Error())
	} else {
		d.run.Manifest.Versions["k6"] = load.K6Version(ctx, k6)
		for _, l := range demoLoads(d.cfg.quick) {
			if err := ctx.Err(); err != nil {
				return err
			}
			expect := l.duration
			if expect == 0 {
				expect = load.Scenarios[l.scenario].Defaults.Duration
			}
			st := d.stages.start(l.scenario, "k6 against "+target, expect+4*time.Second)
			args := append([]string{l.scenario, "--target", target, "--population", pop, "--out", d.cfg.out, "--seed",
				strconv.FormatUint(d.cfg.seed, 10), "--k6", k6}, l.args()...)
			dir, rerr := d.runPart(ctx, "load", l.scenario, args)
			verdict := "thresholds passed"
			var xe *exitError
			switch {
			case errors.As(rerr, &xe) && xe.code == exitThreshold:
				verdict, rerr = "thresholds FAILED (a finding, see the report)", nil
			case rerr != nil:
				verdict = "error: " + rerr.Error()
			}
			st.done(nil, verdict)
			d.part(l.scenario, dir, rerr)
		}
	}

	// 4. The campaign simulation.
	simSt := d.stages.start("simulation", demoCampaign+" campaign, virtual clock", 45*time.Second)
	simDir, simErr := d.runPart(ctx, "simulate", "simulate", d.simulateArgs())
	simSt.done(simErr, "")
	d.part("simulation", simDir, simErr)

	// 5. The reports of every part; the demo's own report is written by the caller.
	st = d.stages.start("reports", "report.md and report.html of every run", 5*time.Second)
	for _, p := range d.parts.Parts {
		if _, _, rerr := report.Generate(filepath.Join(d.run.Dir, p.Dir)); rerr != nil {
			d.note(fmt.Sprintf("report of %s: %v", p.Name, rerr))
		}
	}
	st.done(nil, "")
	return ctx.Err()
}

// demoCampaign is the campaign the demo simulates, and demoCounterfactual the intervention
// it also simulates the campaign without (the clean-up of SIMs not registered in their
// user's name), to show what it changed for whom.
const (
	demoCampaign       = "dien-bien-2023"
	demoCounterfactual = "owner_cleanup"
)

// simulateArgs are the arguments of the demo's campaign simulation.
func (d *demoRun) simulateArgs() []string {
	args := []string{demoCampaign, "--out", d.cfg.out, "--seed", strconv.FormatUint(d.cfg.seed, 10), "--counterfactual", demoCounterfactual}
	if d.cfg.quick {
		return append(args, "--replicas", "2", "--count", "4000")
	}
	return append(args, "--replicas", "4")
}

// runPart runs a subcommand in process and returns the run directory it created under
// the output directory (the one new directory whose name contains label).
func (d *demoRun) runPart(ctx context.Context, cmd, label string, args []string) (string, error) {
	before := map[string]bool{}
	entries, _ := os.ReadDir(d.cfg.out)
	for _, en := range entries {
		before[en.Name()] = true
	}
	fmt.Fprintf(d.log, "\n$ eidsim %s %s\n", cmd, strings.Join(redactTokenArgs(args), " "))
	err := commands[cmd].run(ctx, d.sub, args)
	entries, _ = os.ReadDir(d.cfg.out)
	var made []string
	for _, en := range entries {
		if en.IsDir() && !before[en.Name()] && strings.Contains(en.Name(), label) {
			made = append(made, en.Name())
		}
	}
	sort.Strings(made)
	if len(made) == 0 {
		if err == nil {
			err = fmt.Errorf("eidsim %s made no run directory in %s", cmd, d.cfg.out)
		}
		return "", err
	}
	return made[len(made)-1], err
}

// part records a part that ran (dir relative to the output directory).
func (d *demoRun) part(name, dir string, err error) {
	if dir == "" {
		d.skip(name, fmt.Sprintf("it failed before writing a run directory: %v", err))
		return
	}
	p := report.DemoPart{Name: name, Dir: filepath.Join("..", dir)}
	if err != nil {
		p.Reason = "the run ended with an error: " + err.Error()
		d.note(name + ": " + err.Error())
	}
	d.parts.Parts = append(d.parts.Parts, p)
}

func (d *demoRun) skip(name, why string) {
	d.parts.Skipped = append(d.parts.Skipped, report.DemoPart{Name: name, Reason: why})
	fmt.Fprintf(d.log, "note: %s left out: %s\n", name, why)
}

func (d *demoRun) note(s string) {
	d.notes = append(d.notes, s)
	fmt.Fprintln(d.log, "note:", s)
}

// findK6 finds k6 as eidsim load does, else builds the version pinned in go.mod from the
// module cache into bin/k6 when run from the source tree.
func (d *demoRun) findK6(ctx context.Context) (string, error) {
	if p, err := load.FindK6(d.cfg.k6); err == nil {
		return p, nil
	} else if d.cfg.k6 != "" {
		return "", err
	}
	gobin, err := exec.LookPath("go")
	if err != nil || !fileExists("go.mod") {
		return "", errors.New("k6 not found and no Go toolchain and source tree to build it: run 'make k6' or pass --k6")
	}
	st := d.stages.start("k6", "go build go.k6.io/k6 (once)", 90*time.Second)
	cmd := exec.CommandContext(ctx, gobin, "build", "-o", filepath.Join("bin", "k6"), "go.k6.io/k6")
	cmd.Stdout, cmd.Stderr = d.log, d.log
	err = cmd.Run()
	st.done(err, "")
	if err != nil {
		return "", fmt.Errorf("building k6: %v (see %s)", err, d.run.Path("demo.log"))
	}
	return filepath.Join("bin", "k6"), nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
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

// stages shows the demo's steps: mpb progress bars on a terminal, one line per step
// otherwise.
type stages struct {
	p    *mpb.Progress
	w    io.Writer
	mu   sync.Mutex
	wg   sync.WaitGroup
	ctx  context.Context
	bars bool
}

func newStages(ctx context.Context, w io.Writer, bars bool) *stages {
	s := &stages{w: w, ctx: ctx, bars: bars}
	if bars {
		// Auto refresh also when --progress always writes to something not a terminal.
		s.p = mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(30), mpb.WithAutoRefresh())
	}
	return s
}

// stage is one step in progress.
type stage struct {
	s       *stages
	name    string
	bar     *mpb.Bar
	start   time.Time
	stop    chan struct{}
	mu      sync.Mutex
	verdict string
}

const stageTicks = 1000

// start shows a step that is expected to take about expect.
func (s *stages) start(name, what string, expect time.Duration) *stage {
	st := &stage{s: s, name: name, start: time.Now(), stop: make(chan struct{})}
	if !s.bars {
		fmt.Fprintf(s.w, "demo: %s (%s) …\n", name, what)
		return st
	}
	st.bar = s.p.AddBar(stageTicks,
		mpb.PrependDecorators(decor.Name(name, decor.WC{W: 16, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO, decor.WC{W: 6}), decor.Any(func(decor.Statistics) string {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.verdict != "" {
				return "  " + st.verdict
			}
			return "  " + what
		})))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-st.stop:
				return
			case <-s.ctx.Done():
				return
			case <-t.C:
				frac := float64(time.Since(st.start)) / float64(expect)
				st.bar.SetCurrent(int64(min(0.99, frac) * stageTicks))
			}
		}
	}()
	return st
}

// done ends a step with err (nil when it worked) and an optional verdict.
func (st *stage) done(err error, verdict string) {
	close(st.stop)
	if err != nil {
		verdict = "failed: " + err.Error()
	}
	if verdict == "" {
		verdict = "done"
	}
	took := time.Since(st.start).Round(100 * time.Millisecond)
	st.mu.Lock()
	st.verdict = verdict
	st.mu.Unlock()
	if st.bar == nil {
		fmt.Fprintf(st.s.w, "demo: %s %s in %s\n", st.name, verdict, took)
		return
	}
	if err != nil {
		st.bar.Abort(false)
		return
	}
	st.bar.SetCurrent(stageTicks)
}

func (s *stages) wait() {
	s.wg.Wait()
	if s.p != nil {
		s.p.Wait()
	}
}
