package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/telco"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "run the reference identity service over HTTP on a population",
		usage: "--population FILE [--addr 127.0.0.1:8080] [--allow-remote] [--data DIR] [--hash argon2id|fast]\n" +
			"             [--operator-token TOKEN] [--sim=true|false] [--sms realistic|fast] [--clients FILE] [--issuer URL]\n" +
			"             [--lockout lock|throttle] [--login-answers explicit|uniform] [--hash-queue N] [--hash-queue-wait D]",
		run: runServe,
	})
}

// serveConfig is what `eidsim serve` is told.
type serveConfig struct {
	population string
	addr       string
	remote     bool
	data       string
	db         string
	telco      string
	hash       string
	token      string
	sim        bool
	sms        string
	seed       uint64
	drain      time.Duration
	accessLog  bool
	reset      bool
	clients    string
	issuer     string
	// lockout and loginAnswers are reference.Policy's Lockout and LoginAnswers.
	lockout      string
	loginAnswers string
	// hashQueue and hashQueueWait are reference.Policy's HashQueue and HashQueueWait.
	hashQueue     int
	hashQueueWait time.Duration
}

// Files inside --data.
const (
	dbFile    = "eidsim.db"
	tokenFile = "operator-token"
)

func parseServe(c *command, e *env, args []string) (*serveConfig, error) {
	cfg := &serveConfig{}
	fs := newFlagSet(c, e)
	fs.StringVar(&cfg.population, "population", "", "population `FILE` (JSON Lines) to import; a restart with the same file keeps the state, another file is refused (see --reset)")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (port 0 picks a free port); a host that is not loopback needs --allow-remote")
	fs.BoolVar(&cfg.remote, "allow-remote", false, "allow --addr on a non-loopback interface (0.0.0.0, [::], a host name): /v1/ is then open to the network")
	fs.StringVar(&cfg.data, "data", defaultData, "`DIR` (0700, locked by one serve at a time) for the SQLite database and the generated operator token")
	fs.StringVar(&cfg.db, "db", "", "PostgreSQL `URL` (postgres://user@host:port/db) instead of SQLite in DIR: several instances can share it (docs/cluster.md)")
	fs.StringVar(&cfg.telco, "telco", "", "`URL` of the `eidsim telco` the instances on one --db share (inboxes, SMS delivery); default: a telco in this process")
	fs.StringVar(&cfg.hash, "hash", "argon2id", "password hasher: argon2id (m=19 MiB, t=2, p=1) or fast (salted SHA-256, for load tests only)")
	fs.StringVar(&cfg.token, "operator-token", "", "bearer `TOKEN` of the counter calls, every /sim/ call and /metrics (default $EIDSIM_OPERATOR_TOKEN, else generated into DIR/operator-token)")
	fs.BoolVar(&cfg.sim, "sim", true, "serve the simulated world under /sim/ (handset inboxes, station scanner, faults), behind the operator token")
	fs.StringVar(&cfg.sms, "sms", "realistic", "SMS latency of the simulated telco: realistic (P50 2.5–5 s) or fast (P50 50 ms)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the service's and the telco's random draws")
	fs.DurationVar(&cfg.drain, "drain", 10*time.Second, "on SIGINT/SIGTERM, how long to let in-flight requests finish")
	fs.StringVar(&cfg.clients, "clients", "", "relying parties `FILE` (YAML/JSON): serve the OpenID Connect provider (/.well-known/openid-configuration, /oidc/)")
	fs.StringVar(&cfg.issuer, "issuer", "", "the OpenID Connect issuer `URL` relying parties use (default http://ADDR, a wildcard address as 127.0.0.1); never taken from the Host header")
	fs.BoolVar(&cfg.accessLog, "access-log", true, "write a JSON access-log line per request to stderr")
	fs.BoolVar(&cfg.reset, "reset", false, "start afresh: delete the store in DIR (accounts, OTPs, provider state; the operator token stays) and import --population again")
	fs.StringVar(&cfg.lockout, "lockout", reference.LockoutLock, "what consecutive wrong passwords do: lock (the account, as VNeID; anyone can lock it) or throttle (growing delays, NIST SP 800-63B §5.2.2)")
	fs.IntVar(&cfg.hashQueue, "hash-queue", reference.DefaultPolicy().HashQueue, "admission control: password hashes that may wait per hashing slot (one per core) before more are refused with 503 overloaded")
	fs.DurationVar(&cfg.hashQueueWait, "hash-queue-wait", reference.DefaultPolicy().HashQueueWait, "admission control: the longest a request waits for a hashing slot before 503 overloaded")
	fs.StringVar(&cfg.loginAnswers, "login-answers", reference.AnswersExplicit, "what a refused login tells: explicit (423/429 for a locked or throttled account, as VNeID) or uniform (401 invalid_credentials for every refusal)")
	// A bad flag gets one line (runEnv prints it); the full usage only on --help.
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usageErr("unexpected argument %q (the population is given with --population FILE)", rest[0])
	}
	switch {
	case cfg.population == "":
		return nil, usageErr("--population FILE is required")
	case cfg.hash != "argon2id" && cfg.hash != "fast":
		return nil, usageErr("--hash: %q is not argon2id or fast", cfg.hash)
	case cfg.sms != "realistic" && cfg.sms != "fast":
		return nil, usageErr("--sms: %q is not realistic or fast", cfg.sms)
	case cfg.data == "":
		return nil, usageErr("--data: a directory is required")
	case cfg.drain <= 0:
		return nil, usageErr("--drain: must be positive")
	case cfg.lockout != reference.LockoutLock && cfg.lockout != reference.LockoutThrottle:
		return nil, usageErr("--lockout: %q is not %s or %s", cfg.lockout, reference.LockoutLock, reference.LockoutThrottle)
	case cfg.loginAnswers != reference.AnswersExplicit && cfg.loginAnswers != reference.AnswersUniform:
		return nil, usageErr("--login-answers: %q is not %s or %s", cfg.loginAnswers, reference.AnswersExplicit, reference.AnswersUniform)
	case cfg.hashQueue < 0:
		return nil, usageErr("--hash-queue: %d is negative", cfg.hashQueue)
	case cfg.hashQueueWait <= 0:
		return nil, usageErr("--hash-queue-wait: must be positive")
	}
	if err := checkServeAddr(cfg.addr, cfg.remote); err != nil {
		return nil, usageErr("--addr: %v", err)
	}
	if err := checkClusterFlags(cfg); err != nil {
		return nil, err
	}
	if cfg.issuer != "" {
		if cfg.issuer, err = oidc.CheckIssuer(cfg.issuer); err != nil {
			return nil, usageErr("--issuer: %v", err)
		}
	}
	if cfg.token == "" {
		cfg.token = e.getenv("EIDSIM_OPERATOR_TOKEN")
	}
	return cfg, nil
}

// policy is the default policy with the lockout, login-answer and admission settings of the
// flags.
func (cfg *serveConfig) policy() reference.Policy {
	p := reference.DefaultPolicy()
	p.Lockout = cfg.lockout
	p.LoginAnswers = cfg.loginAnswers
	p.HashQueue = cfg.hashQueue
	p.HashQueueWait = cfg.hashQueueWait
	return p
}

func runServe(ctx context.Context, e *env, args []string) error {
	c := commands["serve"]
	cfg, err := parseServe(c, e, args)
	if err != nil {
		return err
	}
	svc, err := startService(ctx, e, cfg)
	if err != nil {
		return err
	}
	<-ctx.Done()
	fmt.Fprintln(e.stderr, "shutting down")
	return svc.close()
}

// service is a running reference service: the HTTP server, the telco and the store.
type service struct {
	http     *httpapi.Server
	store    serveStore
	world    *sharedWorld
	unlock   func() // releases DATA/serve.lock
	stopSim  context.CancelFunc
	simDone  chan struct{}
	drain    time.Duration
	closeErr error
	once     sync.Once
}

// lazyWorld lets the telco look handsets up in a service built after it (the service needs
// the telco as its gateway, the telco needs the service as its world).
type lazyWorld struct{ api reference.API }

func (w *lazyWorld) Handset(ctx context.Context, phone string) (*reference.Handset, error) {
	return w.api.Handset(ctx, phone)
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
	clock := reference.SystemClock{}
	world := &lazyWorld{}
	tcfg := telco.DefaultConfig()
	if cfg.sms == "fast" {
		tcfg = telco.FastConfig()
	}
	sim := telco.New(tcfg, world, clock, cfg.seed)
	ctrl := faults.New(sim, nil, cfg.seed) // GET/PUT/DELETE /sim/faults
	if err := metrics.Register(sim.Collectors()...); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	api, err := reference.NewService(reference.Config{
		Store:   store,
		Clock:   faults.Clock{Base: clock, C: ctrl},
		Hasher:  hasher,
		Gateway: shared.gateway(metrics.Gateway)(sim),
		Policy:  cfg.policy(),
		Logger:  logger,
		Seed:    cfg.seed,
	})
	if err != nil {
		return nil, err
	}
	if err := metrics.WatchAdmission(api.Admission); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	world.api = api
	if err := shared.start(ctx, store, ctrl, logger); err != nil {
		return nil, err
	}

	unlockImport, err := lockImport(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	start := time.Now()
	stats, err := api.Import(ctx, cfg.population, reference.ImportOptions{})
	unlockImport()
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if stats.Skipped {
		fmt.Fprintf(e.stderr, "population %s already imported (sha256 %.12s); keeping the state in %s\n",
			cfg.population, stats.SHA256, cfg.data)
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
		API:        api, OperatorToken: token, Sim: cfg.sim, Inbox: shared.inbox(sim), Faults: ctrl, Logger: accessLog, Metrics: metrics,
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
		_ = sim.Run(simCtx)
	}()
	if host, _, _ := net.SplitHostPort(cfg.addr); !loopbackHost(host) {
		fmt.Fprintf(e.stderr, "warning: --allow-remote: listening beyond loopback on %s; /v1/ is open to the network, /sim/, /metrics and the counter need the operator token\n", cfg.addr)
	}
	fmt.Fprintf(e.stderr, "listening on %s (hash %s, sim %v, sms %s)\n", srv.URL(), cfg.hash, cfg.sim, cfg.sms)
	return svc, nil
}

// resetStore deletes the SQLite store in dir (the database and its WAL files), so that the
// import starts a fresh world. The operator token and the lock stay.
func resetStore(e *env, dir string) error {
	removed := 0
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Remove(filepath.Join(dir, dbFile+suffix))
		switch {
		case err == nil:
			removed++
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("--reset: %w", err)
		}
	}
	if removed > 0 {
		fmt.Fprintf(e.stderr, "--reset: deleted the store in %s\n", dir)
	}
	return nil
}

// checkSamePopulation refuses a population file other than the one the store already holds:
// imported into the same store it would merge two worlds without a word.
func checkSamePopulation(ctx context.Context, store reference.Store, cfg *serveConfig) error {
	var imports []reference.ImportRecord
	if err := store.View(ctx, func(tx reference.Tx) error {
		var err error
		imports, err = tx.Imports()
		return err
	}); err != nil || len(imports) == 0 {
		return err
	}
	sum, err := fileSHA256(cfg.population)
	if err != nil {
		return usageErr("--population %s: %v", cfg.population, err)
	}
	for _, r := range imports {
		if r.SHA256 == sum {
			return nil
		}
	}
	last := imports[len(imports)-1]
	return usageErr("--population %s is not the population %s holds (%s, sha256 %.12s, imported %s): the two would merge into one world; start with --reset to replace it, or use another --data",
		cfg.population, cfg.data, last.Path, last.SHA256, last.ImportedAt.Format(time.RFC3339))
}

// listenErr is the reason a listen failed, without the "listen tcp …" prefix Go adds.
func listenErr(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
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

// jsonLogger logs JSON lines to w with millisecond UTC timestamps.
func jsonLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.String(slog.TimeKey, a.Value.Time().UTC().Format("2006-01-02T15:04:05.000Z"))
			}
			return a
		},
	}))
}

// operatorToken returns the counter's bearer token: --operator-token, $EIDSIM_OPERATOR_TOKEN,
// the one generated earlier into DIR/operator-token (narrowed to 0600), or a new random one
// written there (0600).
// A generated token is never printed, only the file's path.
func operatorToken(e *env, cfg *serveConfig) (string, error) {
	if cfg.token != "" {
		return cfg.token, nil
	}
	path := filepath.Join(cfg.data, tokenFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil && strings.TrimSpace(string(b)) != "":
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("operator token: %w", err)
		}
		fmt.Fprintf(e.stderr, "operator token: %s\n", path)
		return strings.TrimSpace(string(b)), nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("operator token: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("operator token: %w", err)
	}
	fmt.Fprintf(e.stderr, "operator token generated: %s\n", path)
	return tok, nil
}

// defaultIssuer is the issuer of a provider listening on addr without --issuer: http://addr,
// with a wildcard host (0.0.0.0, ::) replaced by 127.0.0.1 and a note saying so.
func defaultIssuer(addr string) (issuer, note string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr, ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		issuer = "http://" + net.JoinHostPort("127.0.0.1", port)
		return issuer, fmt.Sprintf("--addr %s listens on every interface: the OpenID Connect issuer is %s; set --issuer to the URL relying parties reach", addr, issuer)
	}
	return "http://" + net.JoinHostPort(host, port), ""
}
