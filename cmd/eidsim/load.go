package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	k6scripts "github.com/eidsim/eidsim/scenarios/k6"
	"github.com/eidsim/eidsim/scenarios/load"
)

func init() {
	register(&command{
		name:    "load",
		summary: "run a k6 load scenario against the reference service or any base URL implementing reference/openapi.yaml",
		usage: "SCENARIO --target URL --population FILE [--rate R] [--duration D] [--vus N] [--otp-wait D]\n" +
			"             [--seed S] [--find-max] [--segment i/n] [--out DIR] [--operator-token T | --data DIR] [--allow-remote]\n\n" +
			"scenarios: " + strings.Join(load.Names(), ", "),
		run: runLoad,
	})
}

// loadConfig is what `eidsim load` is told.
type loadConfig struct {
	scenario    *load.Scenario
	target      string
	population  string
	opts        load.Options
	seed        uint64
	findMax     bool
	search      load.Search
	stepLen     time.Duration
	segment     load.Segment
	out         string
	token       string
	data        string
	allowRemote bool
	k6          string
	args        []string
}

func parseLoad(c *command, e *env, args []string) (*loadConfig, error) {
	cfg := &loadConfig{args: args}
	fs := newFlagSet(c, e)
	fs.StringVar(&cfg.target, "target", "http://127.0.0.1:8080", "base `URL` of the service under test")
	fs.StringVar(&cfg.population, "population", "", "population `FILE` (JSON Lines) the service was started with")
	rate := fs.Float64("rate", 0, "peak arrival rate, iterations/s (default: the scenario's; smoke 1, login-throughput 20, deadline-surge 20, recovery-storm 10, counter-enrolment 5); with --find-max the first rate tried")
	dur := fs.Duration("duration", 0, "how long the load lasts (default: the scenario's; 30s, deadline-surge 48s = one day at 2 s/hour)")
	vus := fs.Int("vus", 0, "most virtual users per k6 scenario (default: the scenario's, 300–400)")
	otpWait := fs.Duration("otp-wait", 0, "how long a citizen watches the handset for an OTP (default 20s; smoke 30s)")
	mix := fs.String("mix", "", "flow shares overriding the scenario's, as `name=share,…` (e.g. new_device=0.2,wrong_password=0.05)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the citizen draw and of every choice the virtual users make")
	fs.BoolVar(&cfg.findMax, "find-max", false, "search the highest arrival rate that passes every threshold (step up, then bisect)")
	inc := fs.Float64("find-max-increment", 0, "find-max: rate added after each passing step (default: the start rate)")
	fs.Float64Var(&cfg.search.Resolution, "find-max-resolution", 1, "find-max: stop when the increment is halved below this rate")
	fs.IntVar(&cfg.search.MaxSteps, "find-max-steps", 12, "find-max: most measured steps")
	fs.BoolVar(&cfg.search.WarmUp, "find-max-warm-up", true, "find-max: run one unmeasured warm-up step at the start rate")
	fs.DurationVar(&cfg.stepLen, "step-duration", 20*time.Second, "find-max: duration of each step")
	seg := fs.String("segment", "", "run only k6 execution segment `i/n` (1 ≤ i ≤ n); merge the parts with eidsim report --merge")
	fs.StringVar(&cfg.out, "out", "results", "`DIR` under which the run directory is created")
	fs.StringVar(&cfg.token, "operator-token", "", "the service's operator `TOKEN`, sent on every /sim/ and counter call (default $EIDSIM_OPERATOR_TOKEN, else DIR/operator-token of --data for a loopback target)")
	fs.StringVar(&cfg.data, "data", defaultData, "`DIR` of the local eidsim serve whose operator-token file to read when no token is given")
	fs.BoolVar(&cfg.allowRemote, "allow-remote", false, "allow a target that is not on the loopback interface")
	fs.StringVar(&cfg.k6, "k6", "", "k6 `BINARY` (default $EIDSIM_K6, else k6 beside eidsim, else bin/k6, else PATH)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, usageErr("missing SCENARIO (one of %s)", strings.Join(load.Names(), ", "))
	}
	if len(rest) > 1 {
		return nil, usageErr("unexpected argument %q after the scenario", rest[1])
	}
	sc, err := load.Lookup(rest[0])
	if err != nil {
		return nil, usageErr("%v", err)
	}
	cfg.scenario = sc
	o := sc.Defaults
	for _, f := range []struct {
		name string
		bad  bool
		want string
	}{
		{"rate", *rate < 0 || (*rate == 0 && flagGiven(args, "rate")), "iterations per second, more than 0"},
		{"duration", *dur < 0 || (*dur == 0 && flagGiven(args, "duration")), "a positive duration such as 30s or 5m"},
		{"vus", *vus < 0 || (*vus == 0 && flagGiven(args, "vus")), "at least 1 virtual user"},
		{"otp-wait", *otpWait < 0 || (*otpWait == 0 && flagGiven(args, "otp-wait")), "a positive duration such as 20s"},
	} {
		if f.bad {
			return nil, usageErr("--%s %s: want %s", f.name, flagValue(args, f.name), f.want)
		}
	}
	if *rate > 0 {
		o.Rate = *rate
	}
	if *dur > 0 {
		o.Duration = *dur
	}
	if *vus > 0 {
		o.VUs = *vus
	}
	if *otpWait > 0 {
		o.OTPWait = *otpWait
	}
	if o.Duration > 24*time.Hour {
		return nil, usageErr("--duration %v: at most 24h", o.Duration)
	}
	if *mix != "" {
		if o.Mix, err = parseMix(*mix); err != nil {
			return nil, usageErr("--mix: %v", err)
		}
		if err := load.CheckMix(sc.Name, o.Mix); err != nil {
			return nil, usageErr("--mix: %v", err)
		}
	}
	cfg.opts = o
	if *seg != "" {
		if cfg.segment, err = load.ParseSegment(*seg); err != nil {
			return nil, usageErr("--segment: %v", err)
		}
	}
	if cfg.findMax {
		if !sc.FindMax {
			return nil, usageErr("--find-max: scenario %s has no single arrival rate to search (use login-throughput or counter-enrolment)", sc.Name)
		}
		if !cfg.segment.Whole() {
			return nil, usageErr("--find-max and --segment cannot be combined: the search needs every instance's thresholds")
		}
		cfg.search.Start = o.Rate
		cfg.search.Increment = *inc
		if cfg.search.Increment == 0 {
			cfg.search.Increment = o.Rate
		}
		if err := cfg.search.Validate(); err != nil {
			return nil, usageErr("%v", err)
		}
		if cfg.stepLen < 10*time.Second || cfg.stepLen > 10*time.Minute {
			return nil, usageErr("--step-duration %v: want 10s…10m", cfg.stepLen)
		}
	}
	if cfg.k6 == "" {
		cfg.k6 = e.getenv("EIDSIM_K6")
	}
	if err := checkTarget(cfg.target, cfg.allowRemote); err != nil {
		return nil, usageErr("--target: %v", err)
	}
	if cfg.population == "" {
		return nil, usageErr("missing --population FILE (the population the service was started with)")
	}
	if st, err := os.Stat(cfg.population); err != nil {
		return nil, usageErr("--population %s: no such file", cfg.population)
	} else if st.IsDir() {
		return nil, usageErr("--population %s is a directory; give the JSON Lines file", cfg.population)
	}
	if cfg.k6 != "" {
		if _, err := load.FindK6(cfg.k6); err != nil {
			return nil, usageErr("--k6: %v", err)
		}
	}
	// Every scenario reads the handsets (/sim/); counter scenarios call the counter too.
	if cfg.token, err = clientToken(e, cfg.token, cfg.data, cfg.target); err != nil {
		return nil, err
	}
	return cfg, nil
}

// flagValue returns the value given to --name in args, for messages.
func flagValue(args []string, name string) string {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// parseMix parses name=share,… with shares in [0,1].
func parseMix(s string) (map[string]float64, error) {
	m := map[string]float64{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || k == "" || err != nil || f < 0 || f > 1 {
			return nil, fmt.Errorf("%q: want name=share with a share in [0,1]", kv)
		}
		m[k] = f
	}
	return m, nil
}

// checkTarget accepts an http(s) URL whose host is a loopback address (or "localhost"),
// any host when remote is allowed.
func checkTarget(target string, remote bool) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want http://HOST:PORT or https://HOST:PORT", target)
	}
	if remote {
		return nil
	}
	host := u.Hostname()
	if loopbackHost(host) {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address; load goes only to 127.0.0.1 or ::1 unless --allow-remote is given (and you have the owner's permission)", host)
}

// probeTarget checks GET /healthz and asks the target for its settings (GET /sim/settings,
// with the operator token). A target that refuses the token is an error: every scenario
// reads the handsets under /sim/ with it. It returns the hash settings to record (or a note
// that the target did not report them) and the whole settings document when there was one.
func probeTarget(ctx context.Context, target, token string) (hash any, settings json.RawMessage, err error) {
	client := &http.Client{Timeout: 5 * time.Second}
	base := strings.TrimRight(target, "/")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("target %s unreachable: %v", target, unwrapURLError(err))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("target %s: GET /healthz answered %s", target, resp.Status)
	}
	hash = "unknown (target did not report)"
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+"/sim/settings", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = client.Do(req)
	if err != nil {
		return hash, nil, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		return nil, nil, fmt.Errorf("target %s refused the operator token (GET /sim/settings answered %s); give the token the service was started with", target, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK || !json.Valid(b) {
		return hash, nil, nil
	}
	var s struct {
		Hash json.RawMessage `json:"hash"`
	}
	if json.Unmarshal(b, &s) == nil && len(s.Hash) > 0 && string(s.Hash) != "null" {
		hash = s.Hash
	}
	return hash, b, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func runLoad(ctx context.Context, e *env, args []string) error {
	c := commands["load"]
	cfg, err := parseLoad(c, e, args)
	if err != nil {
		var un *load.ErrUnavailable
		if errors.As(err, &un) {
			return usageErr("%v", un)
		}
		return err
	}
	hash, settings, err := probeTarget(ctx, cfg.target, cfg.token)
	if err != nil {
		return exitErr(exitFailure, err)
	}
	warning, err := checkWorld(settings, cfg.population)
	if err != nil {
		return err
	}
	if warning != "" {
		fmt.Fprintln(e.stderr, "eidsim load: warning:", warning)
	}
	k6bin, err := load.FindK6(cfg.k6)
	if err != nil {
		return exitErr(exitFailure, err)
	}

	kind := "load"
	if cfg.findMax {
		kind = "find-max"
	}
	label := cfg.scenario.Name
	if !cfg.segment.Whole() {
		label += fmt.Sprintf("-seg%dof%d", cfg.segment.I, cfg.segment.N)
	}
	m := results.Manifest{
		RunID: results.NewRunID(time.Now(), label), Kind: kind, Command: append([]string{"eidsim", "load"}, redactTokenArgs(cfg.args)...),
		Scenario: cfg.scenario.Name, Started: time.Now().UTC(), Target: cfg.target, Options: loadOptionsMap(cfg),
		Hash: hash, TargetSettings: settings, Seed: cfg.seed, Segment: cfg.segment.String(),
		Versions:  map[string]string{"eidsim": results.BuildVersion(), "k6": load.K6Version(ctx, k6bin), "go": runtime.Version()},
		GitCommit: results.GitCommit(ctx), Host: results.HostInfo(),
	}
	run, err := results.Create(cfg.out, m)
	if err != nil {
		return exitErr(exitFailure, fmt.Errorf("run directory: %w", err))
	}
	fmt.Fprintf(e.stderr, "eidsim load: %s → %s (run %s)\n", cfg.scenario.Name, cfg.target, run.Dir)
	r := &loadRunner{cfg: cfg, e: e, k6: k6bin}
	if cfg.findMax {
		return r.findMax(ctx, run)
	}
	step, err := r.once(ctx, run, cfg.opts, 0, false, e.stdout)
	return r.finish(run, step, err)
}

// loadRunner runs k6 for one configuration.
type loadRunner struct {
	cfg *loadConfig
	e   *env
	k6  string
	// pre, when set, holds citizens sampled once for every step of a search (in rank order
	// from offset 0), so that the population is read once, not once per step.
	pre   map[string][]load.Sampled
	preSt load.SampleStats
	// attack is the last run's adversarial summary (nil for other scenarios).
	attack *results.Attack
}

// presample samples, in one pass, enough citizens for every step of a --find-max search at
// the highest rate it can reach.
func (r *loadRunner) presample() error {
	s := r.cfg.search
	o := r.cfg.opts
	o.Rate, o.Duration = s.Start+s.Increment*float64(s.MaxSteps), r.cfg.stepLen
	want := map[string]int{}
	for k, v := range r.cfg.scenario.Want(o) {
		want[k] = min(v*(s.MaxSteps+1), load.MaxSample)
	}
	pools, st, err := load.SampleFile(r.cfg.population, r.cfg.seed, 0, want)
	if err != nil {
		return fmt.Errorf("population: %w", err)
	}
	r.pre, r.preSt = pools, st
	return nil
}

// slice returns want[pool] presampled citizens of each pool from rank offset on. When the
// sample is used up (a small population), it starts again from the top: the steps then reuse
// citizens, as a run longer than its sample does.
func (r *loadRunner) slice(want map[string]int, offset int) (map[string][]load.Sampled, load.SampleStats) {
	out := map[string][]load.Sampled{}
	st := load.SampleStats{Lines: r.preSt.Lines, Eligible: r.preSt.Eligible, Sampled: map[string]int{}}
	for name, n := range want {
		all := r.pre[name]
		if len(all) == 0 {
			out[name] = []load.Sampled{}
			continue
		}
		got := make([]load.Sampled, 0, min(n, len(all)))
		for i := 0; i < min(n, len(all)); i++ {
			got = append(got, all[(offset+i)%len(all)])
		}
		out[name] = got
		st.Sampled[name] = len(got)
	}
	return out, st
}

// once runs the scenario once into run's directory: sample the citizens (skipping the first
// offset of each pool's order), write the scripts, run k6, aggregate its raw output and
// print the summary.
func (r *loadRunner) once(ctx context.Context, run *results.Run, o load.Options, offset int, findMax bool, out io.Writer) (results.LoadStep, error) {
	sc := r.cfg.scenario
	want := sc.Want(o)
	var pools map[string][]load.Sampled
	var pst load.SampleStats
	if r.pre != nil {
		pools, pst = r.slice(want, offset)
	} else {
		var err error
		if pools, pst, err = load.SampleFile(r.cfg.population, r.cfg.seed, offset, want); err != nil {
			return results.LoadStep{}, fmt.Errorf("population: %w", err)
		}
	}
	fi, _ := os.Stat(r.cfg.population)
	run.Manifest.Population = &results.PopulationInfo{File: r.cfg.population, Lines: pst.Lines, Bytes: fi.Size(), Sampled: pst.Sampled, Eligible: pst.Eligible}
	if err := run.WriteManifest(); err != nil {
		return results.LoadStep{}, err
	}
	for _, name := range loadKeys(want) {
		if need := sc.MinCitizens(name); len(pools[name]) < need {
			return results.LoadStep{}, fmt.Errorf("population %s has %d citizens eligible for pool %s (%s) beyond the first %d; %s needs %d",
				r.cfg.population, pst.Eligible[name], name, load.Pools[name].Doc, offset, sc.Name, need)
		}
	}
	if err := load.WritePools(run.Dir, pools); err != nil {
		return results.LoadStep{}, err
	}
	scriptDir := run.Path("scripts")
	if err := writeLoadScripts(scriptDir); err != nil {
		return results.LoadStep{}, err
	}
	absDir, err := filepath.Abs(run.Dir)
	if err != nil {
		return results.LoadStep{}, err
	}
	logf, err := os.Create(run.Path(results.StdoutFile))
	if err != nil {
		return results.LoadStep{}, err
	}
	defer logf.Close()
	var w io.Writer = logf
	if out != nil {
		w = io.MultiWriter(logf, out)
	}
	k := load.K6{
		Binary: r.k6, Script: filepath.Join(absDir, "scripts", sc.Script),
		Env:       load.ScriptEnv(r.cfg.target, absDir, filepath.Join(absDir, results.SummaryFile), r.cfg.seed, o, findMax),
		SecretEnv: map[string]string{"EIDSIM_OPERATOR_TOKEN": r.cfg.token},
		RawOut:    filepath.Join(absDir, results.RawFile), Segment: r.cfg.segment, Output: w,
	}
	res, err := k.Run(ctx)
	if err != nil {
		return results.LoadStep{}, err
	}
	code := res.ExitCode
	run.Manifest.ExitCode = &code
	step := results.LoadStep{Rate: o.Rate, ExitCode: code, Passed: code == 0, Dir: run.Dir, K6MaxRSS: res.MaxRSSKiB}
	if res.Wall > 0 {
		step.K6CPUShare = res.CPU.Seconds() / res.Wall.Seconds() / float64(runtime.NumCPU())
	}
	agg, aerr := results.ReadK6JSONFile(k.RawOut)
	if aerr == nil {
		aerr = results.WriteAggregate(run.Dir, agg)
	}
	if aerr != nil {
		return step, fmt.Errorf("k6 output: %w", aerr)
	}
	api, t := agg.APILatency(), agg.Totals()
	step.P50, step.P95, step.P99 = api.Quantile(0.5), api.Quantile(0.95), api.Quantile(0.99)
	step.Requests, step.ErrorRate, step.Dropped = t.Requests, t.Failed.Rate(), t.Dropped
	if s := o.Duration.Seconds(); s > 0 {
		step.Achieved = t.Iterations / s
	}
	if out != nil {
		fmt.Fprintln(out)
		agg.PrintSummary(out)
		agg.PrintOutcomes(out)
		fmt.Fprintf(out, "\nk6: exit %d, CPU %.1fs over %.1fs wall (%.0f%% of %d cores), peak RSS %.0f MiB\n",
			code, res.CPU.Seconds(), res.Wall.Seconds(), 100*step.K6CPUShare, runtime.NumCPU(), float64(res.MaxRSSKiB)/1024)
	}
	a, aerr := attackSummary(ctx, run, r.cfg, k.RawOut, out)
	if aerr != nil {
		return step, fmt.Errorf("attack summary: %w", aerr)
	}
	r.attack = a
	if code != 0 && code != load.ExitThresholds {
		return step, fmt.Errorf("k6 exited with code %d (see %s)", code, run.Path(results.StdoutFile))
	}
	return step, nil
}

// finish records the outcome of a single run and maps it to the exit code.
func (r *loadRunner) finish(run *results.Run, step results.LoadStep, err error) error {
	status := results.StatusPassed
	switch {
	case err != nil:
		status = results.StatusFailed
	case step.ExitCode == load.ExitThresholds:
		status = results.StatusThresholdsFailed
	case r.attack != nil && r.attack.Verdict.Succeeded:
		status = results.StatusAttackSucceeded
	}
	if err == nil {
		run.Manifest.Result = step
	}
	if f := faultJournal(context.Background(), r.cfg.target, r.cfg.token, run.Manifest.Started); f != nil {
		run.Manifest.Faults = f
	}
	if ferr := run.Finish(status, time.Now(), err); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return exitErr(exitFailure, err)
	}
	if status == results.StatusThresholdsFailed {
		return exitErr(exitThreshold, fmt.Errorf("thresholds failed (run %s)", run.Dir))
	}
	// An adversarial run has no thresholds: its verdict decides (results.AttackVerdict).
	if a := r.attack; a != nil {
		if a.Verdict.Succeeded {
			return exitErr(exitThreshold, fmt.Errorf("%s (run %s)", a.Verdict, run.Dir))
		}
		fmt.Fprintf(r.e.stderr, "eidsim load: %s (run %s)\n", a.Verdict, run.Dir)
		return nil
	}
	fmt.Fprintf(r.e.stderr, "eidsim load: thresholds passed (run %s)\n", run.Dir)
	return nil
}

func (r *loadRunner) findMax(ctx context.Context, run *results.Run) error {
	if err := r.presample(); err != nil {
		return r.finish(run, results.LoadStep{}, err)
	}
	offset := 0
	stepsRoot := run.Path("steps")
	runStep := func(ctx context.Context, n int, rate float64, warm bool) (results.LoadStep, error) {
		o := r.cfg.opts
		o.Rate, o.Duration = rate, r.cfg.stepLen
		label := fmt.Sprintf("step%02d", n)
		if warm {
			label = "warmup"
		}
		sm := run.Manifest
		sm.RunID, sm.Kind, sm.Options = fmt.Sprintf("%s-rate-%g", label, rate), "find-max-step", map[string]any{"rate": rate, "duration": o.Duration.String()}
		sr, err := results.Create(stepsRoot, sm)
		if err != nil {
			return results.LoadStep{}, err
		}
		fmt.Fprintf(r.e.stderr, "find-max: %s at %g/s for %s …", label, rate, o.Duration)
		st, err := r.once(ctx, sr, o, offset, true, nil)
		offset += loadPlanned(r.cfg.scenario, o)
		verdict := "passed"
		if !st.Passed {
			verdict = "FAILED thresholds"
		}
		if err != nil {
			verdict = "error: " + err.Error()
		}
		fmt.Fprintf(r.e.stderr, " %s (p95 %.0f ms, p99 %.0f ms, failed %.2f%%, dropped %.0f, k6 CPU %.0f%%)\n",
			verdict, st.P95, st.P99, 100*st.ErrorRate, st.Dropped, 100*st.K6CPUShare)
		status := results.StatusPassed
		if !st.Passed {
			status = results.StatusThresholdsFailed
		}
		if err != nil {
			status = results.StatusFailed
		}
		sr.Manifest.Result = st
		if f := faultJournal(context.Background(), r.cfg.target, r.cfg.token, sr.Manifest.Started); f != nil {
			sr.Manifest.Faults = f
		}
		if ferr := sr.Finish(status, time.Now(), err); ferr != nil && err == nil {
			err = ferr
		}
		return st, err
	}
	best, steps, err := load.FindMax(ctx, r.cfg.search, runStep)
	res := results.NewFindMaxResult(best, steps, run.Manifest.Hash)
	run.Manifest.Result = res
	status := results.StatusPassed
	if err != nil {
		status = results.StatusFailed
	}
	if f := faultJournal(context.Background(), r.cfg.target, r.cfg.token, run.Manifest.Started); f != nil {
		run.Manifest.Faults = f
	}
	if ferr := run.Finish(status, time.Now(), err); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		return exitErr(exitFailure, err)
	}
	hb, _ := json.Marshal(run.Manifest.Hash)
	if !res.Bracketed {
		fmt.Fprintf(r.e.stdout, "no step failed within --find-max-steps %d: the rate below is a lower bound; start higher or allow more steps\n", r.cfg.search.MaxSteps)
	}
	fmt.Fprintf(r.e.stdout, "max sustainable rate of %s: %g/s (p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, http_req_failed %.2f%%, dropped %.0f, k6 CPU %.0f%% of %d cores)\nhash settings: %s\nsteps: %d (run %s)\n",
		r.cfg.scenario.Name, best.Rate, best.P50, best.P95, best.P99, 100*best.ErrorRate, best.Dropped, 100*best.K6CPUShare, runtime.NumCPU(), hb, len(steps), run.Dir)
	return nil
}

// loadPlanned is the number of citizens a run of o draws from all pools together.
func loadPlanned(sc *load.Scenario, o load.Options) int {
	n := 0
	for _, v := range sc.Want(o) {
		n += v
	}
	return n
}

func loadKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// writeScripts copies the embedded scenario scripts into dir, so the run directory holds
// exactly what ran.
func writeLoadScripts(dir string) error {
	return fs.WalkDir(k6scripts.Scripts, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := k6scripts.Scripts.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

func loadOptionsMap(cfg *loadConfig) map[string]any {
	m := map[string]any{
		"rate": cfg.opts.Rate, "duration": cfg.opts.Duration.String(), "vus": cfg.opts.VUs, "otp_wait": cfg.opts.OTPWait.String(),
	}
	if len(cfg.opts.Mix) > 0 {
		m["mix"] = cfg.opts.Mix
	}
	if cfg.findMax {
		m["find_max"] = map[string]any{"start": cfg.search.Start, "increment": cfg.search.Increment, "resolution": cfg.search.Resolution,
			"max_steps": cfg.search.MaxSteps, "warm_up": cfg.search.WarmUp, "step_duration": cfg.stepLen.String()}
	}
	return m
}

// redactArgs hides the operator token in the recorded command line.
func redactTokenArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		switch {
		case strings.HasPrefix(a, "--operator-token=") || strings.HasPrefix(a, "-operator-token="):
			out[i] = a[:strings.IndexByte(a, '=')+1] + "REDACTED"
		case (a == "--operator-token" || a == "-operator-token") && i+1 < len(out):
			out[i+1] = "REDACTED"
		}
	}
	return out
}
