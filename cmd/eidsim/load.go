package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

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
	// raw keeps k6's JSON output; progress is auto, always or never (loadprogress.go).
	raw      bool
	progress string
	replay   *replayFlags // replay.go
	// exec runs k6 (nil: the k6 process; tests give a fake).
	exec load.K6Exec
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
	fs.BoolVar(&cfg.raw, "raw", false, "also keep k6's raw JSON output (k6-raw.json.gz) beside the streamed aggregate (docs/streaming.md)")
	fs.StringVar(&cfg.progress, "progress", "auto", "progress line on stderr (elapsed, rate, errors): auto (only on a terminal), always or never")
	cfg.replay = addReplayFlags(fs)
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
	if err := cfg.replay.apply(cfg, &o, args); err != nil {
		return nil, err
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
	if cfg.progress != "auto" && cfg.progress != "always" && cfg.progress != "never" {
		return nil, usageErr("--progress: %q is not auto, always or never", cfg.progress)
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
