package interop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// population is the fixture population: citizens 41–56 have level-1 accounts (password
// Matkhau@NN, device device-NN), 57–58 level-2 accounts.
const populationFile = "../reference/httpapi/testdata/population.jsonl"

// buildEidsim builds the eidsim command into a temporary directory, or returns
// $EIDSIM_INTEROP_BIN when set (to run the suites against another build of eidsim).
func buildEidsim(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("EIDSIM_INTEROP_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "eidsim")
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goCmd, "build", "-o", bin, "../cmd/eidsim").CombinedOutput()
	require.NoError(t, err, "go build ./cmd/eidsim: %s", out)
	return bin
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// server is `eidsim serve` as a child process that can be restarted on the same address and
// data directory.
type server struct {
	t    *testing.T
	bin  string
	args []string
	url  string
	data string

	mu     sync.Mutex
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startServer starts serve with the clients file on a free loopback port.
func startServer(t *testing.T, bin, clients string) *server {
	port := freePort(t)
	s := &server{t: t, bin: bin, data: t.TempDir()}
	s.args = []string{"serve", "--population", populationFile, "--clients", clients, "--hash", "fast", "--sms", "fast",
		"--data", s.data, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--access-log=false"}
	require.NoError(t, s.start())
	t.Cleanup(func() { _ = s.stop() })
	return s
}

func (s *server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stderr = &lockedBuffer{}
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Stderr = s.stderr
	s.cmd.Stdout = io.Discard
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.done = make(chan error, 1)
	go func(cmd *exec.Cmd, done chan error) { done <- cmd.Wait() }(s.cmd, s.done)
	deadline := time.After(2 * time.Minute)
	for {
		if m := listeningRE.FindStringSubmatch(s.stderr.String()); m != nil {
			s.url = strings.TrimRight(m[1], "/")
			return nil
		}
		select {
		case err := <-s.done:
			return fmt.Errorf("serve exited before listening (%v): %s", err, s.stderr.String())
		case <-deadline:
			_ = s.cmd.Process.Kill()
			return fmt.Errorf("serve did not listen within 2 minutes: %s", s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop interrupts serve and waits for it (killing it after 20 s).
func (s *server) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	var err error
	select {
	case err = <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		err = errors.Join(errors.New("serve did not stop within 20 s"), <-s.done)
	}
	s.cmd = nil
	return err
}

// restart stops serve and starts it again on the same address and data directory.
func (s *server) restart() error {
	if err := s.stop(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return err
		}
	}
	return s.start()
}

// operatorToken is the token serve generated into its data directory.
func (s *server) operatorToken(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(s.data, "operator-token"))
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

// controlServer serves POST /restart (restart serve, answer when it listens again) for the
// suite, on a loopback port.
func controlServer(t *testing.T, s *server) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/restart" {
			http.NotFound(w, r)
			return
		}
		if err := s.restart(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "restarted")
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String() + "/restart"
}

// tapFailures returns the names of the failed tests in node's TAP output.
func tapFailures(out string) []string {
	var failed []string
	sc := bufio.NewScanner(strings.NewReader(out))
	re := regexp.MustCompile(`^not ok \d+ - (.*)$`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			failed = append(failed, m[1])
		}
	}
	return failed
}
