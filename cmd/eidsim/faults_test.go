package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/memstore"
)

// controlPlane serves the HTTP API (on an empty in-memory store) with ctrl as its fault
// controller and token as its operator token.
func controlPlane(t *testing.T, ctrl *faults.Controller, token string) *httptest.Server {
	t.Helper()
	api, err := reference.NewService(reference.Config{Store: memstore.New(), Gateway: gatewayFunc(func(context.Context, reference.SMS) error { return nil })})
	require.NoError(t, err)
	h, err := httpapi.New(httpapi.Config{API: api, OperatorToken: token, Sim: true, Inbox: nopInbox{}, Faults: ctrl, Middleware: ctrl.Wrap})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

type gatewayFunc func(context.Context, reference.SMS) error

func (f gatewayFunc) Send(ctx context.Context, m reference.SMS) error { return f(ctx, m) }

type nopInbox struct{}

func (nopInbox) Messages(context.Context, string, int64, time.Duration) ([]httpapi.Message, error) {
	return nil, nil
}

func TestFaultsCommand(t *testing.T) {
	ctrl := faults.New(nil, nil, 1)
	srv := controlPlane(t, ctrl, "T0K")
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("routes: [{prefix: /v1/sessions, latency: 250ms}]\nclock_skew: 2m\n"), 0o644))
	timeline := filepath.Join(dir, "timeline.yaml")
	require.NoError(t, os.WriteFile(timeline, []byte("faults:\n  - at: 0s\n    set: {provider_unavailable: true}\n  - at: 10ms\n    set: {}\n"), 0o644))
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("routes: [{prefix: /sim/faults}]\n"), 0o644))

	tokenDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(tokenDir, "operator-token"), []byte("T0K\n"), 0o600))
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }},
			append([]string{"faults", "--target", srv.URL, "--data", tokenDir}, args...))
		return code, stdout.String(), stderr.String()
	}
	code, _, errOut := run("set", spec)
	require.Equal(t, 0, code, errOut)
	code, _, errOut = run("play", timeline)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "scenario timeline.yaml step 1")
	code, _, errOut = run("set", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "routes[0].prefix")
	code, _, _ = run("reset")
	require.Equal(t, 0, code)
	code, out, _ := run("show")
	require.Equal(t, 0, code)
	var st faults.State
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	require.Len(t, st.Journal, 4)
	assert.Equal(t, "control-plane: eidsim faults set spec.yaml", st.Journal[0].Source)
	assert.True(t, st.Journal[1].Spec.ProviderUnavailable)
	assert.True(t, st.Current.Healthy())

	code, _, errOut = run("explode")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "unknown action")
	var stdout, stderr bytes.Buffer
	code = runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }},
		[]string{"faults", "--target", "http://10.1.2.3:8080", "show"})
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "not a loopback address")
}

// TestFaultsCommand_Token checks that eidsim faults sends the operator token from
// --operator-token, $EIDSIM_OPERATOR_TOKEN or DIR/operator-token, that a missing one is a
// usage error naming the three, and that a wrong one changes nothing.
func TestFaultsCommand_Token(t *testing.T) {
	ctrl := faults.New(nil, nil, 1)
	srv := controlPlane(t, ctrl, "T0K")
	spec := filepath.Join(t.TempDir(), "skew.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("clock_skew: 31m\n"), 0o644))
	empty := t.TempDir()
	run := func(envToken string, args ...string) (int, string) {
		var stderr bytes.Buffer
		code := runEnv(context.Background(), &env{stdout: io.Discard, stderr: &stderr, getenv: func(k string) string {
			if k == "EIDSIM_OPERATOR_TOKEN" {
				return envToken
			}
			return ""
		}}, append([]string{"faults", "--target", srv.URL, "--data", empty}, args...))
		return code, stderr.String()
	}
	code, errOut := run("", "set", spec)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "give --operator-token, set EIDSIM_OPERATOR_TOKEN, or --data DIR")
	code, errOut = run("", "set", spec, "--operator-token", "wrong")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errOut, "401")
	assert.Zero(t, ctrl.Skew(), "a wrong token moves no clock")
	code, errOut = run("T0K", "set", spec)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, 31*time.Minute, ctrl.Skew())
	code, _ = run("", "reset", "--operator-token", "T0K")
	require.Equal(t, exitOK, code)
	assert.Zero(t, ctrl.Skew())
}

func TestFaultJournalForManifests(t *testing.T) {
	now := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	ctrl := faults.New(nil, func() time.Time { return now }, 1)
	srv := controlPlane(t, ctrl, "T0K")
	require.NoError(t, ctrl.Set(faults.Spec{ClockSkew: time.Minute}, "before the run"))
	start := now.Add(time.Second)
	now = now.Add(2 * time.Second)
	require.NoError(t, ctrl.Set(faults.Spec{ProviderUnavailable: true}, "during the run"))
	assert.Nil(t, faultJournal(context.Background(), srv.URL, "wrong", start), "the journal needs the token")
	j := faultJournal(context.Background(), srv.URL, "T0K", start)
	require.NotNil(t, j)
	assert.Equal(t, time.Minute, j.AtStart.ClockSkew)
	require.Len(t, j.Changes, 1)
	assert.Equal(t, "during the run", j.Changes[0].Source)
	assert.Nil(t, faultJournal(context.Background(), "http://127.0.0.1:1", "T0K", start), "no control plane, nothing recorded")
}
