package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/oidc/rpcheck"
	"github.com/eidsim/eidsim/reference/sqlite"
	"github.com/eidsim/eidsim/reference/telco"
)

func init() {
	register(&command{
		name:    "rp-check",
		summary: "act as the test identity provider for a vendor's relying party and report how it handles success and failures",
		usage: "--population FILE (--clients FILE | --redirect-uri URL [--client-id ID --client-secret S])\n" +
			"             [--rp-start URL] [--rp-start-loa2 URL] [--addr 127.0.0.1:8090] [--issuer URL] [--data DIR] [--hash fast|argon2id]\n" +
			"             [--slow 5s] [--timeout 30s] [--out FILE] [--log FILE] [--hold] [--allow-remote]",
		run: runRPCheck,
	})
}

type rpCheckConfig struct {
	population, clients, redirectURI, clientID, clientSecret  string
	start, startLoA2, addr, data, hash, sms, out, log, issuer string
	slow, timeout                                             time.Duration
	hold, allowRemote                                         bool
	seed                                                      uint64
}

func parseRPCheck(c *command, e *env, args []string) (*rpCheckConfig, error) {
	cfg := &rpCheckConfig{}
	fs := newFlagSet(c, e)
	fs.StringVar(&cfg.population, "population", "", "population `FILE` (JSON Lines) of synthetic citizens")
	fs.StringVar(&cfg.clients, "clients", "", "clients `FILE` (YAML/JSON) registering the relying parties")
	fs.StringVar(&cfg.redirectURI, "redirect-uri", "", "instead of --clients: the relying party's callback `URL` (comma-separated for several)")
	fs.StringVar(&cfg.clientID, "client-id", "vendor-rp", "with --redirect-uri: the client_id")
	fs.StringVar(&cfg.clientSecret, "client-secret", "vendor-secret", "with --redirect-uri: the client secret")
	fs.StringVar(&cfg.start, "rp-start", "", "the relying party's `URL` that starts a login (acr_values LoA1 or none); without it, only serve (use --hold)")
	fs.StringVar(&cfg.startLoA2, "rp-start-loa2", "", "the relying party's `URL` that starts a login with acr_values=LoA2 (enables the LoA2 checks)")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8090", "`HOST:PORT` the provider listens on")
	fs.StringVar(&cfg.issuer, "issuer", "", "the provider's issuer `URL` (default http://HOST:PORT of --addr, a wildcard address as 127.0.0.1)")
	fs.StringVar(&cfg.data, "data", "", "`DIR` for the SQLite database (default: a temporary directory, removed at exit)")
	fs.StringVar(&cfg.hash, "hash", "fast", "password hasher: fast (salted SHA-256) or argon2id")
	fs.StringVar(&cfg.sms, "sms", "fast", "SMS latency of the simulated telco: fast or realistic")
	fs.StringVar(&cfg.out, "out", "", "write the results as JSON to `FILE`")
	fs.StringVar(&cfg.log, "log", "", "the service's log `FILE` (JSON lines; default: rp-check-service.log beside --out, else in the system temporary directory)")
	fs.BoolVar(&cfg.allowRemote, "allow-remote", false, "allow --rp-start URLs that are not on the loopback interface")
	fs.DurationVar(&cfg.slow, "slow", 5*time.Second, "token endpoint delay in the slow-provider check")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "how long the relying party may take to answer")
	fs.BoolVar(&cfg.hold, "hold", false, "keep serving after the checks until interrupted (to try logins in a browser or run rp-login)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the service's, the telco's and the faults' random draws")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	switch {
	case len(rest) > 0:
		return nil, usageErr("unexpected argument %q", rest[0])
	case cfg.population == "":
		return nil, usageErr("--population FILE is required")
	case cfg.clients == "" && cfg.redirectURI == "":
		return nil, usageErr("--clients FILE or --redirect-uri URL is required")
	case cfg.clients != "" && cfg.redirectURI != "":
		return nil, usageErr("--clients and --redirect-uri exclude each other")
	case cfg.hash != "argon2id" && cfg.hash != "fast":
		return nil, usageErr("--hash: %q is not argon2id or fast", cfg.hash)
	case cfg.sms != "realistic" && cfg.sms != "fast":
		return nil, usageErr("--sms: %q is not realistic or fast", cfg.sms)
	case cfg.start == "" && !cfg.hold:
		return nil, usageErr("--rp-start URL is required (or --hold to only serve)")
	case cfg.slow <= 0 || cfg.timeout <= 0:
		return nil, usageErr("--slow and --timeout must be positive")
	}
	if _, _, err := net.SplitHostPort(cfg.addr); err != nil {
		return nil, usageErr("--addr: %q is not HOST:PORT", cfg.addr)
	}
	if cfg.issuer != "" {
		var err error
		if cfg.issuer, err = oidc.CheckIssuer(cfg.issuer); err != nil {
			return nil, usageErr("--issuer: %v", err)
		}
	}
	for _, f := range []struct{ flag, url string }{{"--rp-start", cfg.start}, {"--rp-start-loa2", cfg.startLoA2}} {
		if f.url == "" {
			continue
		}
		if err := checkRPStart(f.url, cfg.allowRemote); err != nil {
			return nil, usageErr("%s: %v", f.flag, err)
		}
	}
	if cfg.log == "" {
		cfg.log = filepath.Join(os.TempDir(), "rp-check-service.log")
		if cfg.out != "" {
			cfg.log = filepath.Join(filepath.Dir(cfg.out), "rp-check-service.log")
		}
	}
	return cfg, nil
}

// checkRPStart accepts an http(s) URL whose host is a loopback address or "localhost", any
// host when remote is allowed: the checker's browser goes where the start URL says, so by
// default it stays on this machine.
func checkRPStart(start string, remote bool) error {
	u, err := url.Parse(start)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want http://HOST[:PORT]/PATH or https://…", start)
	}
	if remote {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address; rp-check's browser goes only to 127.0.0.1, ::1 or localhost unless --allow-remote is given (and you have the owner's permission)", host)
}

// clientsOf returns the registered clients from --clients or --redirect-uri.
func (cfg *rpCheckConfig) clientsOf() ([]oidc.ClientConfig, error) {
	if cfg.clients != "" {
		cs, err := oidc.LoadClients(cfg.clients)
		if err != nil {
			return nil, usageErr("--clients: %v", err)
		}
		return cs, nil
	}
	c := oidc.ClientConfig{ID: cfg.clientID, Secret: cfg.clientSecret, Name: cfg.clientID, RedirectURIs: strings.Split(cfg.redirectURI, ",")}
	if err := c.Validate(); err != nil {
		return nil, usageErr("--redirect-uri: %v", err)
	}
	return []oidc.ClientConfig{c}, nil
}

// rpService is a reference service with the provider and faults on one listener.
type rpService struct {
	kit     *vendorKit
	tokens  *oidc.TestTokens
	logFile *os.File
	issuer  string
	srv     *http.Server
	ln      net.Listener
	store   *sqlite.Store
	stopSim context.CancelFunc
	simDone chan struct{}
	tmp     string
	unlock  func() // releases DIR/serve.lock
	// tokenPath holds the operator token (0600), which /sim/ (faults, handsets) needs.
	tokenPath string
}

// simInbox adapts the telco's inboxes to the HTTP API.
type simInbox struct{ sim *telco.Sim }

func (i simInbox) Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]httpapi.Message, error) {
	msgs, err := i.sim.Messages(ctx, phone, after, wait)
	if err != nil {
		return nil, err
	}
	return httpMessages(msgs), nil
}

// simWorld lets the telco look handsets up in the service built after it.
type simWorld struct{ api reference.API }

func (w *simWorld) Handset(ctx context.Context, phone string) (*reference.Handset, error) {
	return w.api.Handset(ctx, phone)
}

func startRPService(ctx context.Context, e *env, cfg *rpCheckConfig, clients []oidc.ClientConfig) (_ *rpService, err error) {
	s := &rpService{}
	dir := cfg.data
	if dir == "" {
		if dir, err = os.MkdirTemp("", "eidsim-rp-check-"); err != nil {
			return nil, err
		}
		s.tmp = dir
	} else if err := secureDataDir(e, dir); err != nil {
		// A --data of one's own holds keys as serve's does: 0700, and one user at a time.
		return nil, err
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	if s.unlock, err = lockData(dir); err != nil {
		return nil, err
	}
	hasher, err := reference.NewHasher(cfg.hash)
	if err != nil {
		return nil, usageErr("--hash: %v", err)
	}
	if s.store, err = sqlite.Open(ctx, filepath.Join(dir, "eidsim.db")); err != nil {
		return nil, err
	}
	metrics := httpapi.NewMetrics()
	tcfg := telco.FastConfig()
	if cfg.sms == "realistic" {
		tcfg = telco.DefaultConfig()
	}
	world := &simWorld{}
	sim := telco.New(tcfg, world, reference.SystemClock{}, cfg.seed)
	ctrl := faults.New(sim, nil, cfg.seed)
	svc, err := reference.NewService(reference.Config{Store: s.store, Clock: faults.Clock{Base: reference.SystemClock{}, C: ctrl},
		Hasher: hasher, Gateway: metrics.Gateway(sim), Seed: cfg.seed})
	if err != nil {
		return nil, err
	}
	world.api = svc
	if _, err := svc.Import(ctx, cfg.population, reference.ImportOptions{}); err != nil {
		return nil, fmt.Errorf("import %s: %w", cfg.population, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	token := hex.EncodeToString(raw)
	s.tokenPath = filepath.Join(dir, tokenFile)
	if err := os.WriteFile(s.tokenPath, []byte(token+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("operator token: %w", err)
	}
	api, err := httpapi.New(httpapi.Config{API: svc, OperatorToken: token, Sim: true,
		Inbox: simInbox{sim}, Faults: ctrl, Metrics: metrics})
	if err != nil {
		return nil, err
	}
	if s.ln, err = net.Listen("tcp", cfg.addr); err != nil {
		return nil, usageErr("--addr: %v", err)
	}
	s.issuer = cfg.issuer
	if s.issuer == "" {
		var note string
		if s.issuer, note = defaultIssuer(s.ln.Addr().String()); note != "" {
			fmt.Fprintln(e.stderr, note)
		}
	}
	if err := metrics.Register(sim.Collectors()...); err != nil {
		return nil, err
	}
	if s.logFile, err = os.Create(cfg.log); err != nil {
		return nil, usageErr("--log: %v", err)
	}
	logger := slog.New(slog.NewJSONHandler(s.logFile, nil))
	if s.kit, err = newVendorKit(svc, clients, s.issuer, ctrl, metrics, logger); err != nil {
		return nil, err
	}
	s.tokens = s.kit.provider.NewTestTokens()
	s.srv = &http.Server{Handler: s.tokens.Wrap(s.kit.wrap()(api)), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	simCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopSim, s.simDone = stop, make(chan struct{})
	go func() {
		defer close(s.simDone)
		_ = sim.Run(simCtx)
	}()
	go func() { _ = s.srv.Serve(s.ln) }()
	fmt.Fprintf(e.stderr, "provider listening: issuer %s (discovery %s/.well-known/openid-configuration, hash %s, sms %s); service log %s\n",
		s.issuer, s.issuer, cfg.hash, cfg.sms, cfg.log)
	return s, nil
}

func (s *rpService) url() string { return s.issuer }

func (s *rpService) close() {
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.srv.Shutdown(ctx)
		cancel()
	}
	if s.stopSim != nil {
		s.stopSim()
		<-s.simDone
	}
	if s.store != nil {
		s.store.Close()
	}
	if s.logFile != nil {
		s.logFile.Close()
	}
	if s.unlock != nil {
		s.unlock()
	}
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
}

// checkCitizens picks the first active level-1 and level-2 accounts with a password and a
// bound device from the population.
func checkCitizens(path string) (l1, l2 *rpcheck.Citizen, err error) {
	errDone := errors.New("done")
	err = population.ReadFile(path, func(r *population.Record) error {
		a := r.Account
		if a == nil || a.AccountStatus() != population.AccountActive || a.Password == "" || a.DeviceID == "" {
			return nil
		}
		c := &rpcheck.Citizen{CitizenID: r.CitizenID, FullName: r.FullName, Password: a.Password, DeviceID: a.DeviceID, Level: a.Level}
		if a.Level == 1 && l1 == nil {
			l1 = c
		}
		if a.Level == 2 && l2 == nil {
			l2 = c
		}
		if l1 != nil && l2 != nil {
			return errDone
		}
		return nil
	})
	if errors.Is(err, errDone) {
		err = nil
	}
	return l1, l2, err
}

func runRPCheck(ctx context.Context, e *env, args []string) error {
	cfg, err := parseRPCheck(commands["rp-check"], e, args)
	if err != nil {
		return err
	}
	clients, err := cfg.clientsOf()
	if err != nil {
		return err
	}
	l1, l2, err := checkCitizens(cfg.population)
	if err != nil {
		return err
	}
	s, err := startRPService(ctx, e, cfg, clients)
	if err != nil {
		return err
	}
	defer s.close()
	var passed, failed, skipped int
	if cfg.start != "" {
		rs := rpcheck.Run(ctx, rpcheck.Config{Provider: s.kit.provider, ProviderURL: s.url(), Tokens: s.tokens,
			RotateKey: rpcheck.RotatorOf(s.kit.provider), Start: cfg.start, StartLoA2: cfg.startLoA2,
			Level1: l1, Level2: l2, Slow: cfg.slow, Timeout: cfg.timeout})
		printRPChecks(e.stdout, rs)
		passed, failed, skipped = rpcheck.Tally(rs)
		if cfg.out != "" {
			b, _ := json.MarshalIndent(map[string]any{"provider": s.url(), "rp_start": cfg.start, "rp_start_loa2": cfg.startLoA2,
				"passed": passed, "failed": failed, "skipped": skipped, "results": rs}, "", "  ")
			if err := os.WriteFile(cfg.out, append(b, '\n'), 0o644); err != nil {
				return fmt.Errorf("--out: %w", err)
			}
		}
	}
	if cfg.hold {
		fmt.Fprintf(e.stderr, "serving until interrupted (faults: %s%s; /sim/ needs the operator token in %s)\n", s.url(), faults.Path, s.tokenPath)
		<-ctx.Done()
	}
	if failed > 0 {
		return exitErr(exitFailure, fmt.Errorf("%d of %d relying-party checks failed (%d passed, %d skipped)", failed, passed+failed+skipped, passed, skipped))
	}
	return nil
}

// printRPChecks writes the results table and the summary line ("N passed, N failed, N
// skipped") and returns how many checks failed.
func printRPChecks(w io.Writer, rs []rpcheck.Result) int {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tRESULT\tRELYING PARTY DID\tEXPECTED")
	for _, r := range rs {
		verdict := "pass"
		switch {
		case r.Skipped:
			verdict = "skip"
		case !r.Passed:
			verdict = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Check, verdict, r.Outcome, r.Expect)
	}
	tw.Flush()
	passed, failed, skipped := rpcheck.Tally(rs)
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	return failed
}
