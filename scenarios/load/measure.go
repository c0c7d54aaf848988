package load

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/eidsim/eidsim/results"
)

// measure runs the scenario once into run's directory: prepare its inputs, run k6, reduce
// its raw output in one pass to the aggregate (and an adversarial scenario's attack.json),
// and print the summary to out when out is not nil. A k6 exit other than 0 or
// ExitThresholds is an error.
func (r *Runner) measure(ctx context.Context, run *results.Run, o Options, offset int, findMax bool, out io.Writer) (results.LoadStep, *results.Attack, error) {
	if err := r.prepare(run, o, offset); err != nil {
		return results.LoadStep{}, nil, err
	}
	absDir, err := filepath.Abs(run.Dir)
	if err != nil {
		return results.LoadStep{}, nil, err
	}
	logf, err := os.Create(run.Path(results.StdoutFile))
	if err != nil {
		return results.LoadStep{}, nil, err
	}
	defer logf.Close()
	var w io.Writer = logf
	if out != nil {
		w = io.MultiWriter(logf, out)
	}
	k := &K6{
		Binary: r.K6Binary, Script: filepath.Join(absDir, results.ScriptsDir, r.Scenario.Script),
		Env:       ScriptEnv(r.Target, absDir, filepath.Join(absDir, results.SummaryFile), r.Seed, o, findMax),
		SecretEnv: map[string]string{"EIDSIM_OPERATOR_TOKEN": r.Token},
		RawOut:    filepath.Join(absDir, results.RawFile), Segment: r.Segment, Output: w,
	}
	var exec K6Exec = Process{}
	if r.Exec != nil {
		exec = r.Exec
	}
	res, aborted, err := r.runK6(ctx, exec, k, absDir) // stream.go
	if err != nil {
		return results.LoadStep{}, nil, err
	}
	raw, meta, rerr := readOutput(k) // the stream, else the raw output
	if rerr == nil {
		res.ExitCode = judge(w, k, raw, meta, res.ExitCode, aborted)
	}
	code := res.ExitCode
	run.Manifest.ExitCode = &code
	step, a, err := r.reduce(ctx, run, raw, rerr, res, o, out)
	if err != nil {
		return step, a, err
	}
	if code != 0 && code != ExitThresholds && ctx.Err() == nil { // interrupted: k6's own exit code
		return step, a, fmt.Errorf("k6 exited with code %d (see %s)", code, run.Path(results.StdoutFile))
	}
	return step, a, nil
}

// prepare writes a run's inputs: the citizens sampled for each pool (skipping the first
// offset of each pool's order; from the search's sample when there is one), recorded in the
// manifest, and the scripts. Too few eligible citizens for a pool is an error naming it.
func (r *Runner) prepare(run *results.Run, o Options, offset int) error {
	sc := r.Scenario
	want := sc.Want(o)
	var pools map[string][]Sampled
	var pst SampleStats
	if r.pre != nil {
		pools, pst = r.slice(want, offset)
	} else {
		var err error
		if pools, pst, err = SampleFile(r.Population, r.Seed, offset, want); err != nil {
			return fmt.Errorf("population: %w", err)
		}
	}
	fi, err := os.Stat(r.Population)
	if err != nil {
		return fmt.Errorf("population: %w", err)
	}
	run.Manifest.Population = &results.PopulationInfo{File: r.Population, Lines: pst.Lines, Bytes: fi.Size(), Sampled: pst.Sampled, Eligible: pst.Eligible}
	if err := run.WriteManifest(); err != nil {
		return err
	}
	for _, name := range sortedKeys(want) {
		if need := sc.MinCitizens(name); len(pools[name]) < need {
			return fmt.Errorf("population %s has %d citizens eligible for pool %s (%s) beyond the first %d; %s needs %d",
				r.Population, pst.Eligible[name], name, Pools[name].Doc, offset, sc.Name, need)
		}
	}
	if err := WritePools(run.Dir, pools); err != nil {
		return err
	}
	return r.writeScripts(run.Path(results.ScriptsDir))
}

// reduce takes what k6 recorded (raw, or the error reading it): the aggregate (written to the run directory) gives the
// step's figures, and an adversarial scenario's points its attack.json. It prints the
// summary to out when out is not nil.
func (r *Runner) reduce(ctx context.Context, run *results.Run, raw *results.K6Output, err error, res Result, o Options, out io.Writer) (results.LoadStep, *results.Attack, error) {
	step := results.LoadStep{Rate: o.Rate, ExitCode: res.ExitCode, Passed: res.ExitCode == 0, Dir: run.Dir, K6MaxRSS: res.MaxRSSKiB}
	if res.Wall > 0 {
		step.K6CPUShare = res.CPU.Seconds() / res.Wall.Seconds() / float64(runtime.NumCPU())
	}
	var agg *results.Aggregate
	if err == nil {
		agg, err = raw.Aggregate()
	}
	if err == nil {
		err = results.WriteAggregate(run.Dir, agg)
	}
	if err != nil {
		return step, nil, fmt.Errorf("k6 output: %w", err)
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
			res.ExitCode, res.CPU.Seconds(), res.Wall.Seconds(), 100*step.K6CPUShare, runtime.NumCPU(), float64(res.MaxRSSKiB)/1024)
	}
	if !r.Scenario.Attack {
		return step, nil, nil
	}
	a, err := r.attack(ctx, run, raw, out)
	if err != nil {
		return step, nil, fmt.Errorf("attack summary: %w", err)
	}
	return step, a, nil
}

// attack reduces an adversarial scenario's points to attack.json in the run directory and,
// when out is not nil, prints it: the attacker's odds per vector, the defences that fired
// and the scenario's own figures. Its Verdict decides the run's status.
func (r *Runner) attack(ctx context.Context, run *results.Run, raw *results.K6Output, out io.Writer) (*results.Attack, error) {
	p := results.AttackPolicyFrom(run.Manifest.TargetSettings)
	if r.Policy != nil {
		p = r.Policy(ctx, run)
	}
	a := raw.Attack(r.Scenario.Name, p)
	if err := results.WriteAttack(run.Dir, a); err != nil {
		return nil, err
	}
	if out != nil {
		a.Print(out)
	}
	return a, nil
}

// presample samples, in one pass, enough citizens for every step of a search s with steps of
// stepLen at the highest rate it can reach.
func (r *Runner) presample(s Search, stepLen time.Duration, o Options) error {
	o.Rate, o.Duration = s.Start+s.Increment*float64(s.MaxSteps), stepLen
	want := map[string]int{}
	for k, v := range r.Scenario.Want(o) {
		want[k] = min(v*(s.MaxSteps+1), MaxSample)
	}
	pools, st, err := SampleFile(r.Population, r.Seed, 0, want)
	if err != nil {
		return fmt.Errorf("population: %w", err)
	}
	r.pre, r.preSt = pools, st
	return nil
}

// slice returns want[pool] presampled citizens of each pool from rank offset on. When the
// sample is used up (a small population), it starts again from the top: the steps then reuse
// citizens, as a run longer than its sample does.
func (r *Runner) slice(want map[string]int, offset int) (map[string][]Sampled, SampleStats) {
	out := map[string][]Sampled{}
	st := SampleStats{Lines: r.preSt.Lines, Eligible: r.preSt.Eligible, Sampled: map[string]int{}}
	for name, n := range want {
		all := r.pre[name]
		if len(all) == 0 {
			out[name] = []Sampled{}
			continue
		}
		got := make([]Sampled, 0, min(n, len(all)))
		for i := 0; i < min(n, len(all)); i++ {
			got = append(got, all[(offset+i)%len(all)])
		}
		out[name] = got
		st.Sampled[name] = len(got)
	}
	return out, st
}

// writeScripts copies the scripts into dir, so the run directory holds exactly what ran.
func (r *Runner) writeScripts(dir string) error {
	if r.Scripts == nil {
		return fmt.Errorf("load: the runner has no scripts")
	}
	return fs.WalkDir(r.Scripts, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(r.Scripts, p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}
