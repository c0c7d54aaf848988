package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/results/report"
	"github.com/eidsim/eidsim/scenarios/load"
)

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
	gen, err := parseGenerate(commands["generate"], d.sub, []string{"--profile", d.cfg.profile, "--count", strconv.FormatInt(d.cfg.count, 10),
		"--seed", strconv.FormatUint(d.cfg.seed, 10), "--out", pop, "--progress", "never"})
	if err == nil {
		err = generate(ctx, d.sub, gen)
	}
	st.done(err, "")
	if err != nil {
		return fmt.Errorf("generating the population: %w", err)
	}
	fi, err := os.Stat(pop)
	if err != nil {
		return fmt.Errorf("the generated population: %w", err)
	}
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
	if err := d.run.WriteManifest(); err != nil {
		return err
	}

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
			dir, rerr := d.load(ctx, args)
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
	simDir, simErr := d.simulate(ctx, d.simulateArgs())
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

// load runs eidsim load in process and returns its run directory relative to the output
// directory ("" when it failed before making one).
func (d *demoRun) load(ctx context.Context, args []string) (string, error) {
	fmt.Fprintf(d.log, "\n$ eidsim load %s\n", strings.Join(redactTokenArgs(args), " "))
	cfg, err := parseLoad(commands["load"], d.sub, args)
	if err != nil {
		return "", err
	}
	cfg.exec = d.k6exec
	dir, err := startLoad(ctx, d.sub, cfg)
	if dir == "" {
		return "", err
	}
	rel, rerr := filepath.Rel(d.cfg.out, dir)
	if rerr != nil {
		return "", errors.Join(err, rerr)
	}
	return rel, err
}

// simulate runs eidsim simulate in process and returns the run directory it created under
// the output directory: the one new directory whose name contains "simulate". (The
// simulate command does not hand its run directory back; load does, see load.)
func (d *demoRun) simulate(ctx context.Context, args []string) (string, error) {
	before := map[string]bool{}
	entries, _ := os.ReadDir(d.cfg.out)
	for _, en := range entries {
		before[en.Name()] = true
	}
	fmt.Fprintf(d.log, "\n$ eidsim simulate %s\n", strings.Join(args, " "))
	err := commands["simulate"].run(ctx, d.sub, args)
	entries, rerr := os.ReadDir(d.cfg.out)
	if rerr != nil {
		return "", errors.Join(err, rerr)
	}
	var made []string
	for _, en := range entries {
		if en.IsDir() && !before[en.Name()] && strings.Contains(en.Name(), "simulate") {
			made = append(made, en.Name())
		}
	}
	sort.Strings(made)
	if len(made) == 0 {
		if err == nil {
			err = fmt.Errorf("eidsim simulate made no run directory in %s", d.cfg.out)
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
	p := results.DemoPart{Name: name, Dir: filepath.Join("..", dir)}
	if err != nil {
		p.Reason = "the run ended with an error: " + err.Error()
		d.note(name + ": " + err.Error())
	}
	d.parts.Parts = append(d.parts.Parts, p)
}

func (d *demoRun) skip(name, why string) {
	d.parts.Skipped = append(d.parts.Skipped, results.DemoPart{Name: name, Reason: why})
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
		return "", fmt.Errorf("building k6: %v (see %s)", err, d.run.Path(results.DemoLogFile))
	}
	return filepath.Join("bin", "k6"), nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
