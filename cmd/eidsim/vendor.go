package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/oidc"
)

// vendorKit is what a running service offers vendors on top of the HTTP API: the OpenID
// Connect provider (when clients are registered) and the fault controller.
type vendorKit struct {
	provider *oidc.Provider // nil without clients
	faults   *faults.Controller
}

// newVendorKit builds the provider on accounts for clients (none: no provider) with the
// controller's clock skew, and registers the metrics of both. issuer "" takes the issuer from
// each request's host. When logger is set it becomes the process's default slog logger, which
// is where the zitadel library logs (refused token requests and the like), so that those
// records join the service's JSON log instead of interleaving text lines with it.
func newVendorKit(accounts oidc.Accounts, clients []oidc.ClientConfig, issuer string, ctrl *faults.Controller, m *httpapi.Metrics, logger *slog.Logger) (*vendorKit, error) {
	k := &vendorKit{faults: ctrl}
	if err := m.Register(ctrl.Collectors()...); err != nil {
		return nil, err
	}
	if len(clients) == 0 {
		return k, nil
	}
	p, err := oidc.New(oidc.Config{Accounts: accounts, Clients: clients, Issuer: issuer, Skew: ctrl.Skew})
	if err != nil {
		return nil, err
	}
	if err := m.Register(p.Collectors()...); err != nil {
		return nil, err
	}
	k.provider = p
	if logger != nil {
		slog.SetDefault(logger)
	}
	return k, nil
}

// wrap returns the middleware that serves the provider's paths and applies the injected
// faults; everything else goes to the HTTP API, which serves the control plane at /sim/faults
// (behind the operator token) when it is given the controller.
func (k *vendorKit) wrap() func(http.Handler) http.Handler {
	return func(api http.Handler) http.Handler {
		h := api
		if k.provider != nil {
			h = k.provider.Mount(h)
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
// implementation of API.md, or --sim off) or refuses the token.
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
