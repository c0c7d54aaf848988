package oidc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/memstore"
)

// Accounts is what the provider needs of the identity service: the web login (a browser is
// its own binding, the app's device is left alone), OTP resends and the identity behind an
// account. *reference.Service implements it.
type Accounts interface {
	WebLogin(ctx context.Context, citizenID, password, browser string) (*reference.WebLoginResult, error)
	VerifyWebLogin(ctx context.Context, challengeID, otp string) (*reference.WebLoginResult, error)
	TrustBrowser(ctx context.Context, citizenID string) (string, error)
	Resend(ctx context.Context, id string) (time.Time, error)
	Identity(ctx context.Context, citizenID string) (*reference.Identity, error)
}

// Config is what a Provider needs. Accounts, Clients and Issuer are required.
type Config struct {
	Accounts Accounts
	Clients  []ClientConfig
	// Issuer is the issuer URL (http or https, no query or fragment). It is fixed: the Host
	// header of a request never changes it.
	Issuer string
	// Store holds the provider's secrets (the subject key, the access-token key) and, when its
	// Tx implements reference.ProviderTx, its state: authorization requests, codes, tokens,
	// signing keys, browser bindings; so a restart keeps sub, the JWKS and every issued token,
	// and several providers on one store serve the same logins. Nil means a store in this
	// process (memstore): everything is lost on restart. A store without ProviderTx keeps the
	// state in the process and only the secrets in the store.
	Store reference.Store
	// SubjectKey keys the subject pseudonyms; empty means the store's (created on first use,
	// never changed).
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
	state   *state
	keys    *keyring
	mux     *http.ServeMux
	now     func() time.Time
	logins  *prometheus.CounterVec
	log     *slog.Logger
	issuer  string
	secure  bool // the issuer is https: cookies are Secure
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
	issuer, err := CheckIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	store := cfg.Store
	if store == nil {
		store = memstore.New()
	}
	st := &state{store: store}
	if err := st.view(ctx, func(reference.ProviderTx) error { return nil }); errors.Is(err, errNoProviderTx) {
		st = &state{store: memstore.New()}
	} else if err != nil {
		return nil, fmt.Errorf("oidc: store: %w", err)
	}
	subKey := cfg.SubjectKey
	if len(subKey) == 0 {
		if subKey, err = storeSecret(ctx, store, subjectKeyName); err != nil {
			return nil, err
		}
	}
	cryptoKey, err := storeSecret(ctx, store, cryptoKeyName)
	if err != nil {
		return nil, err
	}
	keys := &keyring{state: st, now: now}
	if err := keys.ensure(ctx); err != nil {
		return nil, err
	}
	p := &Provider{state: st, keys: keys, now: now, log: log, issuer: issuer, secure: strings.HasPrefix(issuer, "https://"),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eidsim_oidc_logins_total",
			Help: "Logins through the OpenID Connect login page by outcome: code (sent back with a code), challenge (OTP asked), refused_level, cancelled, or the error code.",
		}, []string{"outcome"}),
	}
	p.storage = &storage{state: p.state, clients: map[string]*client{}, accounts: cfg.Accounts, keys: keys,
		subKey: subKey, now: now}
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
	opCfg := &op.Config{
		CryptoKey:                [32]byte(cryptoKey),
		DefaultLogoutRedirectURI: loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedUILocales:       []language.Tag{language.Vietnamese, language.English},
	}
	p.op, err = op.NewProvider(opCfg, p.storage, op.StaticIssuer(issuer),
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
	p.mux.HandleFunc("GET /.well-known/openid-configuration", p.serveDiscovery)
	p.mux.Handle("/oidc/authorize", p.bindAuthorize(p.op))
	p.mux.Handle(callbackPath, p.guardCallback(p.op))
	p.mux.Handle("/oidc/token", p.guardToken(p.op))
	p.mux.Handle("/oidc/userinfo", p.guardUserinfo(p.op))
	p.mux.Handle("/", p.op)
	return p, nil
}

// CheckIssuer validates an issuer URL (Config.Issuer) and returns it without a trailing slash.
func CheckIssuer(s string) (string, error) {
	if s == "" {
		return "", errors.New("oidc: Config.Issuer is required (the provider never takes it from the Host header)")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("oidc: issuer %q: want an http or https URL without user, query or fragment", s)
	}
	if h := u.Hostname(); h == "0.0.0.0" || h == "::" {
		return "", fmt.Errorf("oidc: issuer %q: a wildcard address is not a URL a relying party can reach", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

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

// Tamper makes the provider misbehave on one pending authorization request (its id is the
// id parameter of the login page's URL). It fails when the request is unknown or expired.
func (p *Provider) Tamper(authRequestID string, t Tamper) error {
	return p.state.updateRequest(context.Background(), authRequestID, p.now(), func(r *AuthRequest) error {
		r.Tamper = t
		return nil
	})
}

// AuthRequest returns a copy of a pending authorization request.
func (p *Provider) AuthRequest(id string) (*AuthRequest, error) {
	return p.state.request(context.Background(), id, p.now())
}

// ClientName returns the display name of a client (its id when it has none).
func (p *Provider) ClientName(id string) string {
	if c, ok := p.storage.clients[id]; ok && c.cfg.Name != "" {
		return c.cfg.Name
	}
	return id
}

// TrustBrowser returns a device cookie of a browser bound to the citizen, as if it had signed
// in before: for test harnesses (rp-check, benchmarks) that play a returning citizen. It is
// not reachable over HTTP.
func (p *Provider) TrustBrowser(ctx context.Context, citizenID string) (*http.Cookie, error) {
	v, err := p.storage.accounts.TrustBrowser(ctx, citizenID)
	if err != nil {
		return nil, err
	}
	return p.deviceCookie(v), nil
}
