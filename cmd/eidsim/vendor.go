package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/oidc"
)

// vendorKit is what a running service offers vendors on top of the HTTP API: the OpenID
// Connect provider (when clients are registered) and the fault controller.
type vendorKit struct {
	provider *oidc.Provider // nil without clients, and until startProvider when deferred
	faults   *faults.Controller
	// deferred is the provider's configuration while it waits for its issuer (serve without
	// --issuer learns it from the listening address).
	deferred *oidc.Config
	metrics  *httpapi.Metrics
	live     atomic.Pointer[oidc.Provider]
}

// newVendorKit builds the provider on accounts for clients (none: no provider) with the
// controller's clock skew, and registers the metrics of both; the provider's state stays in
// the process. When logger is set it becomes the process's default slog logger, which
// is where the zitadel library logs (refused token requests and the like), so that those
// records join the service's JSON log instead of interleaving text lines with it.
func newVendorKit(accounts oidc.Accounts, clients []oidc.ClientConfig, issuer string, ctrl *faults.Controller, m *httpapi.Metrics, logger *slog.Logger) (*vendorKit, error) {
	return newVendorKitOn(nil, accounts, clients, issuer, ctrl, m, logger)
}

// newVendorKitOn is newVendorKit with the provider's state, keys and subject key in store
// (nil: in the process). An empty issuer defers the provider to startProvider.
func newVendorKitOn(store reference.Store, accounts oidc.Accounts, clients []oidc.ClientConfig, issuer string, ctrl *faults.Controller, m *httpapi.Metrics, logger *slog.Logger) (*vendorKit, error) {
	k := &vendorKit{faults: ctrl, metrics: m}
	if err := m.Register(ctrl.Collectors()...); err != nil {
		return nil, err
	}
	if len(clients) == 0 {
		return k, nil
	}
	if logger != nil {
		slog.SetDefault(logger)
	}
	k.deferred = &oidc.Config{Accounts: accounts, Clients: clients, Store: store, Skew: ctrl.Skew}
	if issuer == "" {
		return k, nil
	}
	return k, k.startProvider(issuer)
}

// startProvider builds the deferred provider with its issuer; requests to the provider's
// paths get 503 until then.
func (k *vendorKit) startProvider(issuer string) error {
	if k.deferred == nil {
		return nil
	}
	cfg := *k.deferred
	cfg.Issuer = issuer
	p, err := oidc.New(cfg)
	if err != nil {
		return err
	}
	if err := k.metrics.Register(p.Collectors()...); err != nil {
		return err
	}
	k.provider, k.deferred = p, nil
	k.live.Store(p)
	return nil
}

// wrap returns the middleware that serves the provider's paths and applies the injected
// faults; everything else goes to the HTTP API, which serves the control plane at /sim/faults
// (behind the operator token) when it is given the controller.
func (k *vendorKit) wrap() func(http.Handler) http.Handler {
	return func(api http.Handler) http.Handler {
		h := api
		if k.provider != nil || k.deferred != nil {
			mux := http.NewServeMux()
			provider := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				p := k.live.Load()
				if p == nil {
					http.Error(w, "the OpenID Connect provider is starting", http.StatusServiceUnavailable)
					return
				}
				p.ServeHTTP(w, r)
			})
			for _, prefix := range oidc.Prefixes {
				mux.Handle(prefix, provider)
			}
			mux.Handle("/", api)
			h = mux
		}
		return k.faults.Wrap(h)
	}
}

// manifestFaults is what a run manifest records of the target's injected faults.
type manifestFaults struct {
	// AtStart is the setting in force when the run started.
	AtStart faults.Spec `json:"at_start"`
	// Changes are the changes made during the run, in order.
	Changes []faults.Entry `json:"changes"`
}

// faultJournal fetches the target's fault journal (GET /sim/faults, with the operator token)
// for the manifest of a run that started at since: the setting in force then and every
// change after. It returns nil when the target has no fault control plane (another
// implementation of reference/openapi.yaml, or --sim off) or refuses the token.
func faultJournal(ctx context.Context, target, token string, since time.Time) *manifestFaults {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(target, "/")+faults.Path, nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer res.Body.Close()
	var st faults.State
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&st) != nil {
		return nil
	}
	out := &manifestFaults{Changes: []faults.Entry{}}
	for _, e := range st.Journal {
		if e.At.Before(since) {
			out.AtStart = e.Spec
			continue
		}
		out.Changes = append(out.Changes, e)
	}
	return out
}
