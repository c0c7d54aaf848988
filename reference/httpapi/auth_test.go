package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
)

// mustFaultServer is mustServer with the fault control plane on, logging to log when set.
func mustFaultServer(t *testing.T, api *fakeAPI, ctrl *faults.Controller, log *bytes.Buffer) *httpapi.Server {
	t.Helper()
	cfg := httpapi.Config{API: api, OperatorToken: opToken, Sim: true, Inbox: &fakeInbox{}, Faults: ctrl, MaxWait: time.Second}
	if log != nil {
		cfg.Logger = slogJSON(log)
	}
	s, err := httpapi.New(cfg)
	require.NoError(t, err)
	return s
}

// badTokens are Authorization headers that must not pass as the operator token.
var badTokens = [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic " + opToken},
	{"Authorization", "Bearer " + opToken + "x"}, {"Authorization", "Bearer"}, {"Authorization", "bearer"}}

// TestSim_RequiresOperatorToken checks finding 2: without the operator token no /sim/ route
// answers (no OTP can be read from a handset, no capture taken, no setting read or fault
// set) and /metrics does not either; each refusal is 401 with WWW-Authenticate: Bearer and
// reaches neither the API nor the inbox.
func TestSim_RequiresOperatorToken(t *testing.T) {
	routes := []struct{ method, path, body string }{
		{"GET", "/sim/handsets/0912345678/messages", ""},
		{"GET", "/sim/handsets/0912345678/messages?wait=1", ""},
		{"POST", "/sim/captures", `{"citizen_id":"001090000001"}`},
		{"GET", "/sim/settings", ""},
		{"GET", "/sim/faults", ""},
		{"PUT", "/sim/faults", `{"clock_skew":"31m"}`},
		{"DELETE", "/sim/faults", ""},
		{"GET", "/metrics", ""},
	}
	for _, rt := range routes {
		for _, hdr := range badTokens {
			api := &fakeAPI{}
			ctrl := faults.New(nil, nil, 1)
			inbox := &fakeInbox{}
			s, err := httpapi.New(httpapi.Config{API: api, OperatorToken: opToken, Sim: true, Inbox: inbox, Faults: ctrl})
			require.NoError(t, err)
			res := do(t, s, rt.method, rt.path, rt.body, hdr...)
			assert.Equal(t, 401, res.status, "%s %s %v", rt.method, rt.path, hdr)
			assert.Equal(t, "unauthorized", errCode(res), "%s %s", rt.method, rt.path)
			assert.Contains(t, res.header.Get("WWW-Authenticate"), "Bearer", "%s %s", rt.method, rt.path)
			assert.Empty(t, api.lastCall, "%s %s: the API must not be called", rt.method, rt.path)
			assert.Zero(t, inbox.lastWait, "%s %s: the inbox must not be read", rt.method, rt.path)
			assert.Zero(t, ctrl.Skew(), "%s %s: the clock must not move", rt.method, rt.path)
			j, _ := ctrl.Journal()
			assert.Empty(t, j, "%s %s: no fault change", rt.method, rt.path)
		}
	}
}

// TestMetrics_RequiresTokenWithSimOff checks finding 6: /metrics is behind the operator token
// also when the simulated world is off.
func TestMetrics_RequiresTokenWithSimOff(t *testing.T) {
	s, err := httpapi.New(httpapi.Config{API: &fakeAPI{}, OperatorToken: opToken})
	require.NoError(t, err)
	res := do(t, s, "GET", "/metrics", "")
	assert.Equal(t, 401, res.status)
	assert.NotContains(t, res.raw, "eidsim_otp_sent_total")
	res = do(t, s, "GET", "/metrics", "", auth...)
	assert.Equal(t, 200, res.status)
	assert.Contains(t, res.raw, "eidsim_http_requests_total")
}

func TestFaults_ControlPlane(t *testing.T) {
	var log bytes.Buffer
	ctrl := faults.New(nil, nil, 1)
	s := mustFaultServer(t, &fakeAPI{}, ctrl, &log)
	yamlType := []string{"Content-Type", "application/yaml"}

	res := do(t, s, "PUT", "/sim/faults?source=test", `{"clock_skew": "90s", "routes": [{"prefix": "/v1/me", "latency": "1ms"}]}`, auth...)
	require.Equal(t, 200, res.status, res.raw)
	assert.Equal(t, 90*time.Second, ctrl.Skew())
	res = do(t, s, "PUT", "/sim/faults", "clock_skew: 2m\n", append(append([]string{}, auth...), yamlType...)...)
	require.Equal(t, 200, res.status, res.raw)
	assert.Equal(t, 2*time.Minute, ctrl.Skew())

	bad := []struct {
		name, body string
		header     []string
		status     int
		code       string
	}{
		{"invalid setting", `{"clock_skew": "48h"}`, nil, 400, "invalid_input"},
		{"unknown field", `{"skew": "1m"}`, nil, 400, "invalid_input"},
		{"oversized body", `{"routes": [` + strings.Repeat(" ", faults.MaxSpecBytes) + `]}`, nil, 413, "payload_too_large"},
		{"text/plain", `{"clock_skew": "1m"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type"},
		{"form", `clock_skew=1m`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		{"source too long", `{}`, nil, 400, "invalid_input"},
	}
	for _, b := range bad {
		path := "/sim/faults"
		if b.name == "source too long" {
			path += "?source=" + strings.Repeat("s", 201)
		}
		res := do(t, s, "PUT", path, b.body, append(append([]string{}, auth...), b.header...)...)
		assert.Equal(t, b.status, res.status, "%s: %s", b.name, res.raw)
		assert.Equal(t, b.code, errCode(res), b.name)
		assert.Equal(t, 2*time.Minute, ctrl.Skew(), "%s: a refused setting changes nothing", b.name)
	}

	res = do(t, s, "DELETE", "/sim/faults", "", auth...)
	assert.Equal(t, 204, res.status, res.raw)
	res = do(t, s, "GET", "/sim/faults", "", auth...)
	require.Equal(t, 200, res.status, res.raw)
	journal := res.body["journal"].([]any)
	require.Len(t, journal, 3, "the refused settings are not journaled")
	assert.Equal(t, "control-plane: test", journal[0].(map[string]any)["source"])
	assert.Equal(t, "control-plane: reset", journal[2].(map[string]any)["source"])

	// Every control-plane call is in the access log under its route.
	assert.Equal(t, 2+len(bad)+2, strings.Count(log.String(), `"route":"/sim/faults"`), log.String())
	assert.Contains(t, log.String(), `"status":413`)
	assert.Contains(t, log.String(), `"error":"unsupported_media_type"`)

	res = do(t, s, "POST", "/sim/faults", "", auth...)
	assert.Equal(t, 405, res.status)
	assert.Equal(t, "DELETE, GET, HEAD, PUT", res.header.Get("Allow"))
}

// TestFaults_NotServedWithoutController checks that /sim/faults exists only when a
// controller is configured.
func TestFaults_NotServedWithoutController(t *testing.T) {
	res := do(t, mustServer(t, &fakeAPI{}, nil), "GET", "/sim/faults", "", auth...)
	assert.Equal(t, 404, res.status)
}
