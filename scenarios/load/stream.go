package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/results/report"
)

// stream.go: k6 with eidsim's output extension (scenarios/k6/x/eidsimout). When the k6 binary
// has it, a run streams its aggregate into results.StreamFile and k6 keeps no Trend sinks
// (--no-thresholds --summary-mode=disabled): eidsim judges the thresholds on the histograms,
// stops k6 through its REST API when an abortOnFail threshold fails, and shows the run's
// progress. k6's JSON output (results.RawFile) is written only when asked for (Runner.Raw)
// or when the binary is a stock k6, which then runs as before (its own thresholds and
// end-of-test summary).

// StreamOutputName is how `k6 version` lists the extension.
const StreamOutputName = "eidsim [output]"

// HasStreamOutput reports whether the k6 binary has eidsim's output extension compiled in.
func HasStreamOutput(ctx context.Context, binary string) bool {
	out, err := exec.CommandContext(ctx, binary, "version").Output()
	return err == nil && strings.Contains(string(out), StreamOutputName)
}

// outputArgs are the k6 flags of the outputs k asks for.
func (k *K6) outputArgs() []string {
	var a []string
	if k.Stream != "" {
		a = append(a, "--out", "eidsim="+k.Stream, "--no-thresholds", "--summary-mode=disabled")
	}
	if k.RawOut != "" {
		a = append(a, "--out", "json="+k.RawOut)
	}
	return a
}

// outputs sets k's outputs in run directory absDir: the stream when the binary has the
// extension (checked once per Runner), the raw JSON output when r.Raw or without it.
func (r *Runner) outputs(ctx context.Context, k *K6, absDir string) {
	if r.streams == nil {
		has := HasStreamOutput(ctx, r.K6Binary)
		r.streams = &has
	}
	k.RawOut = ""
	if *r.streams && !needsK6Summary(k) {
		k.Stream = filepath.Join(absDir, results.StreamFile)
	}
	if r.Raw || k.Stream == "" {
		k.RawOut = filepath.Join(absDir, results.RawFile)
	}
}

// needsK6Summary reports whether the script prints a figure only k6's end-of-test summary
// computes: rp-login's compare mode (--mix compare=1) prints its logins/s per mode from
// handleSummary, which a streamed run (--summary-mode=disabled) never calls. Such a run uses
// k6's stock outputs.
func needsK6Summary(k *K6) bool {
	return k.Env["EIDSIM_RP_COMPARE"] == "1" || strings.Contains(strings.ReplaceAll(k.Env["EIDSIM_MIX"], " ", ""), `"compare":1`)
}

// readOutput reads what k6 recorded of the run: the stream when k streamed, else the raw
// output.
func readOutput(k *K6) (*results.K6Output, results.StreamMeta, error) {
	if k.Stream != "" {
		o, meta, err := results.ReadStreamDir(filepath.Dir(k.Stream))
		if errors.Is(err, os.ErrNotExist) {
			err = fmt.Errorf("k6 wrote no %s: it did not start the test (see %s)", results.StreamFile, results.StdoutFile)
		}
		return o, meta, err
	}
	o, err := results.ReadK6File(k.RawOut)
	return o, results.StreamMeta{}, err
}

// judge gives a streamed run k6's exit code for its thresholds: ExitThresholds when one
// failed (or the watcher stopped k6 for an abortOnFail threshold), and prints the verdict
// lines k6's end-of-test summary printed to w. A run that did not stream keeps k6's code.
func judge(w io.Writer, k *K6, raw *results.K6Output, meta results.StreamMeta, code int, aborted string) int {
	if k.Stream == "" {
		return code
	}
	agg, err := raw.Aggregate()
	if err != nil {
		return code
	}
	j := report.JudgeThresholds(agg, meta.Thresholds, meta.Checks)
	fmt.Fprint(w, j.String())
	if aborted != "" {
		fmt.Fprintf(w, "k6 stopped early: %s\n", aborted)
	}
	if (!j.Passed() || aborted != "") && code == 0 {
		return ExitThresholds
	}
	return code
}

// Live is a running k6's progress, read from the stream every flush.
type Live struct {
	Elapsed time.Duration
	// Rate is the iterations per second over the last few seconds; Iterations all so far.
	Rate, Iterations float64
	// Failed is the share of requests that failed so far; Dropped the iterations k6 could
	// not start.
	Failed, Dropped float64
	// Final is true when k6 wrote its last copy.
	Final bool
}

// liveOf sums up a stream copy.
func liveOf(o *results.K6Output, meta results.StreamMeta) Live {
	l := Live{Elapsed: meta.Written.Sub(meta.Started), Final: meta.Final}
	agg, err := o.Aggregate()
	if err != nil {
		return l
	}
	t := agg.Totals()
	l.Iterations, l.Failed, l.Dropped = t.Iterations, t.Failed.Rate(), t.Dropped
	var recent []float64
	for _, s := range meta.Iterations {
		for i, v := range s {
			for len(recent) <= i {
				recent = append(recent, 0)
			}
			recent[i] += v
		}
	}
	// The last complete seconds (the current one is still filling).
	if n := len(recent) - 1; n > 0 {
		lo := max(0, n-5)
		var sum float64
		for _, v := range recent[lo:n] {
			sum += v
		}
		l.Rate = sum / float64(n-lo)
	}
	return l
}

// runK6 runs k with its outputs set (outputs) and, when it streams, a watcher for its
// progress and abortOnFail thresholds. aborted says why the watcher stopped k6 ("" when it
// did not).
func (r *Runner) runK6(ctx context.Context, exec K6Exec, k *K6, absDir string) (Result, string, error) {
	r.outputs(ctx, k, absDir)
	for key, v := range r.Env {
		k.Env[key] = v
	}
	if k.Stream == "" {
		res, err := exec.Run(ctx, k)
		return res, "", err
	}
	if k.APIAddress == "" {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return Result{}, "", fmt.Errorf("a port for k6's REST API: %w", err)
		}
		k.APIAddress = addr
	}
	wctx, cancel := context.WithCancel(context.Background())
	w := startWatch(wctx, k, r.Progress)
	res, err := exec.Run(ctx, k)
	aborted := w.finish(cancel)
	if r.Progress != nil { // the last word, so that a progress bar ends
		l := Live{Final: true}
		if o, meta, err := results.ReadStreamDir(absDir); err == nil {
			l = liveOf(o, meta)
			l.Final = true
		}
		r.Progress(l)
	}
	return res, aborted, err
}
