package main

import (
	"context"
	"fmt"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/oidc"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "run the reference identity service over HTTP on a population",
		usage: "--population FILE [--addr 127.0.0.1:8080] [--allow-remote] [--data DIR] [--hash argon2id|fast]\n" +
			"             [--operator-token TOKEN] [--sim=true|false] [--sms realistic|fast] [--clients FILE] [--issuer URL]\n" +
			"             [--lockout lock|throttle] [--login-answers explicit|uniform] [--hash-queue N] [--hash-queue-wait D]\n" +
			"             [--db postgres://… [--telco URL]]",
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
