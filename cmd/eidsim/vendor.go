package main

import (
	"net/http"

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
// each request's host.
func newVendorKit(accounts oidc.Accounts, clients []oidc.ClientConfig, issuer string, ctrl *faults.Controller, m *httpapi.Metrics) (*vendorKit, error) {
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
	return k, nil
}

// wrap returns the middleware that serves the provider's paths, applies the injected faults
// and, when sim is set, serves the control plane at /sim/faults; everything else goes to the
// HTTP API.
func (k *vendorKit) wrap(sim bool) func(http.Handler) http.Handler {
	return func(api http.Handler) http.Handler {
		h := api
		if k.provider != nil {
			h = k.provider.Mount(h)
		}
		if sim {
			return k.faults.Mount(h)
		}
		return k.faults.Wrap(h)
	}
}
