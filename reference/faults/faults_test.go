package faults_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/telco"
)

// fakeTelco records the faults it was given.
type fakeTelco struct {
	mu  sync.Mutex
	got []telco.Faults
}

func (f *fakeTelco) SetFaults(t telco.Faults) error {
	if err := t.Validate(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, t)
	return nil
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"empty is healthy", ``, ""},
		{"sms loss per carrier", `{"sms": {"carriers": {"Viettel": {"loss": 0.3}}}}`, ""},
		{"sms delay distribution", "sms:\n  carriers:\n    MobiFone: {extra_delay: {p50: 2s, p95: 8s}}", ""},
		{"route latency and errors", `routes: [{prefix: /v1/sessions, method: POST, latency: 200ms, jitter: 50ms, error_rate: 0.1, status: 502}]`, ""},
		{"provider down and skew", `{provider_unavailable: true, clock_skew: 5m}`, ""},
		{"unknown field", `{sms_loss: 1}`, "field sms_loss not found"},
		{"loss above 1", `{"sms": {"carriers": {"Viettel": {"loss": 1.5}}}}`, "sms.carriers.Viettel.loss"},
		{"route on the control plane", `routes: [{prefix: /sim/faults}]`, "routes[0].prefix"},
		{"relative prefix", `routes: [{prefix: v1}]`, "routes[0].prefix"},
		{"error rate", `routes: [{prefix: /v1, error_rate: -1}]`, "routes[0].error_rate"},
		{"status", `routes: [{prefix: /v1, status: 200}]`, "routes[0].status"},
		{"lower-case method", `routes: [{prefix: /v1, method: post}]`, "routes[0].method"},
		{"latency bound", `routes: [{prefix: /v1, latency: 1h}]`, "routes[0]"},
		{"skew bound", `clock_skew: 48h`, "clock_skew"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := faults.ParseSpec([]byte(tc.in))
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func FuzzParseSpec(f *testing.F) {
	f.Add([]byte(`{"sms": {"carriers": {"Viettel": {"loss": 0.3}}}}`))
	f.Add([]byte(`routes: [{prefix: /v1/sessions, latency: 1s, error_rate: 0.5}]`))
	f.Add([]byte(`{provider_unavailable: true, clock_skew: -5m}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := faults.ParseSpec(b)
		if err == nil {
			require.NoError(t, s.Validate())
		}
	})
}

func TestControlPlaneAndJournal(t *testing.T) {
	tel := &fakeTelco{}
	now := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	c := faults.New(tel, func() time.Time { return now }, 1)
	srv := httptest.NewServer(c.Mount(http.NotFoundHandler()))
	defer srv.Close()

	put := func(body string) *http.Response {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/sim/faults?source=test", strings.NewReader(body))
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res
	}
	assert.Equal(t, http.StatusOK, put(`{"sms": {"carriers": {"Viettel": {"loss": 0.3}}}, "clock_skew": "90s"}`).StatusCode)
	assert.Equal(t, http.StatusBadRequest, put(`{"sms": {"carriers": {"Viettel": {"loss": 3}}}}`).StatusCode)
	assert.Equal(t, 90*time.Second, c.Skew())
	assert.Equal(t, now.Add(90*time.Second), faults.Clock{Base: reference.NewManualClock(now), C: c}.Now())
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/sim/faults", nil)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, res.StatusCode)

	res, err = http.Get(srv.URL + "/sim/faults")
	require.NoError(t, err)
	defer res.Body.Close()
	var st faults.State
	require.NoError(t, json.NewDecoder(res.Body).Decode(&st))
	require.Len(t, st.Journal, 2, "the refused setting is not journaled")
	assert.Equal(t, "control-plane: test", st.Journal[0].Source)
	assert.Equal(t, 0.3, st.Journal[0].Spec.SMS.Carriers["Viettel"].Loss)
	assert.Equal(t, "control-plane: reset", st.Journal[1].Source)
	assert.True(t, st.Current.Healthy())
	require.Len(t, tel.got, 2)
	assert.Equal(t, 0.3, tel.got[0].Carriers["Viettel"].Loss)
}

func TestWrap(t *testing.T) {
	c := faults.New(nil, nil, 7)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := c.Mount(ok)
	status := func(method, path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code
	}
	require.Error(t, c.Set(faults.Spec{SMS: telco.Faults{Carriers: map[string]telco.CarrierFaults{"Viettel": {Loss: 0.5}}}}, "x"),
		"SMS faults need a telco")
	require.NoError(t, c.Set(faults.Spec{ProviderUnavailable: true, Routes: []faults.RouteFault{
		{Prefix: "/v1/sessions", Method: "POST", ErrorRate: 1, Status: 502},
		{Prefix: "/v1/me", Latency: time.Millisecond},
	}}, "test"))
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/.well-known/openid-configuration", http.StatusServiceUnavailable},
		{"POST", "/oidc/token", http.StatusServiceUnavailable},
		{"POST", "/v1/sessions", http.StatusBadGateway},
		{"POST", "/v1/sessions/challenges/x", http.StatusBadGateway},
		{"GET", "/v1/sessions", http.StatusTeapot},
		{"GET", "/v1/me", http.StatusTeapot},
		{"POST", "/v1/registrations", http.StatusTeapot},
		{"GET", "/sim/handsets/0981000041/messages", http.StatusTeapot},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, status(tc.method, tc.path), "%s %s", tc.method, tc.path)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(c.Collectors()...)
	mfs, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, m := range mfs[0].GetMetric() {
		got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
	}
	assert.Equal(t, map[string]float64{"provider_unavailable": 2, "error": 2, "latency": 1}, got)
}

func TestTimeline(t *testing.T) {
	tl, err := faults.LoadTimeline("testdata/sms-loss.yaml")
	require.NoError(t, err)
	require.Len(t, tl.Steps, 2)
	assert.Equal(t, 20*time.Second, tl.Steps[1].At)
	_, err = faults.ParseTimeline([]byte("faults:\n  - at: 10s\n  - at: 5s\n"))
	require.ErrorContains(t, err, "faults[1].at")
	_, err = faults.ParseTimeline([]byte("faults:\n  - at: 0s\n    set: {routes: [{prefix: x}]}\n"))
	require.ErrorContains(t, err, "faults[0].set.routes[0].prefix")

	// Played against a running service through the control plane, with offsets compressed.
	tel := &fakeTelco{}
	c := faults.New(tel, nil, 1)
	srv := httptest.NewServer(c.Mount(http.NotFoundHandler()))
	defer srv.Close()
	tl.Steps[1].At = time.Millisecond
	require.NoError(t, faults.Play(context.Background(), faults.Remote{Target: srv.URL}, tl, "sms-loss.yaml"))
	j, _ := c.Journal()
	require.Len(t, j, 2)
	assert.Contains(t, j[0].Source, "scenario sms-loss.yaml step 0")
	assert.Equal(t, 0.3, j[0].Spec.SMS.Carriers["Viettel"].Loss)
	assert.True(t, j[1].Spec.Healthy())
}
