package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runServe runs `eidsim serve args…` to completion (for refusals) and returns its exit code
// and stderr.
func runServeOnce(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stderr syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := runEnv(ctx, &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }},
		append([]string{"serve", "--population", servePopulation, "--hash", "fast", "--sms", "fast"}, args...))
	return code, stderr.String()
}

// TestServe_RemoteAddrNeedsAllowRemote checks finding 2's last point: serve binds only
// loopback unless --allow-remote is given; every other address, the wildcard ones and any
// host name but localhost, is a usage error naming the flag.
func TestServe_RemoteAddrNeedsAllowRemote(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0", "eidsim.invalid:0", "localhost.invalid:8080"} {
		code, stderr := runServeOnce(t, "--data", t.TempDir(), "--addr", addr)
		assert.Equal(t, exitUsage, code, addr)
		assert.Contains(t, stderr, "--allow-remote", addr)
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:8080", "[::1]:0", "localhost:0"} {
		_, err := parseServe(commands["serve"], e, []string{"--population", "p", "--addr", addr})
		assert.NoError(t, err, addr)
	}
	cfg, err := parseServe(commands["serve"], e, []string{"--population", "p", "--addr", "eidsim.invalid:0", "--allow-remote"})
	require.NoError(t, err)
	assert.True(t, cfg.remote)
}

// TestServe_DataDirSecured checks finding 9: a group/world-accessible --data is narrowed to
// 0700 with a warning, and the database, its -wal and -shm, the operator token (an existing
// one narrowed) and the lock are 0600 once serve runs.
func TestServe_DataDirSecured(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.Mkdir(data, 0o755))
	require.NoError(t, os.Chmod(data, 0o755))
	// A token file left readable by others is narrowed too (and still used).
	require.NoError(t, os.WriteFile(filepath.Join(data, tokenFile), []byte("old-T0K\n"), 0o644))
	require.NoError(t, os.Chmod(filepath.Join(data, tokenFile), 0o644))
	srv := startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--sms", "fast", "--access-log=false")
	assert.Contains(t, srv.stderr.String(), "warning: --data "+data+" was accessible to other users (-rwxr-xr-x); changed to 0700")
	st, err := os.Stat(data)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	for _, f := range []string{dbFile, dbFile + "-wal", dbFile + "-shm", tokenFile, lockFile} {
		st, err := os.Stat(filepath.Join(data, f))
		require.NoError(t, err, f)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), f)
	}
	c := &client{tb: t, base: srv.url, http: http.DefaultClient, op: "old-T0K"}
	assert.Equal(t, 200, c.do("GET", "/sim/settings", nil, "").status, "the existing token is the one in force")
	require.Equal(t, exitOK, srv.stop())
}

// TestServe_SecondServeOnSameData checks finding 11: while one serve runs on a --data, a
// second one exits 2 at once naming the first one's pid; once the first has stopped, the
// lock is free again.
func TestServe_SecondServeOnSameData(t *testing.T) {
	data := t.TempDir()
	srv := startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--sms", "fast", "--access-log=false")
	start := time.Now()
	code, stderr := runServeOnce(t, "--data", data, "--addr", "127.0.0.1:0")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, fmt.Sprintf("is in use by another eidsim serve or rp-check (pid %d", os.Getpid()))
	assert.Less(t, time.Since(start), 5*time.Second, "refused at once, before any import")
	require.Equal(t, exitOK, srv.stop())

	srv = startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--sms", "fast", "--access-log=false")
	require.Equal(t, exitOK, srv.stop(), srv.stderr.String())
}

// TestServe_TestWorldNeedsToken checks finding 2 against the real service: from public-record
// data alone a recovery can be started, but its OTP cannot be read from the handset, the
// clock cannot be moved nor an outage injected, and the metrics are not shown, without the
// operator token; bodies that are not JSON are refused with 415 (finding 10).
func TestServe_TestWorldNeedsToken(t *testing.T) {
	srv := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--access-log=false", "--operator-token", "T0K")
	c := &client{tb: t, base: srv.url, http: &http.Client{Timeout: time.Minute}}

	// The attacker knows citizen 43's ID, name, birth date and phone.
	const id, name, birth, phone = "001090000043", "Phạm Văn Phúc", "1990-08-16", "0971000043"
	r := c.do("POST", "/v1/recoveries", map[string]string{"citizen_id": id, "phone": phone, "full_name": name, "birth_date": birth}, "")
	require.Equal(t, 202, r.status, "%v", r.body)
	for _, bearer := range []string{"", "wrong"} {
		r = c.do("GET", "/sim/handsets/"+phone+"/messages?wait=5", nil, bearer)
		assert.Equal(t, 401, r.status, "the recovery OTP cannot be read")
		assert.Contains(t, r.header.Get("WWW-Authenticate"), "Bearer")
		r = c.do("PUT", "/sim/faults", map[string]any{"clock_skew": "31m"}, bearer)
		assert.Equal(t, 401, r.status, "the clock cannot be moved")
		r = c.do("PUT", "/sim/faults", map[string]any{"routes": []map[string]any{{"prefix": "/v1/", "error_rate": 1}}}, bearer)
		assert.Equal(t, 401, r.status, "no outage can be injected")
		r = c.do("DELETE", "/sim/faults", nil, bearer)
		assert.Equal(t, 401, r.status)
		r = c.do("GET", "/metrics", nil, bearer)
		assert.Equal(t, 401, r.status, "/metrics needs the token")
	}
	r = c.do("GET", "/sim/faults", nil, "T0K")
	require.Equal(t, 200, r.status, "%v", r.body)
	assert.Empty(t, r.body["journal"], "nothing was changed")
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": "Matkhau@43", "device_id": "device-43"}, "")
	assert.Equal(t, 201, r.status, "the service is up: %v", r.body)

	// The owner (with the token) still reads the handset.
	r = c.do("GET", "/sim/handsets/"+phone+"/messages?wait=10", nil, "T0K")
	assert.Equal(t, 200, r.status, "%v", r.body)

	req, _ := http.NewRequest("POST", srv.url+"/v1/sessions", strings.NewReader(`{"citizen_id":"`+id+`","password":"Matkhau@43","device_id":"device-43"}`))
	req.Header.Set("Content-Type", "text/plain")
	res, err := c.http.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, res.StatusCode, string(b))
	assert.Contains(t, string(b), "application/json")
}

// TestRPCheck_DataDirLockedAndPrivate: rp-check's own --data holds keys as serve's does, so
// it is narrowed to 0700 and locked; an rp-check on a running serve's --data is refused.
func TestRPCheck_DataDirLockedAndPrivate(t *testing.T) {
	data := t.TempDir()
	require.NoError(t, os.Chmod(data, 0o755))
	srv := startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--sms", "fast", "--access-log=false")
	st, err := os.Stat(data)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	code, _, stderr := runCmd(t, nil, "rp-check", "--population", servePopulation, "--redirect-uri", "http://127.0.0.1:1/cb",
		"--rp-start", "http://127.0.0.1:1/start", "--addr", "127.0.0.1:0", "--data", data, "--out", filepath.Join(t.TempDir(), "r.json"))
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, fmt.Sprintf("is in use by another eidsim serve or rp-check (pid %d", os.Getpid()))
	require.Equal(t, exitOK, srv.stop())
}
