// Package pgtest runs a private PostgreSQL server for tests: initdb in a temporary directory,
// postgres listening on 127.0.0.1 at a free port and on a unix socket in that directory, and
// a fresh database per test. No mock: the tests talk to the real server.
//
// One cluster serves a whole test binary: call Main from TestMain, and URL (or Store) from each
// test; the cluster starts at the first test that needs it (about a second) and stops when Main
// returns. postgres is killed if the test binary dies first (Linux: parent-death signal).
//
// When the binaries are missing, URL skips the test with the reason, except under CI (CI set in
// the environment), where it fails: CI must install the postgresql package (.ci/run does).
// initdb and postgres refuse to run as root, so as root they run as user nobody, in a
// directory nobody owns.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running PostgreSQL server owned by the test binary.
type Cluster struct {
	dir   string
	port  int
	cmd   *exec.Cmd
	done  chan error // postgres exited
	admin string     // URL of the postgres database
	n     atomic.Int64
}

// Options tune Start.
type Options struct {
	// Durable keeps PostgreSQL's default fsync and synchronous_commit (for benchmarks); the
	// default turns them off, which tests do not need and which makes them faster.
	Durable bool
	// MaxConnections is the server's max_connections (default 200).
	MaxConnections int
}

// ErrNoBinaries means initdb or postgres was not found.
var ErrNoBinaries = errors.New("PostgreSQL binaries (initdb, postgres) not found: install the postgresql package or set EIDSIM_PG_BIN")

// BinDir finds the directory of initdb and postgres: $EIDSIM_PG_BIN, the directory initdb in
// PATH resolves to, or the newest /usr/lib/postgresql/*/bin.
func BinDir() (string, error) {
	var dirs []string
	if d := os.Getenv("EIDSIM_PG_BIN"); d != "" {
		dirs = append(dirs, d)
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(r))
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	dirs = append(dirs, found...)
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// runAs returns the credential to run the server with: nobody's when we are root, else nil.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("running as root, and initdb refuses root: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// Start runs initdb in a new temporary directory and starts postgres on a free loopback port.
// Stop it with Stop.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "eidsim-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, done: make(chan error, 1)}
	ok := false
	defer func() {
		if !ok {
			c.Stop()
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w: %s", err, strings.TrimSpace(string(out)))
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = 200
	}
	args := []string{"-D", data, "-p", strconv.Itoa(c.port), "-k", dir, "-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=" + strconv.Itoa(opts.MaxConnections), "-c", "shared_buffers=64MB",
		"-c", "log_min_messages=warning", "-c", "logging_collector=off"}
	if !opts.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	if err := c.start(filepath.Join(bin, "postgres"), args, cred); err != nil {
		return nil, err
	}
	c.admin = c.url("postgres")
	if err := c.waitReady(ctx, 15*time.Second); err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

// start runs postgres on a goroutine locked to its OS thread, so that the parent-death signal
// (sent when that thread ends) fires only when the test binary exits.
func (c *Cluster) start(path string, args []string, cred *syscall.Credential) error {
	started := make(chan error, 1)
	logf, err := os.Create(filepath.Join(c.dir, "postgres.log"))
	if err != nil {
		return err
	}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		cmd := exec.Command(path, args...)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		c.cmd = cmd
		started <- nil
		c.done <- cmd.Wait()
		logf.Close()
	}()
	return <-started
}

func (c *Cluster) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.admin)
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case err := <-c.done:
			c.done <- err
			log, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
			return fmt.Errorf("postgres exited (%v): %s", err, strings.TrimSpace(string(log)))
		case <-ctx.Done():
			return fmt.Errorf("postgres not ready after %v: %w", limit, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// url is the TCP URL of database db.
func (c *Cluster) url(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// Pid is the postmaster's process id; its server processes are in its process group.
func (c *Cluster) Pid() int {
	if c.cmd == nil || c.cmd.Process == nil {
		return 0
	}
	return c.cmd.Process.Pid
}

// Port is the server's TCP port on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// SocketDir is the directory of the server's unix socket.
func (c *Cluster) SocketDir() string { return c.dir }

// CreateDatabase creates a new empty database and returns its URL.
func (c *Cluster) CreateDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.n.Add(1))
	conn, err := pgx.Connect(ctx, c.admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return c.url(name), nil
}

// Stop stops postgres (fast shutdown, then kill after 5 s) and removes its directory.
func (c *Cluster) Stop() error {
	var err error
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT) //nolint:errcheck // it may have exited
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			c.cmd.Process.Kill() //nolint:errcheck // best effort
			<-c.done
			err = errors.New("postgres did not stop within 5s: killed")
		}
		c.cmd = nil
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}
