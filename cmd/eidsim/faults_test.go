package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/faults"
)

func TestFaultsCommand(t *testing.T) {
	ctrl := faults.New(nil, nil, 1)
	srv := httptest.NewServer(ctrl.Mount(http.NotFoundHandler()))
	defer srv.Close()
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	require.NoError(t, os.WriteFile(spec, []byte("routes: [{prefix: /v1/sessions, latency: 250ms}]\nclock_skew: 2m\n"), 0o644))
	timeline := filepath.Join(dir, "timeline.yaml")
	require.NoError(t, os.WriteFile(timeline, []byte("faults:\n  - at: 0s\n    set: {provider_unavailable: true}\n  - at: 10ms\n    set: {}\n"), 0o644))
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("routes: [{prefix: /sim/faults}]\n"), 0o644))

	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := runEnv(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }},
			append([]string{"faults", "--target", srv.URL}, args...))
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

func TestFaultJournalForManifests(t *testing.T) {
	now := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	ctrl := faults.New(nil, func() time.Time { return now }, 1)
	srv := httptest.NewServer(ctrl.Mount(http.NotFoundHandler()))
	defer srv.Close()
	require.NoError(t, ctrl.Set(faults.Spec{ClockSkew: time.Minute}, "before the run"))
	start := now.Add(time.Second)
	now = now.Add(2 * time.Second)
	require.NoError(t, ctrl.Set(faults.Spec{ProviderUnavailable: true}, "during the run"))
	j := faultJournal(context.Background(), srv.URL, start)
	require.NotNil(t, j)
	assert.Equal(t, time.Minute, j.AtStart.ClockSkew)
	require.Len(t, j.Changes, 1)
	assert.Equal(t, "during the run", j.Changes[0].Source)
	assert.Nil(t, faultJournal(context.Background(), "http://127.0.0.1:1", start), "no control plane, nothing recorded")
}
