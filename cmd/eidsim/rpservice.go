package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/oidc/rpcheck"
	"github.com/eidsim/eidsim/reference/sqlite"
	"github.com/eidsim/eidsim/reference/telco"
)

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
	sys, err := assemble.New(assemble.Config{Store: s.store, Hasher: hasher, Seed: cfg.seed, Telco: tcfg, TelcoSeed: cfg.seed,
		Gateway: metrics.Gateway})
	if err != nil {
		return nil, err
	}
	svc, ctrl := sys.Service, sys.Faults
	if _, err := assemble.ImportFile(ctx, svc, cfg.population, reference.ImportOptions{}); err != nil {
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
		Inbox: inbox{sys.Telco}, Faults: ctrl, Metrics: metrics})
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
	if err := metrics.Register(sys.Telco.Collectors()...); err != nil {
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
		_ = sys.Run(simCtx)
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
