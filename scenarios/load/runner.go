package load

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/eidsim/eidsim/results"
)

// K6Exec runs one k6 process as k describes and reports how it ended: k6 writes its raw
// output to k.RawOut and its end-of-test summary to k.Env["EIDSIM_SUMMARY_FILE"], and its
// console to k.Output. Process runs the real binary; tests give a fake that writes the files.
type K6Exec interface {
	Run(ctx context.Context, k *K6) (Result, error)
}

// Process runs the k6 binary of K6.Binary (K6.Run).
type Process struct{}

// Run runs k.
func (Process) Run(ctx context.Context, k *K6) (Result, error) { return k.Run(ctx) }

// Runner runs a load scenario against a target into run directories (results.Run): once
// (Once), or as a search for the highest sustainable rate (FindMax). It writes the results
// types: a results.LoadStep or results.FindMaxResult as the manifest's result, the
// aggregate, and attack.json for an adversarial scenario.
type Runner struct {
	Scenario *Scenario
	// Target is the base URL of the service under test.
	Target string
	// Token is the operator token, given to k6 only in its environment.
	Token string
	// Population is the JSON Lines file the citizens are sampled from, with Seed.
	Population string
	Seed       uint64
	Segment    Segment
	// K6Binary is the k6 executable; Exec runs it (nil: Process).
	K6Binary string
	Exec     K6Exec
	// Scripts are the scenario scripts, copied into each run directory's scripts/ so that it
	// holds exactly what ran (scenarios/k6.Scripts).
	Scripts fs.FS
	// Journal returns the target's fault journal since a time, recorded in the manifest when
	// not nil (nil func: none).
	Journal func(since time.Time) any
	// Policy returns the target's policy for an adversarial scenario's summary (nil: from
	// the settings the manifest recorded).
	Policy func(ctx context.Context, run *results.Run) results.AttackPolicy
	// Log receives a find-max search's progress, a line per step (nil: none).
	Log io.Writer
	// Raw keeps k6's JSON output (results.RawFile) beside the streamed aggregate; Progress
	// receives a streaming run's progress every flush (stream.go).
	Raw      bool
	Progress func(Live)
	// Env is added to every run's script environment (a replay's EIDSIM_REPLAY).
	Env     map[string]string
	streams *bool

	// pre holds citizens sampled once for every step of a search (in rank order from
	// offset 0), so that the population is read once, not once per step.
	pre   map[string][]Sampled
	preSt SampleStats
}

// Outcome is how one run of a scenario ended.
type Outcome struct {
	Step results.LoadStep
	// Attack is an adversarial scenario's summary (nil for the others).
	Attack *results.Attack
	// Status is the manifest's status: passed, thresholds_failed, attack_succeeded or failed.
	Status string
}

// Once runs the scenario once with o into run: it samples the citizens, writes the scripts,
// runs k6, writes the aggregate (and attack.json), prints the summary to out when out is not
// nil, and finishes the manifest with the outcome. The error is the run's failure (k6 could
// not run, or its output could not be read) or the manifest's.
func (r *Runner) Once(ctx context.Context, run *results.Run, o Options, out io.Writer) (Outcome, error) {
	st, a, err := r.measure(ctx, run, o, 0, false, out)
	oc := Outcome{Step: st, Attack: a, Status: status(st, a, err)}
	if ctx.Err() != nil { // Ctrl-C or SIGTERM: k6 stopped, its record is complete (stream.go)
		oc.Status = results.StatusInterrupted
	}
	var res any
	if err == nil {
		res = st
	}
	return oc, r.finish(run, oc.Status, res, err)
}

// status is the manifest status of a run that ended with st, a and err.
func status(st results.LoadStep, a *results.Attack, err error) string {
	switch {
	case err != nil:
		return results.StatusFailed
	case st.ExitCode == ExitThresholds:
		return results.StatusThresholdsFailed
	case a != nil && a.Verdict.Succeeded:
		return results.StatusAttackSucceeded
	}
	return results.StatusPassed
}

// finish records a run's end in its manifest: the result (when not nil), the target's fault
// journal and the status. It returns err, or the manifest's error when err is nil.
func (r *Runner) finish(run *results.Run, status string, result any, err error) error {
	if result != nil {
		run.Manifest.Result = result
	}
	if r.Journal != nil {
		if f := r.Journal(run.Manifest.Started); f != nil {
			run.Manifest.Faults = f
		}
	}
	if ferr := run.Finish(status, time.Now(), err); ferr != nil && err == nil {
		return ferr
	}
	return err
}

// FindMax searches for the highest arrival rate of o that passes every threshold (see
// FindMax), each step a run of stepLen into run/steps/, and records the results.FindMaxResult
// in run's manifest. The citizens for every step are sampled in one pass first, disjoint
// from step to step while the sample lasts.
func (r *Runner) FindMax(ctx context.Context, run *results.Run, s Search, stepLen time.Duration, o Options) (results.FindMaxResult, error) {
	if err := r.presample(s, stepLen, o); err != nil {
		return results.FindMaxResult{}, r.finish(run, results.StatusFailed, nil, err)
	}
	offset := 0
	step := func(ctx context.Context, n int, rate float64, warm bool) (results.LoadStep, error) {
		so := o
		so.Rate, so.Duration = rate, stepLen
		label := fmt.Sprintf("step%02d", n)
		if warm {
			label = "warmup"
		}
		sm := run.Manifest
		sm.RunID, sm.Kind, sm.Options = fmt.Sprintf("%s-rate-%g", label, rate), results.KindFindMaxStep, map[string]any{"rate": rate, "duration": so.Duration.String()}
		sm.Result = nil
		sr, err := results.Create(run.Path(results.StepsDir), sm)
		if err != nil {
			return results.LoadStep{}, err
		}
		r.logf("find-max: %s at %g/s for %s …", label, rate, so.Duration)
		st, a, err := r.measure(ctx, sr, so, offset, true, nil)
		offset += r.Scenario.Planned(so)
		verdict := "passed"
		if !st.Passed {
			verdict = "FAILED thresholds"
		}
		if err != nil {
			verdict = "error: " + err.Error()
		}
		r.logf(" %s (p95 %.0f ms, p99 %.0f ms, failed %.2f%%, dropped %.0f, k6 CPU %.0f%%)\n",
			verdict, st.P95, st.P99, 100*st.ErrorRate, st.Dropped, 100*st.K6CPUShare)
		return st, r.finish(sr, status(st, a, err), st, err)
	}
	best, steps, err := FindMax(ctx, s, step)
	res := results.NewFindMaxResult(best, steps, run.Manifest.Hash)
	st := results.StatusPassed
	if err != nil {
		st = results.StatusFailed
	}
	return res, r.finish(run, st, res, err)
}

func (r *Runner) logf(format string, args ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format, args...)
	}
}

// Planned is the number of citizens a run of o draws from all pools together.
func (s *Scenario) Planned(o Options) int {
	n := 0
	for _, v := range s.Want(o) {
		n += v
	}
	return n
}
