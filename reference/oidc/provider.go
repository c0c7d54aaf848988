package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/eidsim/eidsim/reference"
)

// Accounts is what the provider needs of the identity service: the app's login flows and the
// identity behind an account. *reference.Service implements it.
type Accounts interface {
	Login(ctx context.Context, req reference.LoginRequest) (*reference.LoginResult, error)
	VerifyLogin(ctx context.Context, id string, otp string) (*reference.Token, error)
	Resend(ctx context.Context, id string) (time.Time, error)
	Identity(ctx context.Context, citizenID string) (*reference.Identity, error)
}

// Config is what a Provider needs. Accounts and Clients are required.
type Config struct {
	Accounts Accounts
	Clients  []ClientConfig
	// Issuer is the issuer URL; empty means the scheme and host of each request (so the
	// provider works on whatever address the service listens on).
	Issuer string
	// SubjectKey keys the subject pseudonyms; empty means a random key (subjects then change
	// on restart).
	SubjectKey []byte
	// Now is the clock of the provider's own lifetimes (codes, tokens); nil is time.Now.
	Now func() time.Time
	// Skew, when set, returns the provider's clock skew: ID tokens then carry iat, auth_time
	// and exp as a provider clock that far ahead (behind, when negative) would.
	Skew func() time.Duration
	// Logger receives the login pages' error records; nil discards. (The zitadel library
	// itself logs to slog.Default.)
	Logger *slog.Logger
}

// Prefixes are the URL path prefixes the provider serves; mount it on these.
var Prefixes = []string{"/.well-known/openid-configuration", "/oidc/"}

// Provider is the OpenID Connect provider: an http.Handler for the paths in Prefixes.
type Provider struct {
	op      *op.Provider
	storage *storage
	state   *MemoryState
	mux     *http.ServeMux
	now     func() time.Time
	logins  *prometheus.CounterVec
	log     *slog.Logger
}

// New returns a Provider for cfg.
func New(cfg Config) (*Provider, error) {
	if cfg.Accounts == nil {
		return nil, errors.New("oidc: Config.Accounts is required")
	}
	if len(cfg.Clients) == 0 {
		return nil, errors.New("oidc: Config.Clients: at least one client is required")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	subKey := cfg.SubjectKey
	if len(subKey) == 0 {
		subKey = make([]byte, 32)
		if _, err := rand.Read(subKey); err != nil {
			return nil, err
		}
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("oidc: signing key: %w", err)
	}
	p := &Provider{state: NewMemoryState(), now: now, log: log,
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eidsim_oidc_logins_total",
			Help: "Logins through the OpenID Connect login page by outcome: code (sent back with a code), challenge (OTP asked), refused_level, cancelled, or the error code.",
		}, []string{"outcome"}),
	}
	p.storage = &storage{state: p.state, clients: map[string]*client{}, accounts: cfg.Accounts, key: key,
		keyID: newID()[:12], subKey: subKey, now: now}
	for _, cc := range cfg.Clients {
		if err := cc.Validate(); err != nil {
			return nil, fmt.Errorf("oidc: %w", err)
		}
		if _, dup := p.storage.clients[cc.ID]; dup {
			return nil, fmt.Errorf("oidc: client_id %q registered twice", cc.ID)
		}
		p.storage.clients[cc.ID] = &client{cfg: cc, loginURL: func(id string) string { return loginPath + "?id=" + id },
			skew: cfg.Skew}
	}
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		return nil, err
	}
	issuer := op.IssuerFromHost("")
	if cfg.Issuer != "" {
		issuer = op.StaticIssuer(strings.TrimRight(cfg.Issuer, "/"))
	}
	opCfg := &op.Config{
		CryptoKey:                cryptoKey,
		DefaultLogoutRedirectURI: loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedUILocales:       []language.Tag{language.Vietnamese, language.English},
	}
	p.op, err = op.NewProvider(opCfg, p.storage, issuer,
		op.WithAllowInsecure(),
		op.WithCustomEndpoints(
			op.NewEndpoint("oidc/authorize"), op.NewEndpoint("oidc/token"), op.NewEndpoint("oidc/userinfo"),
			op.NewEndpoint("oidc/revoke"), op.NewEndpoint("oidc/end_session"), op.NewEndpoint("oidc/keys")),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint("oidc/introspect")),
	)
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	p.mux = http.NewServeMux()
	lp := &loginPages{p: p}
	p.mux.HandleFunc("GET "+loginPath, lp.form)
	p.mux.HandleFunc("POST "+loginPath, lp.password)
	p.mux.HandleFunc("POST "+otpPath, lp.otp)
	p.mux.HandleFunc("GET "+loggedOutPath, lp.loggedOut)
	p.mux.Handle("/", p.op)
	return p, nil
}

// ServeHTTP serves the provider's paths (see Prefixes).
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// Mount returns a handler that serves the provider's paths with p and everything else with
// next.
func (p *Provider) Mount(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, prefix := range Prefixes {
		mux.Handle(prefix, p)
	}
	mux.Handle("/", next)
	return mux
}

// Collectors are the provider's Prometheus metrics.
func (p *Provider) Collectors() []prometheus.Collector { return []prometheus.Collector{p.logins} }

// State returns the provider's in-memory state.
func (p *Provider) State() *MemoryState { return p.state }

// Tamper makes the provider misbehave on one pending authorization request (its id is the
// id parameter of the login page's URL). It fails when the request is unknown or expired.
func (p *Provider) Tamper(authRequestID string, t Tamper) error {
	return p.state.updateRequest(authRequestID, p.now(), func(r *AuthRequest) error {
		r.Tamper = t
		return nil
	})
}

// AuthRequest returns a copy of a pending authorization request.
func (p *Provider) AuthRequest(id string) (*AuthRequest, error) { return p.state.request(id, p.now()) }

// ClientName returns the display name of a client (its id when it has none).
func (p *Provider) ClientName(id string) string {
	if c, ok := p.storage.clients[id]; ok && c.cfg.Name != "" {
		return c.cfg.Name
	}
	return id
}
