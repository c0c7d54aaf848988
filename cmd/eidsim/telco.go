package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/cluster"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/telco"
)

func init() {
	register(&command{
		name:    "telco",
		summary: "run the simulated telco that several `eidsim serve --db … --telco URL` instances share",
		usage:   "--db postgres://… [--addr 127.0.0.1:8090] [--sms realistic|fast] [--seed N] [--operator-token TOKEN]",
		run:     runTelco,
	})
}

// telcoConfig is what `eidsim telco` is told.
type telcoConfig struct {
	db, addr, sms, token string
	seed                 uint64
}

func parseTelco(c *command, e *env, args []string) (*telcoConfig, error) {
	cfg := &telcoConfig{}
	fs := newFlagSet(c, e)
	fs.StringVar(&cfg.db, "db", "", "the instances' PostgreSQL `URL`: who holds each number, and the shared fault settings")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8090", "`HOST:PORT` to listen on (loopback only)")
	fs.StringVar(&cfg.sms, "sms", "realistic", "SMS latency: realistic (P50 2.5–5 s) or fast (P50 50 ms)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the telco's draws")
	fs.StringVar(&cfg.token, "operator-token", "", "bearer `TOKEN` the instances call with: their operator token (default $EIDSIM_OPERATOR_TOKEN)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usageErr("unexpected argument %q", rest[0])
	}
	if cfg.token == "" {
		cfg.token = e.getenv("EIDSIM_OPERATOR_TOKEN")
	}
	switch {
	case cfg.db == "":
		return nil, usageErr("--db URL is required: the telco reads who holds each number from the instances' database")
	case cfg.sms != "realistic" && cfg.sms != "fast":
		return nil, usageErr("--sms: %q is not realistic or fast", cfg.sms)
	case cfg.token == "":
		return nil, usageErr("--operator-token (or $EIDSIM_OPERATOR_TOKEN) is required: the instances call the telco with it")
	}
	if err := checkDBURL(cfg.db); err != nil {
		return nil, usageErr("--db: %v", err)
	}
	if err := checkServeAddr(cfg.addr, false); err != nil {
		return nil, usageErr("--addr: %v", err)
	}
	return cfg, nil
}

func runTelco(ctx context.Context, e *env, args []string) error {
	cfg, err := parseTelco(commands["telco"], e, args)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return usageErr("--addr %s: %v", cfg.addr, listenErr(err))
	}
	defer ln.Close()
	store, err := openPostgres(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer store.Close()
	tcfg := telco.DefaultConfig()
	if cfg.sms == "fast" {
		tcfg = telco.FastConfig()
	}
	sim := telco.New(tcfg, reference.StoreWorld{Store: store}, reference.SystemClock{}, cfg.seed)
	// The SMS part of the shared fault settings applies here, where the messages are.
	sync := cluster.NewFaultSync(store, faults.New(sim, nil, cfg.seed), jsonLogger(e.stderr))
	if err := sync.Start(ctx); err != nil {
		return fmt.Errorf("shared fault settings: %w", err)
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	go sync.Run(runCtx) //nolint:errcheck // ends with runCtx
	go sim.Run(runCtx)  //nolint:errcheck // ends with runCtx
	reg := prometheus.NewRegistry()
	if err := reg.Register(prometheus.NewGoCollector()); err != nil {
		return err
	}
	for _, c := range sim.Collectors() {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	srv := &http.Server{Handler: cluster.TelcoHandler(sim, sim, cfg.token, metrics), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(e.stderr, "telco listening on http://%s (sms %s, store %s)\n", ln.Addr(), cfg.sms, store.Name())
	select {
	case <-ctx.Done():
	case err := <-done:
		return err
	}
	fmt.Fprintln(e.stderr, "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cluster.MaxWait+5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
