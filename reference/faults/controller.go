package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/smsfault"
)

// Telco is the part of a telco simulator the controller drives: it takes the SMS part of
// every setting and refuses one it cannot apply. *telco.Sim implements it; this package does
// not import the telco (the setting's type is the shared smsfault.Setting).
type Telco interface {
	SetFaults(smsfault.Setting) error
}

// Entry is one change of the fault setting.
type Entry struct {
	At     time.Time `json:"at"`
	Source string    `json:"source"`
	Spec   Spec      `json:"spec"`
}

// MaxJournal bounds the journal: the last MaxJournal changes are kept, older ones are dropped
// (and counted). With the bounds of a Spec, the journal holds at most a few MiB.
const MaxJournal = 1000

// Controller holds the current fault setting and its journal and applies it. It is safe for
// concurrent use.
type Controller struct {
	telco Telco
	now   func() time.Time

	mu      sync.RWMutex
	spec    Spec
	journal []Entry
	dropped int

	rngMu sync.Mutex
	rng   *rand.Rand

	injected *prometheus.CounterVec
}

// New returns a controller with a healthy setting. telco may be nil (no SMS faults then);
// now nil means time.Now; seed seeds the error-rate draws.
func New(t Telco, now func() time.Time, seed uint64) *Controller {
	if now == nil {
		now = time.Now
	}
	return &Controller{telco: t, now: now, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		injected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eidsim_faults_injected_total",
			Help: "Requests impaired by an injected fault, by kind (latency, error, provider_unavailable).",
		}, []string{"kind"}),
	}
}

// Collectors are the controller's Prometheus metrics.
func (c *Controller) Collectors() []prometheus.Collector { return []prometheus.Collector{c.injected} }

// Set validates spec, hands the SMS part to the telco and makes spec current, journaling it
// with its source. On error nothing changes.
func (c *Controller) Set(spec Spec, source string) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	if len(spec.SMS.Carriers) > 0 || len(spec.SMS.Outages) > 0 {
		if c.telco == nil {
			return fmt.Errorf("sms: this service has no telco simulator to impair")
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.telco != nil {
		if err := c.telco.SetFaults(spec.SMS); err != nil {
			return err
		}
	}
	c.spec = spec
	c.journal = append(c.journal, Entry{At: c.now().UTC(), Source: source, Spec: spec})
	if len(c.journal) > MaxJournal {
		n := len(c.journal) - MaxJournal
		c.dropped += n
		c.journal = append([]Entry(nil), c.journal[n:]...)
	}
	return nil
}

// Current returns the current setting.
func (c *Controller) Current() Spec {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.spec
}

// Journal returns every change so far, oldest first, and how many older ones were dropped.
func (c *Controller) Journal() ([]Entry, int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]Entry(nil), c.journal...), c.dropped
}

// Skew returns the current clock skew.
func (c *Controller) Skew() time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.spec.ClockSkew
}

// Clock is a reference.Clock running Skew ahead of Base.
type Clock struct {
	Base reference.Clock
	C    *Controller
}

// Now is Base's time plus the controller's skew.
func (k Clock) Now() time.Time { return k.Base.Now().Add(k.C.Skew()) }

func (c *Controller) float() float64 {
	c.rngMu.Lock()
	defer c.rngMu.Unlock()
	return c.rng.Float64()
}

// providerPath reports whether a path belongs to the OpenID Connect provider.
func providerPath(p string) bool {
	return strings.HasPrefix(p, "/oidc/") || p == "/oidc" || strings.HasPrefix(p, "/.well-known/")
}

// Wrap returns next with the current faults applied to every request outside /sim/: the
// provider's unavailability, then each matching route fault's latency and error draw.
func (c *Controller) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/sim/") {
			next.ServeHTTP(w, r)
			return
		}
		c.mu.RLock()
		unavailable := c.spec.ProviderUnavailable
		var routes []RouteFault
		for _, rf := range c.spec.Routes {
			if rf.matches(r) {
				routes = append(routes, rf)
			}
		}
		c.mu.RUnlock()
		if unavailable && providerPath(r.URL.Path) {
			c.injected.WithLabelValues("provider_unavailable").Inc()
			writeError(w, http.StatusServiceUnavailable, "unavailable", "the identity provider is unavailable (injected fault)")
			return
		}
		for _, rf := range routes {
			d := rf.Latency
			if rf.Jitter > 0 {
				d += time.Duration(c.float() * float64(rf.Jitter))
			}
			if d > 0 {
				c.injected.WithLabelValues("latency").Inc()
				if !sleep(r.Context(), d) {
					return
				}
			}
			if rf.ErrorRate > 0 && c.float() < rf.ErrorRate {
				c.injected.WithLabelValues("error").Inc()
				writeError(w, rf.status(), "unavailable", "injected fault on "+rf.Prefix)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeError answers in the API's error shape.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// State is what GET /sim/faults answers.
type State struct {
	Current Spec    `json:"current"`
	Journal []Entry `json:"journal"`
	// Dropped counts journal entries dropped beyond MaxJournal.
	Dropped int `json:"dropped,omitempty"`
}

// State returns the current setting and the journal (never nil).
func (c *Controller) State() State {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return State{Current: c.spec, Journal: append([]Entry{}, c.journal...), Dropped: c.dropped}
}

// Path is where the control plane is served (by the HTTP API, behind the operator token).
const Path = "/sim/faults"
