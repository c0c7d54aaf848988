package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ExitThresholds is k6's exit code when thresholds failed.
const ExitThresholds = 99

// K6 describes one k6 run.
type K6 struct {
	// Binary is the k6 executable.
	Binary string
	// Script is the path of the scenario script.
	Script string
	// Env is passed to the script with -e (and to the process environment).
	Env map[string]string
	// SecretEnv is passed only in the process environment (k6 shows it to the script as
	// __ENV), never on the command line.
	SecretEnv map[string]string
	// RawOut is the path of k6's JSON output (gzip when it ends in .gz); empty: none.
	RawOut string
	// Stream is the path of the eidsim output's aggregate (results.StreamFile); empty: none
	// (stream.go).
	Stream string
	// Segment is the execution segment to run.
	Segment Segment
	// Output receives k6's stdout and stderr.
	Output io.Writer
	// APIAddress is where k6 serves its REST API (HOST:PORT). Empty means a free loopback
	// port chosen at Run, so that runs side by side (segments on one machine, several
	// engineers) do not meet on k6's fixed default 6565.
	APIAddress string
}

// Args returns k6's command line after the binary.
func (k *K6) Args() []string {
	args := append([]string{"run", "--quiet", "--no-color"}, k.outputArgs()...)
	if k.APIAddress != "" {
		args = append(args, "--address", k.APIAddress)
	}
	args = append(args, k.Segment.K6Args()...)
	keys := make([]string, 0, len(k.Env))
	for key := range k.Env {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		args = append(args, "-e", key+"="+k.Env[key])
	}
	return append(args, k.Script)
}

// freeLoopbackAddr returns a loopback address with a port nobody listens on now.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Result is how a k6 process ended.
type Result struct {
	ExitCode int
	// Wall is the elapsed time; CPU the user+system time of k6 itself.
	Wall, CPU time.Duration
	// MaxRSSKiB is k6's peak resident memory, when the platform reports it.
	MaxRSSKiB int64
}

// Run runs k6 to the end (or until ctx is done). A non-zero exit of k6 is not an error: it
// is in Result.ExitCode. An error means k6 could not be started.
func (k *K6) Run(ctx context.Context) (Result, error) {
	if k.APIAddress == "" {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return Result{}, fmt.Errorf("a port for k6's REST API: %w", err)
		}
		k.APIAddress = addr
	}
	cmd := exec.CommandContext(ctx, k.Binary, k.Args()...)
	cmd.Env = append(os.Environ(),
		"K6_AUTO_EXTENSION_RESOLUTION=false", // offline and reproducible: only the pinned k6
		"K6_NO_USAGE_REPORT=true",            // no phoning home
		"K6_WEB_DASHBOARD=false",
	)
	for _, key := range sortedKeys(k.SecretEnv) {
		cmd.Env = append(cmd.Env, key+"="+k.SecretEnv[key])
	}
	cmd.Stdout = k.Output
	cmd.Stderr = k.Output
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.SysProcAttr = k6ProcAttr() // procattr_*.go: one interrupt, from eidsim
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	err := cmd.Run()
	res := Result{Wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		res.ExitCode = ps.ExitCode()
		res.CPU = ps.UserTime() + ps.SystemTime()
		res.MaxRSSKiB = maxRSS(ps)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return res, fmt.Errorf("starting k6 (%s): %w", k.Binary, err)
	}
	return res, nil
}

// FindK6 returns the k6 binary to use: explicit (a flag or $EIDSIM_K6) when given, else k6
// next to the running executable, else bin/k6 under the current directory, else k6 on PATH.
func FindK6(explicit string) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", fmt.Errorf("k6 binary %s: %w", explicit, err)
		}
		return explicit, nil
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "k6")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		tried = append(tried, p)
	}
	if st, err := os.Stat(filepath.Join("bin", "k6")); err == nil && !st.IsDir() {
		return filepath.Join("bin", "k6"), nil
	}
	tried = append(tried, "bin/k6")
	if p, err := exec.LookPath("k6"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("k6 not found (tried %s and PATH): run 'make k6' to build the pinned k6 from go.mod, or pass --k6", strings.Join(tried, ", "))
}

// K6Version returns the output of k6 version, trimmed.
func K6Version(ctx context.Context, binary string) string {
	out, err := exec.CommandContext(ctx, binary, "version").Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return strings.TrimSpace(string(out))
}

func seconds(d time.Duration) string { return strconv.Itoa(int(d.Round(time.Second) / time.Second)) }

// ScriptEnv returns the EIDSIM_* variables a scenario script reads, except the operator
// token, which goes in K6.SecretEnv.
func ScriptEnv(target, citizensDir, summaryFile string, seed uint64, o Options, findMax bool) map[string]string {
	env := map[string]string{
		"EIDSIM_TARGET":       strings.TrimRight(target, "/"),
		"EIDSIM_CITIZENS_DIR": citizensDir,
		"EIDSIM_SUMMARY_FILE": summaryFile,
		"EIDSIM_SEED":         strconv.FormatUint(seed, 10),
		"EIDSIM_RATE":         strconv.FormatFloat(o.Rate, 'f', -1, 64),
		"EIDSIM_DURATION":     seconds(o.Duration),
		"EIDSIM_VUS":          strconv.Itoa(o.VUs),
		"EIDSIM_OTP_WAIT":     seconds(o.OTPWait),
	}
	if findMax {
		env["EIDSIM_FIND_MAX"] = "1"
	}
	if len(o.Mix) > 0 {
		var parts []string
		for _, k := range sortedKeys(o.Mix) {
			parts = append(parts, strconv.Quote(k)+":"+strconv.FormatFloat(o.Mix[k], 'f', -1, 64))
		}
		env["EIDSIM_MIX"] = "{" + strings.Join(parts, ",") + "}"
	}
	return env
}
