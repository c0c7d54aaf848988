package main

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// TestServePolicyFlags: --lockout, --login-answers, --hash-queue and --hash-queue-wait set the
// policy's Lockout, LoginAnswers, HashQueue and HashQueueWait (default lock, explicit, 32 and
// 1 s); any other value is a usage error naming the flag.
func TestServePolicyFlags(t *testing.T) {
	e := &env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	tests := []struct {
		args         []string
		lockout, ans string
		err          string
		queue        int
		wait         time.Duration
	}{
		{nil, reference.LockoutLock, reference.AnswersExplicit, "", 0, 0},
		{[]string{"--lockout", "throttle"}, reference.LockoutThrottle, reference.AnswersExplicit, "", 0, 0},
		{[]string{"--login-answers", "uniform"}, reference.LockoutLock, reference.AnswersUniform, "", 0, 0},
		{[]string{"--lockout", "throttle", "--login-answers", "uniform"}, reference.LockoutThrottle, reference.AnswersUniform, "", 0, 0},
		{[]string{"--lockout", "ban"}, "", "", `--lockout: "ban" is not lock or throttle`, 0, 0},
		{[]string{"--lockout", ""}, "", "", `--lockout: "" is not lock or throttle`, 0, 0},
		{[]string{"--login-answers", "vague"}, "", "", `--login-answers: "vague" is not explicit or uniform`, 0, 0},
		{[]string{"--hash-queue", "0", "--hash-queue-wait", "30s"}, reference.LockoutLock, reference.AnswersExplicit, "", 0, 30 * time.Second},
		{[]string{"--hash-queue", "-1"}, "", "", "--hash-queue: -1 is negative", 0, 0},
		{[]string{"--hash-queue-wait", "0s"}, "", "", "--hash-queue-wait: must be positive", 0, 0},
	}
	for _, tc := range tests {
		cfg, err := parseServe(commands["serve"], e, append([]string{"--population", "p"}, tc.args...))
		if tc.err != "" {
			require.Error(t, err, tc.args)
			var ue *usageError
			assert.True(t, errors.As(err, &ue), "a usage error (exit 2): %v", err)
			assert.Contains(t, err.Error(), tc.err)
			continue
		}
		require.NoError(t, err, tc.args)
		p := cfg.policy()
		assert.Equal(t, tc.lockout, p.Lockout, tc.args)
		assert.Equal(t, tc.ans, p.LoginAnswers, tc.args)
		if tc.wait == 0 {
			tc.queue, tc.wait = 32, time.Second
		}
		assert.Equal(t, tc.queue, p.HashQueue, tc.args)
		assert.Equal(t, tc.wait, p.HashQueueWait, tc.args)
		require.NoError(t, p.Validate(), tc.args)
	}
}

// TestServePolicyFlags_InForce: a service started with --login-answers uniform answers a
// locked account's right password with 401 invalid_credentials (not 423), and /sim/settings
// reports both settings.
func TestServePolicyFlags_InForce(t *testing.T) {
	srv := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--access-log=false", "--operator-token", "op", "--lockout", "lock", "--login-answers", "uniform")
	c := &client{tb: t, base: srv.url, http: &http.Client{Timeout: time.Minute}, op: "op"}

	r := c.do("GET", "/sim/settings", nil, "")
	require.Equal(t, 200, r.status, "%v", r.body)
	pol, _ := r.body["policy"].(map[string]any)
	assert.Equal(t, "lock", pol["lockout"])
	assert.Equal(t, "uniform", pol["login_answers"])

	login := map[string]string{"citizen_id": "001090000043", "password": "Sai@mat-khau1", "device_id": "device-43"}
	for range 6 {
		r = c.do("POST", "/v1/sessions", login, "")
		require.Equal(t, 401, r.status, "%v", r.body)
		assert.Equal(t, "invalid_credentials", r.code())
	}
	login["password"] = "Matkhau@43"
	r = c.do("POST", "/v1/sessions", login, "")
	assert.Equal(t, 401, r.status, "locked, told as a wrong password: %v", r.body)
	assert.Equal(t, "invalid_credentials", r.code())
}
