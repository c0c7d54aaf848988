package main

import (
	"fmt"
	"github.com/eidsim/eidsim/internal/testtool"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
)

// TestMain stops the private PostgreSQL cluster the cluster tests start
// and removes the eidsim they built.
func TestMain(m *testing.M) {
	pgtest.Main(m, func() {
		if binPath != "" {
			os.RemoveAll(filepath.Dir(binPath))
		}
	})
}

// testCluster is `eidsim telco` and N `eidsim serve` on one PostgreSQL database behind
// HAProxy, all on loopback, as docs/cluster.md runs them.
type testCluster struct {
	t         testing.TB
	bin       string
	db, token string
	telco     *proc
	instances []*proc
	lb        *exec.Cmd
	lbURL     string
	// profiles, when set, is the directory where each instance writes its CPU profile.
	profiles string
}

// proc is a started eidsim process with its URL and log.
type proc struct {
	cmd *exec.Cmd
	url string
	log *syncBuffer
}

// haproxyBin returns haproxy's path, skipping the test without it (failing under CI).
func haproxyBin(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("haproxy")
	if err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/haproxy"); err == nil {
		return "/usr/sbin/haproxy"
	}
	testtool.Require(t, false, "haproxy not found (apt-get install haproxy; .ci/run installs it)")
	return ""
}

// startProc runs bin with args (and env added to the test's environment) and waits (at most
// a minute) for its "listening on URL" line. At the end it is stopped with SIGTERM (so that it
// drains and writes its profile), killed if still running after 10 s.
func startProc(t testing.TB, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), log: &syncBuffer{}}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	p.cmd.Env = append(os.Environ(), env...)
	require.NoError(t, p.cmd.Start())
	exited := make(chan struct{})
	go func() { p.cmd.Wait(); close(exited) }() //nolint:errcheck // the exit is checked below
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // may have exited
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill() //nolint:errcheck // may have exited
			<-exited
		}
	})
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if m := listeningRE.FindStringSubmatch(p.log.String()); m != nil {
			p.url = m[1]
			return p
		}
		select {
		case <-exited:
			t.Fatalf("%s exited before listening: %s", args[0], p.log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s did not listen within a minute: %s", args[0], p.log.String())
	return nil
}

// startCluster starts the telco, n instances (one after another: the first imports the
// population, the others find it imported) and HAProxy in front of them.
func startCluster(t testing.TB, n int, serveArgs ...string) *testCluster {
	t.Helper()
	return startClusterOn(t, clusterBin(t), pgtest.URL(t), n, serveArgs...)
}

// startClusterOn is startCluster with a built eidsim and a database of the caller's; db ""
// runs one instance on SQLite in its --data, with its own telco.
func startClusterOn(t testing.TB, bin, db string, n int, serveArgs ...string) *testCluster {
	t.Helper()
	return startClusterProfiled(t, bin, db, "", n, serveArgs...)
}

// startClusterProfiled is startClusterOn with each instance's CPU profile written into the
// directory profiles ("" for none).
func startClusterProfiled(t testing.TB, bin, db, profiles string, n int, serveArgs ...string) *testCluster {
	t.Helper()
	haproxy := haproxyBin(t)
	c := &testCluster{t: t, bin: bin, db: db, token: "cluster-T0K", profiles: profiles}
	port := freeTCPPort(t)
	c.lbURL = fmt.Sprintf("http://127.0.0.1:%d", port)
	if db != "" {
		c.telco = startProc(t, c.bin, nil, "telco", "--db", c.db, "--addr", "127.0.0.1:0", "--sms", "fast", "--operator-token", c.token)
	}
	for i := range n {
		args := []string{"serve", "--addr", "127.0.0.1:0", "--population", servePopulation, "--hash", "fast",
			"--sms", "fast", "--operator-token", c.token, "--data", t.TempDir(), "--access-log=false", "--seed", strconv.Itoa(i + 1),
			"--issuer", c.lbURL}
		if db != "" {
			args = append(args, "--db", c.db, "--telco", c.telco.url)
		}
		var env []string
		if c.profiles != "" {
			env = []string{fmt.Sprintf("EIDSIM_CPUPROFILE=%s/instance-%d.pprof", c.profiles, i+1)}
		}
		c.instances = append(c.instances, startProc(t, c.bin, env, append(args, serveArgs...)...))
	}
	c.startLB(haproxy, port)
	return c
}

func freeTCPPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// clusterBin builds eidsim once per test binary.
func clusterBin(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "eidsim-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "eidsim")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

// haproxyConfig is the balancer of docs/cluster.md: round robin, health checks on /readyz,
// and retries on another instance of requests that never reached one (a stopped instance's
// refused connections) so that a drain fails nothing.
const haproxyConfig = `global
	maxconn 4096
defaults
	mode http
	timeout connect 2s
	timeout client 90s
	timeout server 90s
	option http-server-close
	retries 3
	option redispatch 1
	retry-on conn-failure empty-response response-timeout
frontend eidsim
	bind 127.0.0.1:%d
	default_backend instances
backend instances
	balance roundrobin
	option httpchk GET /readyz
	http-check expect status 200
	default-server inter 250ms fall 2 rise 2
%s`

// startLB starts HAProxy on port (whose URL is c.lbURL, the instances' issuer).
func (c *testCluster) startLB(bin string, port int) {
	t := c.t
	var servers strings.Builder
	for i, in := range c.instances {
		fmt.Fprintf(&servers, "\tserver s%d %s check\n", i+1, strings.TrimPrefix(in.url, "http://"))
	}
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	require.NoError(t, os.WriteFile(cfg, fmt.Appendf(nil, haproxyConfig, port, servers.String()), 0o600))
	log := &syncBuffer{}
	c.lb = exec.Command(bin, "-db", "-f", cfg)
	c.lb.Stdout, c.lb.Stderr = log, log
	c.lb.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, c.lb.Start())
	t.Cleanup(func() { c.lb.Process.Kill(); c.lb.Wait() }) //nolint:errcheck // best effort
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(c.lbURL + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("haproxy not ready: %s", log.String())
}

// client returns a JSON client of base (an instance or the balancer) with the operator token.
func (c *testCluster) client(t testing.TB, base string) *client {
	return &client{tb: t, base: base, http: &http.Client{Timeout: time.Minute}, op: c.token}
}
