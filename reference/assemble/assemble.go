// Package assemble builds the reference identity service with its simulated surroundings in
// one place: a store, the simulated telco that delivers the service's SMS, the fault
// controller that impairs both on request, and the reference.Service itself. Every driver
// (eidsim serve, eidsim rp-check and the campaign simulation) gets its service from New, so
// the parts are wired one way only.
//
// The contract of New:
//
//   - the store is the caller's (any reference.Store: SQLite, in memory, a database shared by
//     several instances); New neither opens nor closes it;
//   - the telco looks up who holds a number in the store itself (reference.StoreWorld), or in
//     Config.World when one is given, never through the service: there is no cycle to break
//     and no forwarder that is filled in later;
//   - the service sends its SMS through the telco (Config.Gateway may wrap it, to count sends)
//     and reads the time through the fault controller (Config.Clock plus any injected skew);
//     the telco reads Config.Clock unskewed;
//   - nothing runs until the caller says so: a driver on the wall clock calls System.Run for
//     the telco's delivery loop; a simulation on a manual clock calls Telco.Advance itself.
//
// Populations are imported through the domain's rules (reference.Service.Import) from a file
// (ImportFile) or from records in memory (Records).
package assemble

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/telco"
)

// Config is what a System is built from. Store is required; every other field has a default.
type Config struct {
	// Store holds the service's state and the carriers' subscriber records.
	Store reference.Store
	// Clock is the time of the service and the telco (default reference.SystemClock).
	Clock reference.Clock
	// Hasher hashes passwords (default argon2id, as reference.NewService).
	Hasher reference.Hasher
	// Policy holds the service's rules (zero: reference.DefaultPolicy).
	Policy reference.Policy
	// Logger receives the service's operational events (default: discarded).
	Logger *slog.Logger
	// Rand is the service's source of OTP codes and ids (default crypto/rand); a
	// deterministic reader makes a simulation reproducible.
	Rand io.Reader
	// Seed seeds the service's simulated scanner captures.
	Seed uint64

	// Telco configures the simulated telco (zero fields: telco.DefaultConfig's).
	Telco telco.Config
	// TelcoSeed seeds the telco's and the fault controller's draws.
	TelcoSeed uint64
	// World answers who holds a number for the telco (default reference.StoreWorld on
	// Store). Give one to share a telco's view of the world across instances.
	World telco.World
	// Gateway, if set, is given the telco and returns the service's SMS gateway: a wrapper
	// (metrics, logging), or another gateway altogether (a telco shared by several
	// instances, in another process).
	Gateway func(reference.Gateway) reference.Gateway
}

// System is an assembled reference service: the parts New built, for the driver to serve.
type System struct {
	Store   reference.Store
	Telco   *telco.Sim
	Faults  *faults.Controller
	Service *reference.Service
}

// New builds the telco, the fault controller and the service on cfg.Store. A telco
// configuration that does not validate is an error naming the field.
func New(cfg Config) (*System, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("assemble: Config.Store is required")
	}
	if err := cfg.Telco.Validate(); err != nil {
		return nil, fmt.Errorf("telco: %w", err)
	}
	clock := cfg.Clock
	if clock == nil {
		clock = reference.SystemClock{}
	}
	world := cfg.World
	if world == nil {
		world = reference.StoreWorld{Store: cfg.Store}
	}
	sim := telco.New(cfg.Telco, world, clock, cfg.TelcoSeed)
	ctrl := faults.New(sim, nil, cfg.TelcoSeed)
	var gw reference.Gateway = sim
	if cfg.Gateway != nil {
		gw = cfg.Gateway(sim)
	}
	svc, err := reference.NewService(reference.Config{
		Store:   cfg.Store,
		Clock:   faults.Clock{Base: clock, C: ctrl},
		Hasher:  cfg.Hasher,
		Gateway: gw,
		Policy:  cfg.Policy,
		Rand:    cfg.Rand,
		Logger:  cfg.Logger,
		Seed:    cfg.Seed,
	})
	if err != nil {
		return nil, err
	}
	return &System{Store: cfg.Store, Telco: sim, Faults: ctrl, Service: svc}, nil
}

// Run runs the telco's delivery loop on the wall clock until ctx ends (see telco.Sim.Run).
func (s *System) Run(ctx context.Context) error { return s.Telco.Run(ctx) }
