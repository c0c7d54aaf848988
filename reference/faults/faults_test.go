package faults_test

import (
	"context"
	"fmt"
	"io"
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
	"github.com/eidsim/eidsim/reference/smsfault"
)

// fakeTelco records the faults it was given.
type fakeTelco struct {
	mu  sync.Mutex
	got []smsfault.Setting
}

func (f *fakeTelco) SetFaults(t smsfault.Setting) error {
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

func TestJournal(t *testing.T) {
	tel := &fakeTelco{}
	now := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	c := faults.New(tel, func() time.Time { return now }, 1)
	spec, err := faults.ParseSpec([]byte(`{"sms": {"carriers": {"Viettel": {"loss": 0.3}}}, "clock_skew": "90s"}`))
	require.NoError(t, err)
	require.NoError(t, c.Set(spec, "control-plane: test"))
	require.Error(t, c.Set(faults.Spec{SMS: smsfault.Setting{Carriers: map[string]smsfault.Carrier{"Viettel": {Loss: 3}}}}, "bad"))
	assert.Equal(t, 90*time.Second, c.Skew())
	assert.Equal(t, now.Add(90*time.Second), faults.Clock{Base: reference.NewManualClock(now), C: c}.Now())
	require.NoError(t, c.Set(faults.Spec{}, "control-plane: reset"))

	st := c.State()
	require.Len(t, st.Journal, 2, "the refused setting is not journaled")
	assert.Equal(t, "control-plane: test", st.Journal[0].Source)
	assert.Equal(t, 0.3, st.Journal[0].Spec.SMS.Carriers["Viettel"].Loss)
	assert.Equal(t, "control-plane: reset", st.Journal[1].Source)
	assert.True(t, st.Current.Healthy())
	require.Len(t, tel.got, 2)
	assert.Equal(t, 0.3, tel.got[0].Carriers["Viettel"].Loss)
}

// TestJournal_Bounded checks that the journal keeps the last MaxJournal changes and counts
// the dropped ones, so that a stream of changes cannot grow the service's memory.
func TestJournal_Bounded(t *testing.T) {
	c := faults.New(nil, nil, 1)
	for i := range faults.MaxJournal + 5 {
		require.NoError(t, c.Set(faults.Spec{ClockSkew: time.Duration(i) * time.Second}, "n"))
	}
	st := c.State()
	assert.Len(t, st.Journal, faults.MaxJournal)
	assert.Equal(t, 5, st.Dropped)
	assert.Equal(t, 5*time.Second, st.Journal[0].Spec.ClockSkew, "the oldest kept is the 6th change")
}

// TestSpecBounds checks that one setting is bounded in every list and value, so a journaled
// setting stays small and the clock within a day.
func TestSpecBounds(t *testing.T) {
	many := func(n int, item string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
	}
	carriers := "{"
	for i := range faults.MaxCarriers + 1 {
		if i > 0 {
			carriers += ","
		}
		carriers += fmt.Sprintf(`"c%d": {"loss": 0.1}`, i)
	}
	carriers += "}"
	tests := []struct{ name, in, err string }{
		{"routes", `{"routes": ` + many(faults.MaxRoutes+1, `{"prefix": "/v1/me"}`) + `}`, "routes: 65 route faults"},
		{"routes at the bound", `{"routes": ` + many(faults.MaxRoutes, `{"prefix": "/v1/me"}`) + `}`, ""},
		{"carriers", `{"sms": {"carriers": ` + carriers + `}}`, "sms.carriers"},
		{"outages", `{"sms": {"outages": ` + many(faults.MaxOutages+1, `{"carrier": "Viettel", "from": "2026-07-01T08:00:00Z", "until": "2026-07-01T09:00:00Z"}`) + `}}`, "sms.outages"},
		{"long carrier name", `{"sms": {"carriers": {"` + strings.Repeat("V", 33) + `": {"loss": 0.1}}}}`, "sms.carriers"},
		{"long outage carrier", `{"sms": {"outages": [{"carrier": "` + strings.Repeat("V", 33) + `", "from": "2026-07-01T08:00:00Z", "until": "2026-07-01T09:00:00Z"}]}}`, "sms.outages[0].carrier"},
		{"long prefix", `{"routes": [{"prefix": "/` + strings.Repeat("x", 256) + `"}]}`, "routes[0].prefix"},
		{"latency overflow", `{"routes": [{"prefix": "/v1", "latency": "2562047h", "jitter": "2562047h"}]}`, "routes[0]"},
		{"skew ahead", `{"clock_skew": "24h1s"}`, "clock_skew"},
		{"skew behind", `{"clock_skew": "-24h1s"}`, "clock_skew"},
		{"skew at the bound", `{"clock_skew": "-24h"}`, ""},
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

func TestWrap(t *testing.T) {
	c := faults.New(nil, nil, 7)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := c.Wrap(ok)
	status := func(method, path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code
	}
	require.Error(t, c.Set(faults.Spec{SMS: smsfault.Setting{Carriers: map[string]smsfault.Carrier{"Viettel": {Loss: 0.5}}}}, "x"),
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
	srv := httptest.NewServer(controlPlane(c, "T0K"))
	defer srv.Close()
	tl.Steps[1].At = time.Millisecond
	require.ErrorContains(t, faults.Play(context.Background(), faults.Remote{Target: srv.URL}, tl, "sms-loss.yaml"), "401",
		"without the token nothing is set")
	require.NoError(t, faults.Play(context.Background(), faults.Remote{Target: srv.URL, Token: "T0K"}, tl, "sms-loss.yaml"))
	j, _ := c.Journal()
	require.Len(t, j, 2)
	assert.Contains(t, j[0].Source, "scenario sms-loss.yaml step 0")
	assert.Equal(t, 0.3, j[0].Spec.SMS.Carriers["Viettel"].Loss)
	assert.True(t, j[1].Spec.Healthy())
}

// controlPlane stands in for the HTTP API's PUT /sim/faults: it checks the bearer token and
// the YAML media type Remote sends, then sets the body.
func controlPlane(c *faults.Controller, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != faults.Path || r.Header.Get("Content-Type") != "application/yaml" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		spec, err := faults.ParseSpec(b)
		if err == nil {
			err = c.Set(spec, r.URL.Query().Get("source"))
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
}
