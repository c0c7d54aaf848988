package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fixture accounts of servePopulation: citizen 0010900000NN / 0011900000NN (odd / even NN),
// password Matkhau@NN, bound device device-NN.
func fixtureAccount(nn int) (id, password, device string) {
	sex := "0"
	if nn%2 == 0 {
		sex = "1"
	}
	return fmt.Sprintf("001%s900000%02d", sex, nn), fmt.Sprintf("Matkhau@%d", nn), fmt.Sprintf("device-%d", nn)
}

// TestCluster: two instances on one PostgreSQL and one telco, behind HAProxy. A lockout begun
// on one holds on the other; an OTP sent by one is read and used through the other; a fault
// set on one applies on the other; the population was imported once.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, HAProxy and three eidsim processes")
	}
	c := startCluster(t, 2)
	assert.Contains(t, c.instances[1].log.String(), "already imported", "the second instance found the population imported")

	t.Run("lockout begun on A holds on B", func(t *testing.T) {
		a, b := c.client(t, c.instances[0].url), c.client(t, c.instances[1].url)
		id, pw, dev := fixtureAccount(49)
		for range 5 {
			r := a.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": "Wrong@2024x", "device_id": dev}, "")
			require.Contains(t, []int{401, 423}, r.status, "%v", r.body)
		}
		r := b.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": pw, "device_id": dev}, "")
		assert.Equal(t, 423, r.status, "%v", r.body)
		assert.Equal(t, "account_locked", r.code())
	})

	t.Run("OTP sent by A is read and used through B", func(t *testing.T) {
		a, b, lb := c.client(t, c.instances[0].url), c.client(t, c.instances[1].url), c.client(t, c.lbURL)
		id, pw, _ := fixtureAccount(50)
		r := a.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": pw, "device_id": "new-phone"}, "")
		require.Equal(t, 202, r.status, "%v", r.body)
		var after int64
		otp := b.otp("0981000050", &after)
		r = b.do("POST", "/v1/sessions/challenges/"+r.str("challenge_id"), map[string]string{"otp": otp}, "")
		require.Equal(t, 201, r.status, "%v", r.body)
		assert.Equal(t, 200, lb.do("GET", "/v1/me", nil, r.str("access_token")).status, "the token works on every instance")
		res, err := http.DefaultClient.Do(bearerGet(t, c.telco.url+"/metrics", c.token))
		require.NoError(t, err)
		mb, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Contains(t, string(mb), "eidsim_sms_delivery_seconds_count", "the shared telco delivered it and says so")
	})

	t.Run("a fault set on A applies on B", func(t *testing.T) {
		a, b := c.client(t, c.instances[0].url), c.client(t, c.instances[1].url)
		id, pw, dev := fixtureAccount(51)
		r := b.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": pw, "device_id": dev}, "")
		require.Equal(t, 201, r.status, "%v", r.body)
		tok := r.str("access_token")
		req, err := http.NewRequest("PUT", c.instances[0].url+"/sim/faults?source=cluster-test",
			stringsReader("routes:\n  - prefix: /v1/me\n    error_rate: 1\n    status: 503\n"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/yaml")
		req.Header.Set("Authorization", "Bearer "+c.token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, 200, res.StatusCode)
		require.Eventually(t, func() bool { return b.do("GET", "/v1/me", nil, tok).status == 503 }, 5*time.Second, 20*time.Millisecond)
		st := b.do("GET", "/sim/faults", nil, "")
		cur, _ := st.body["current"].(map[string]any)
		assert.NotEmpty(t, cur["routes"], "%v", st.body)
		assert.Equal(t, 204, b.do("DELETE", "/sim/faults", nil, "").status, "healed from B")
		require.Eventually(t, func() bool { return a.do("GET", "/v1/me", nil, tok).status == 200 }, 5*time.Second, 20*time.Millisecond)
	})
}

// TestClusterDrain: under load through HAProxy, one instance stopped with SIGTERM fails no
// request; the other serves on.
func TestClusterDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, HAProxy and four eidsim processes")
	}
	c := startCluster(t, 3)
	ctx, stop := context.WithTimeout(context.Background(), 6*time.Second)
	defer stop()
	var ok, failed atomic.Int64
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for w := range 8 {
		id, pw, dev := fixtureAccount(41 + w)
		wg.Go(func() {
			hc := &http.Client{Timeout: 30 * time.Second}
			for ctx.Err() == nil {
				code, body, err := call(context.Background(), hc, "POST", c.lbURL+"/v1/sessions",
					map[string]string{"citizen_id": id, "password": pw, "device_id": dev})
				if err == nil && code == 201 {
					ok.Add(1)
					continue
				}
				failed.Add(1)
				mu.Lock()
				failures = append(failures, fmt.Sprintf("%d %v %v", code, body, err))
				mu.Unlock()
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	victim := c.instances[0].cmd
	require.NoError(t, victim.Process.Signal(syscall.SIGTERM))
	wg.Wait()
	t.Logf("%d logins through the balancer, %d failed; SIGTERM at 1.5 s of 6 s", ok.Load(), failed.Load())
	assert.Zero(t, failed.Load(), "failures: %v", failures)
	assert.Positive(t, ok.Load())
	assert.Eventually(t, func() bool { return victim.ProcessState != nil || victim.Process.Signal(syscall.Signal(0)) != nil },
		15*time.Second, 50*time.Millisecond, "the instance exits after draining")
	assert.Contains(t, c.instances[0].log.String(), "shutting down")
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// TestClusterK6Smoke: `eidsim load smoke` with the real k6 passes through HAProxy in front of
// three instances, one of which is stopped with SIGTERM mid-run: every check and request
// passes (the scenario fails on any failed check).
func TestClusterK6Smoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds k6 and runs it against a cluster")
	}
	k6 := k6ForTest(t)
	c := startCluster(t, 3)
	out := t.TempDir()
	load := exec.Command(c.bin, "load", "smoke", "--target", c.lbURL, "--population", servePopulation,
		"--operator-token", c.token, "--k6", k6, "--out", out)
	log := &syncBuffer{}
	load.Stdout, load.Stderr = log, log
	require.NoError(t, load.Start())
	done := make(chan error, 1)
	go func() { done <- load.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("load ended before the SIGTERM (%v): %s", err, log.String())
	case <-time.After(6 * time.Second):
	}
	require.NoError(t, c.instances[1].cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-done:
		assert.NoError(t, err, "eidsim load smoke through the balancer: %s", log.String())
	case <-time.After(2 * time.Minute):
		load.Process.Kill() //nolint:errcheck // timed out
		t.Fatalf("load did not end within 2 minutes: %s", log.String())
	}
	t.Logf("%s", log.String())
}
