package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildEidsim builds this command into a temporary directory.
func buildEidsim(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "eidsim")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// startEidsim starts `eidsim serve` as a subprocess and returns it with its URL once it
// listens. Its stderr is drained in the background.
func startEidsim(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	var log syncBuffer
	go func() {
		sent := false
		scanLines(stderr, func(line string) bool {
			fmt.Fprintln(&log, line)
			if m := listeningRE.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
			return false
		})
		close(found)
	}()
	select {
	case url, ok := <-found:
		require.True(t, ok, "eidsim exited before listening: %s", log.String())
		return cmd, url
	case <-time.After(2 * time.Minute):
		t.Fatalf("eidsim did not listen: %s", log.String())
	}
	return nil, ""
}

// call is one JSON request that reports failures instead of failing the test, for use in
// goroutines that race a killed server.
// crashToken is the operator token of the crash test's service (the handsets need it).
const crashToken = "crash-T0K"

// call sends body as JSON, with the operator token on /sim/ calls.
func call(ctx context.Context, hc *http.Client, method, url string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if strings.Contains(url, "/sim/") {
		req.Header.Set("Authorization", "Bearer "+crashToken)
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		return res.StatusCode, nil, err
	}
	return res.StatusCode, m, nil
}

// fixtureCitizen is citizen n (1–40, no account) of the fixture population.
type fixtureCitizen struct{ id, name, birth, phone string }

var (
	famNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"}
	givenM   = []string{"An", "Bình", "Cường", "Dũng", "Hùng", "Minh", "Nam", "Phúc", "Quân", "Sơn", "Tuấn", "Việt"}
	givenF   = []string{"Anh", "Bích", "Chi", "Dung", "Hà", "Hoa", "Lan", "Mai", "Ngọc", "Thảo", "Trang", "Yến"}
)

func citizenN(n int) fixtureCitizen {
	g, mid, given := 0, "Văn", givenM
	if n%2 == 0 {
		g, mid, given = 1, "Thị", givenF
	}
	return fixtureCitizen{
		id:    fmt.Sprintf("001%d90%06d", g, n),
		name:  fmt.Sprintf("%s %s %s", famNames[n%len(famNames)], mid, given[n%12]),
		birth: fmt.Sprintf("1990-%02d-%02d", 1+n%12, 1+n%28),
		phone: fmt.Sprintf("09%d%07d", []int{6, 7, 8}[n%3], 1000000+n),
	}
}

// TestServe_CrashKeepsAcknowledged builds eidsim, fires a burst of concurrent registrations
// at it, kills it with SIGKILL in mid-burst, restarts it on the same data directory and
// checks that every registration acknowledged with 201 before the kill is there: its owner
// can log in on the registering device.
func TestServe_CrashKeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it as a subprocess")
	}
	bin := buildEidsim(t)
	data := t.TempDir()
	args := []string{"--population", servePopulation, "--data", data, "--hash", "fast", "--sms", "fast", "--access-log=false", "--operator-token", crashToken}
	cmd, url := startEidsim(t, bin, args...)

	hc := &http.Client{Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n, killAfter = 40, 12
	var (
		mu    sync.Mutex
		acked []int
		kill  = make(chan struct{})
		once  sync.Once
		wg    sync.WaitGroup
	)
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := citizenN(i)
			st, body, err := call(ctx, hc, "POST", url+"/v1/registrations", map[string]string{
				"citizen_id": c.id, "full_name": c.name, "birth_date": c.birth, "phone": c.phone, "device_id": fmt.Sprintf("crash-%d", i)})
			if err != nil || st != 202 {
				return
			}
			regID, _ := body["registration_id"].(string)
			var otp string
			for try := 0; try < 20 && otp == ""; try++ {
				st, body, err := call(ctx, hc, "GET", url+"/sim/handsets/"+c.phone+"/messages?wait=5", nil)
				if err != nil || st != 200 {
					return
				}
				for _, m := range body["messages"].([]any) {
					otp, _ = m.(map[string]any)["otp"].(string)
				}
			}
			st, _, err = call(ctx, hc, "POST", url+"/v1/registrations/"+regID+"/verify", map[string]string{
				"otp": otp, "password": fmt.Sprintf("Crash!pw%02d", i), "passcode": "123456"})
			if err == nil && st == 201 {
				mu.Lock()
				acked = append(acked, i)
				if len(acked) >= killAfter {
					once.Do(func() { close(kill) })
				}
				mu.Unlock()
			}
		}(i)
	}
	select {
	case <-kill:
	case <-ctx.Done():
		t.Fatal("too few registrations were acknowledged")
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	mu.Lock()
	killed := append([]int(nil), acked...)
	mu.Unlock()
	wg.Wait()
	mu.Lock()
	final := append([]int(nil), acked...) // answers in flight at the kill may have arrived too
	mu.Unlock()
	_ = cmd.Wait()
	t.Logf("acknowledged before the kill: %d, in all: %d of %d", len(killed), len(final), n)
	assert.Less(t, len(killed), n, "the kill should fall mid-burst")

	cmd, url = startEidsim(t, bin, args...)
	for _, i := range final {
		c := citizenN(i)
		st, body, err := call(ctx, hc, "POST", url+"/v1/sessions", map[string]string{
			"citizen_id": c.id, "password": fmt.Sprintf("Crash!pw%02d", i), "device_id": fmt.Sprintf("crash-%d", i)})
		require.NoError(t, err)
		assert.Equal(t, 201, st, "citizen %d acknowledged but lost: %v", i, body)
	}

	// SIGTERM is a graceful stop: the process drains and exits 0.
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		assert.NoError(t, err, "exit status after SIGTERM")
	case <-time.After(20 * time.Second):
		t.Fatal("eidsim did not stop within 20 s of SIGTERM")
	}
}
