package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/oidc/rpcheck"
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
