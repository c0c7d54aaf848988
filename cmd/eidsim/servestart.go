package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/telco"
)

// service is a running reference service: the HTTP server, the telco and the store.
type service struct {
	http     *httpapi.Server
	store    serveStore
	world    *sharedWorld // --db, --telco: the parts of the world several instances share
	unlock   func()       // releases DATA/serve.lock
	stopSim  context.CancelFunc
	simDone  chan struct{}
	drain    time.Duration
	closeErr error
	once     sync.Once
}

// inbox adapts the telco's inboxes to the HTTP API's Inbox.
type inbox struct{ sim *telco.Sim }

func (i inbox) Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]httpapi.Message, error) {
	msgs, err := i.sim.Messages(ctx, phone, after, wait)
	if err != nil {
		return nil, err
	}
	return httpMessages(msgs), nil
}

// httpMessages is the telco's inbox as the HTTP API shows it.
func httpMessages(msgs []telco.Message) []httpapi.Message {
	out := make([]httpapi.Message, len(msgs))
	for k, m := range msgs {
		out[k] = httpapi.Message{ID: m.ID, Sender: m.Sender, Body: m.Body, Purpose: m.Purpose, OTP: m.OTP, DeliveredAt: m.DeliveredAt}
	}
	return out
}

// startService opens the store, imports the population, and starts the telco and the HTTP
// server. It prints the import figures and "listening on URL" on stderr when ready.
func startService(ctx context.Context, e *env, cfg *serveConfig) (svc *service, err error) {
	if st, err := os.Stat(cfg.population); err != nil {
		return nil, usageErr("--population %s: no such file", cfg.population)
	} else if st.IsDir() {
		return nil, usageErr("--population %s is a directory; give the JSON Lines file", cfg.population)
	}
	hasher, err := reference.NewHasher(cfg.hash)
	if err != nil {
		return nil, usageErr("--hash: %v", err)
	}
	// The hasher and the relying parties are checked before anything is written or imported,
	// so a bad flag or file fails at once.
	var clients []oidc.ClientConfig
	if cfg.clients != "" {
		if clients, err = oidc.LoadClients(cfg.clients); err != nil {
			return nil, usageErr("--clients: %v", err)
		}
	}
	if err := secureDataDir(e, cfg.data); err != nil {
		return nil, err
	}
	unlock, err := lockData(cfg.data)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	// The port is taken before the (long) import, so a bad or busy --addr fails at once.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, usageErr("--addr %s: %v", cfg.addr, listenErr(err))
	}
	defer func() {
		if err != nil {
			ln.Close()
		}
	}()
	token, err := operatorToken(e, cfg)
	if err != nil {
		return nil, err
	}
	shared, err := newSharedWorld(ctx, e, cfg, token)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			shared.stop()
		}
	}()
	if cfg.reset && cfg.db == "" {
		if err := resetStore(e, cfg.data); err != nil {
			return nil, err
		}
	}
	store, err := openServeStore(ctx, e, cfg)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			store.Close()
		}
	}()
	if err := checkSamePopulation(ctx, store, cfg); err != nil {
		return nil, err
	}

	logger := jsonLogger(e.stderr)
	accessLog := slog.New(slog.DiscardHandler)
	if cfg.accessLog {
		accessLog = logger
	}
	metrics := httpapi.NewMetrics()
	tcfg := telco.DefaultConfig()
	if cfg.sms == "fast" {
		tcfg = telco.FastConfig()
	}
	sys, err := assemble.New(assemble.Config{Store: store, Hasher: hasher, Policy: cfg.policy(), Logger: logger,
		Seed: cfg.seed, Telco: tcfg, TelcoSeed: cfg.seed, Gateway: shared.gateway(metrics.Gateway)})
	if err != nil {
		return nil, err
	}
	api, ctrl := sys.Service, sys.Faults // ctrl: GET/PUT/DELETE /sim/faults
	if err := metrics.Register(sys.Telco.Collectors()...); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if err := metrics.WatchAdmission(api.Admission); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}

	if err := shared.start(ctx, store, ctrl, logger); err != nil {
		return nil, err
	}
	unlockImport, err := lockImport(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	start := time.Now()
	stats, err := assemble.ImportFile(ctx, api, cfg.population, reference.ImportOptions{})
	unlockImport()
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if stats.Skipped {
		fmt.Fprintf(e.stderr, "population %s already imported (sha256 %.12s); keeping the state in %s\n",
			cfg.population, stats.SHA256, stateWhere(cfg))
	} else {
		secs := time.Since(start).Seconds()
		fmt.Fprintf(e.stderr, "imported %d citizens, %d accounts, %d subscribers in %.1fs (%.0f citizens/s, %d password hashes)\n",
			stats.Citizens, stats.Accounts, stats.Subscribers, secs, float64(stats.Citizens)/max(secs, 1e-9), stats.PasswordPoolSize)
	}

	kit, err := newVendorKitOn(store, api, clients, cfg.issuer, ctrl, metrics, logger)
	if err != nil {
		return nil, err
	}
	srv, err := httpapi.New(httpapi.Config{
		Middleware: shared.wrap(kit.wrap()),
		API:        api, OperatorToken: token, Sim: cfg.sim, Inbox: shared.inbox(sys.Telco), Faults: ctrl, Logger: accessLog, Metrics: metrics,
	})
	if err != nil {
		return nil, err
	}
	srv.Serve(ln)
	if kit.deferred != nil {
		issuer, note := defaultIssuer(srv.Addr())
		if note != "" {
			fmt.Fprintln(e.stderr, note)
		}
		if err := kit.startProvider(issuer); err != nil {
			srv.Shutdown(context.Background()) //nolint:errcheck // failing anyway
			return nil, err
		}
	}
	if kit.provider != nil {
		fmt.Fprintf(e.stderr, "OpenID Connect issuer %s\n", kit.provider.Issuer())
	}
	simCtx, stopSim := context.WithCancel(context.WithoutCancel(ctx))
	svc = &service{http: srv, store: store, world: shared, unlock: unlock, stopSim: stopSim, simDone: make(chan struct{}), drain: cfg.drain}
	go func() {
		defer close(svc.simDone)
		_ = sys.Run(simCtx)
	}()
	if host, _, _ := net.SplitHostPort(cfg.addr); !loopbackHost(host) {
		fmt.Fprintf(e.stderr, "warning: --allow-remote: listening beyond loopback on %s; /v1/ is open to the network, /sim/, /metrics and the counter need the operator token\n", cfg.addr)
	}
	fmt.Fprintf(e.stderr, "listening on %s (hash %s, sim %v, sms %s)\n", srv.URL(), cfg.hash, cfg.sim, cfg.sms)
	return svc, nil
}

// close stops accepting requests, lets in-flight ones finish within the drain time, then
// stops the telco and closes the store, in that order.
func (s *service) close() error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.drain)
		defer cancel()
		var errs []error
		if err := s.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("drain: %w", err))
		}
		s.stopSim()
		<-s.simDone
		s.world.stop()
		if err := s.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
		s.unlock()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
