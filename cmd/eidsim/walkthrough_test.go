//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/internal/testtool"
)

// walkDoc is the page that holds the walk-through of the reference service, from the
// repository root.
const walkDoc = "docs/serve.md"

// The walk-through of the reference service (in walkDoc) lies between these markers, as one
// console block: "$ " lines are commands (a trailing backslash continues one), "# " lines
// are comments, everything else is the output of the command before it.
const (
	walkBegin = "<!-- walkthrough: begin -->"
	walkEnd   = "<!-- walkthrough: end -->"
	walkAddr  = "127.0.0.1:8080"
)

// walkStep is one command of the walk-through and the output it shows.
type walkStep struct {
	line int // in walkDoc
	cmd  string
	want []string
}

// readWalkthrough extracts the steps of the walk-through from a page.
func readWalkthrough(readme string) ([]walkStep, error) {
	i, j := strings.Index(readme, walkBegin), strings.Index(readme, walkEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("%s has no %q … %q section", walkDoc, walkBegin, walkEnd)
	}
	first := strings.Count(readme[:i], "\n") + 1
	var steps []walkStep
	lines := strings.Split(readme[i:j], "\n")
	for k := 0; k < len(lines); k++ {
		l := lines[k]
		switch {
		case strings.HasPrefix(l, "$ "):
			st := walkStep{line: first + k, cmd: strings.TrimPrefix(l, "$ ")}
			for strings.HasSuffix(st.cmd, "\\") && k+1 < len(lines) {
				k++
				st.cmd += "\n" + lines[k] // bash joins the lines itself
			}
			steps = append(steps, st)
		case l == "", strings.HasPrefix(l, "#"), strings.HasPrefix(l, "```"), strings.HasPrefix(l, "<!--"):
		case len(steps) > 0:
			steps[len(steps)-1].want = append(steps[len(steps)-1].want, l)
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("the walk-through has no commands")
	}
	return steps, nil
}

// What differs from run to run: ids, codes, times, tokens, captures, rates.
var walkVolatile = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`), "<time>"},
	{regexp.MustCompile(`[0-9a-f]{32}`), "<id>"},
	{regexp.MustCompile(`eid1\.[A-Za-z0-9_.\-]+`), "<token>"},
	{regexp.MustCompile(`cap1\.[A-Za-z0-9_\-]+`), "<capture>"},
	{regexp.MustCompile(`\b\d{6}\b`), "<code>"},
	{regexp.MustCompile(`\d+(\.\d+)?(s|ms| citizens/s)\b`), "<n>$2"},
}

func walkNormal(s string) string {
	for _, v := range walkVolatile {
		s = v.re.ReplaceAllString(s, v.repl)
	}
	return s
}

// walkPattern turns a shown output line into a pattern: volatile parts normalised, "…"
// standing for anything.
func walkPattern(shown string) *regexp.Regexp {
	parts := strings.Split(walkNormal(shown), "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// walkMatch checks that every shown line appears, in order, among the lines the command
// printed (the page may leave lines out, never make one up).
func walkMatch(shown, got []string) error {
	k := 0
	for _, s := range shown {
		re := walkPattern(s)
		for k < len(got) && !re.MatchString(walkNormal(got[k])) {
			k++
		}
		if k == len(got) {
			return fmt.Errorf("shown %q, not printed; the command printed:\n%s", s, strings.Join(got, "\n"))
		}
		k++
	}
	return nil
}

func TestWalkthroughParsing(t *testing.T) {
	readme := "x\n" + walkBegin + "\n```console\n$ a \\\n    b\nout 1\n\n# comment\n$ c\n```\n" + walkEnd + "\n"
	steps, err := readWalkthrough(readme)
	require.NoError(t, err)
	require.Len(t, steps, 2)
	require.Equal(t, "a \\\n    b", steps[0].cmd)
	require.Equal(t, []string{"out 1"}, steps[0].want)
	require.Equal(t, 4, steps[0].line)
	require.NoError(t, walkMatch([]string{`{"id":"0123456789abcdef0123456789abcdef","otp":"…"}`},
		[]string{"noise", `{"id":"ffffffffffffffffffffffffffffffff","otp":"123456"}`}))
	require.Error(t, walkMatch([]string{"a", "b"}, []string{"b", "a"}), "order matters")
	_, err = readWalkthrough("no markers")
	require.Error(t, err)
}

// TestDocsWalkthrough runs the walk-through of the reference service in walkDoc as printed,
// in a fresh directory with the fixture population at the path the page names, against
// the eidsim built from this tree, in one bash session, and checks that every output the
// page shows is what the command prints (ids, codes and times aside). Only the port is
// changed, to a free one (serve gets --addr).
func TestDocsWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds eidsim and waits for simulated SMS (≈ 20 s)")
	}
	for _, tool := range []string{"bash", "curl", "jq"} {
		testtool.LookPath(t, "the walk-through needs bash, curl and jq; .ci/run installs them", tool)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", walkDoc))
	require.NoError(t, err)
	steps, err := readWalkthrough(string(b))
	require.NoError(t, err)

	bin := buildEidsim(t)
	dir := t.TempDir()
	popDir := filepath.Join(dir, "reference", "httpapi", "testdata")
	require.NoError(t, os.MkdirAll(popDir, 0o755))
	pop, err := os.ReadFile("../../reference/httpapi/testdata/population.jsonl")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(popDir, "population.jsonl"), pop, 0o644))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	sh := exec.Command("bash", "--norc", "--noprofile")
	sh.Dir = dir
	// Its own process group, so that the service it starts in the background goes with it
	// even when a step hangs.
	sh.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	sh.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+dir)
	stdin, err := sh.StdinPipe()
	require.NoError(t, err)
	pr, pw := io.Pipe()
	sh.Stdout, sh.Stderr = pw, pw
	require.NoError(t, sh.Start())
	t.Cleanup(func() {
		_, _ = io.WriteString(stdin, "kill %1 2>/dev/null; exit\n")
		done := make(chan struct{})
		go func() { _ = sh.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		_ = syscall.Kill(-sh.Process.Pid, syscall.SIGKILL) // the group: bash and what it started
		<-done
		_ = pw.Close()
	})
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	_, err = io.WriteString(stdin, "exec 2>&1\n")
	require.NoError(t, err)

	for i, st := range steps {
		cmd := strings.ReplaceAll(st.cmd, walkAddr, addr)
		if strings.HasPrefix(cmd, "eidsim serve ") && !strings.Contains(cmd, "--addr") {
			cmd = "eidsim serve --addr " + addr + strings.TrimPrefix(cmd, "eidsim serve") // the default port may be taken
		}
		want := make([]string, len(st.want))
		for k, w := range st.want {
			want[k] = strings.ReplaceAll(w, walkAddr, addr)
		}
		// A background command (the service) is ready when its last shown line is printed;
		// any other ends with a sentinel.
		sentinel := fmt.Sprintf("__walkthrough_step_%d__", i)
		script := cmd + "\necho " + sentinel + "\n"
		until := sentinel
		if strings.HasSuffix(strings.TrimSpace(cmd), "&") {
			require.NotEmpty(t, want, "%s:%d: a background command shows the line that says it is ready", walkDoc, st.line)
			until = ""
		}
		_, err := io.WriteString(stdin, script)
		require.NoError(t, err)
		var got []string
		deadline := time.After(45 * time.Second)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("%s:%d: bash ended during %q; it printed:\n%s", walkDoc, st.line, cmd, strings.Join(got, "\n"))
				}
				if l == sentinel {
					if until == sentinel {
						break read
					}
					continue
				}
				got = append(got, l)
				if until == "" && walkPattern(want[len(want)-1]).MatchString(walkNormal(l)) {
					break read
				}
			case <-deadline:
				t.Fatalf("%s:%d: %q did not finish in 45 s; it printed:\n%s", walkDoc, st.line, cmd, strings.Join(got, "\n"))
			}
		}
		if err := walkMatch(want, got); err != nil {
			t.Errorf("%s:%d: $ %s\n%v", walkDoc, st.line, st.cmd, err)
		}
	}
}
