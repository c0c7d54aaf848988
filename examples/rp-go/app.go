package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// Careless lists the checks a careless relying party leaves out. JWKS is not a check left out
// but a shortcut: the key set is fetched once and never again, so a key rotation breaks
// every login.
type Careless struct {
	State, Nonce, Issuer, PKCE, ACR, JWKS bool
}

// parseCareless reads a comma-separated list of state, nonce, iss, pkce, acr, jwks (or "all").
func parseCareless(s string) (Careless, error) {
	var c Careless
	for _, f := range strings.Split(s, ",") {
		switch strings.TrimSpace(f) {
		case "":
		case "all":
			c = Careless{true, true, true, true, true, true}
		case "state":
			c.State = true
		case "nonce":
			c.Nonce = true
		case "iss":
			c.Issuer = true
		case "pkce":
			c.PKCE = true
		case "acr":
			c.ACR = true
		case "jwks":
			c.JWKS = true
		default:
			return c, fmt.Errorf("%q is not one of state, nonce, iss, pkce, acr, jwks, all", f)
		}
	}
	return c, nil
}

// Config is what the App needs.
type Config struct {
	Issuer, ClientID, ClientSecret string
	// Base is the app's own URL (its callback is Base/callback).
	Base     string
	Careless Careless
	// Timeout bounds each call to the provider.
	Timeout time.Duration
}

// App is the relying party: GET / (a link to sign in), GET /start[?acr=LoA2] (to the
// provider with PKCE S256, state, nonce and acr_values), GET /callback (checks the state,
// exchanges the code, verifies the ID token — signature, iss, aud, exp — its nonce and its
// acr, and greets the citizen with <p id="welcome">NAME CITIZEN_ID ACR</p>). A refusal is a
// page <p id="refused">…</p> with 401.
type App struct {
	cfg Config

	mu       sync.Mutex
	provider *gooidc.Provider     // discovered once, on the first login (the provider may start later)
	static   *gooidc.StaticKeySet // with Careless.JWKS: the key set as first fetched
	sessions map[string]*session
}

type session struct {
	state, verifier, nonce, acr string
	started                     time.Time
}

// sessionCookie holds the app's login-attempt id.
const sessionCookie = "rp_go_session"

// NewApp returns the app for cfg.
func NewApp(cfg Config) *App {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	cfg.Base = strings.TrimRight(cfg.Base, "/")
	return &App{cfg: cfg, sessions: map[string]*session{}}
}

// Handler serves the app's pages.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /start", a.start)
	mux.HandleFunc("GET /callback", a.callback)
	return mux
}

func (a *App) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(r.Context(), a.cfg.Timeout)
	return gooidc.ClientContext(ctx, &http.Client{Timeout: a.cfg.Timeout}), cancel
}

// discover returns the provider, discovering it on first use. The provider keeps its key set
// and fetches it again when an ID token names a key it does not know (a key rotation).
func (a *App) discover(ctx context.Context) (*gooidc.Provider, oauth2.Config, error) {
	a.mu.Lock()
	p := a.provider
	a.mu.Unlock()
	if p == nil {
		var err error
		// The key set outlives this request: it refetches keys on its own context.
		if p, err = gooidc.NewProvider(gooidc.ClientContext(context.Background(), &http.Client{Timeout: a.cfg.Timeout}), a.cfg.Issuer); err != nil {
			return nil, oauth2.Config{}, err
		}
		var static *gooidc.StaticKeySet
		if a.cfg.Careless.JWKS {
			if static, err = fetchKeys(ctx, p); err != nil {
				return nil, oauth2.Config{}, err
			}
		}
		a.mu.Lock()
		a.provider, a.static = p, static
		a.mu.Unlock()
	}
	ep := p.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInHeader
	return p, oauth2.Config{ClientID: a.cfg.ClientID, ClientSecret: a.cfg.ClientSecret, Endpoint: ep,
		RedirectURL: a.cfg.Base + "/callback", Scopes: []string{gooidc.ScopeOpenID, "profile"}}, nil
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, `<!doctype html><html><body><h1>rp-go</h1><p><a href="/start">Đăng nhập bằng VNeID (LoA1)</a> · <a href="/start?acr=LoA2">LoA2</a></p></body></html>`)
}

func (a *App) start(w http.ResponseWriter, r *http.Request) {
	acr := r.URL.Query().Get("acr")
	if acr != "" && acr != "LoA1" && acr != "LoA2" {
		refuse(w, http.StatusBadRequest, "acr: want LoA1 or LoA2")
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	_, conf, err := a.discover(ctx)
	if err != nil {
		refuse(w, http.StatusBadGateway, "provider unreachable: "+err.Error())
		return
	}
	s := &session{state: random(), verifier: oauth2.GenerateVerifier(), nonce: random(), acr: acr, started: time.Now()}
	id := random()
	a.mu.Lock()
	for k, old := range a.sessions { // login attempts live 15 minutes
		if time.Since(old.started) > 15*time.Minute {
			delete(a.sessions, k)
		}
	}
	a.sessions[id] = s
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	opts := []oauth2.AuthCodeOption{gooidc.Nonce(s.nonce)}
	if !a.cfg.Careless.PKCE {
		opts = append(opts, oauth2.S256ChallengeOption(s.verifier))
	}
	if acr != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", acr))
	}
	http.Redirect(w, r, conf.AuthCodeURL(s.state, opts...), http.StatusFound)
}

func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html><body><p id="refused">%s</p></body></html>`, html.EscapeString(msg))
}

func (a *App) callback(w http.ResponseWriter, r *http.Request) {
	var s *session
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		s = a.sessions[c.Value]
		delete(a.sessions, c.Value) // one callback per login attempt
		a.mu.Unlock()
	}
	if s == nil {
		refuse(w, http.StatusUnauthorized, "no login in progress in this browser")
		return
	}
	q := r.URL.Query()
	if !a.cfg.Careless.State && q.Get("state") != s.state {
		refuse(w, http.StatusUnauthorized, "state mismatch: the answer does not belong to this login")
		return
	}
	if e := q.Get("error"); e != "" {
		refuse(w, http.StatusUnauthorized, "login refused: "+e+": "+q.Get("error_description"))
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	p, conf, err := a.discover(ctx)
	if err != nil {
		refuse(w, http.StatusBadGateway, "provider unreachable: "+err.Error())
		return
	}
	var opts []oauth2.AuthCodeOption
	if !a.cfg.Careless.PKCE {
		opts = append(opts, oauth2.VerifierOption(s.verifier))
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), opts...)
	if err != nil {
		refuse(w, http.StatusUnauthorized, "code exchange failed: "+err.Error())
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	vc := &gooidc.Config{ClientID: conf.ClientID, SkipIssuerCheck: a.cfg.Careless.Issuer}
	verifier := p.Verifier(vc)
	a.mu.Lock()
	if a.static != nil {
		vc.SupportedSigningAlgs = []string{gooidc.RS256, gooidc.ES256}
		verifier = gooidc.NewVerifier(a.cfg.Issuer, a.static, vc)
	}
	a.mu.Unlock()
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		refuse(w, http.StatusUnauthorized, "ID token rejected: "+err.Error())
		return
	}
	if !a.cfg.Careless.Nonce && idt.Nonce != s.nonce {
		refuse(w, http.StatusUnauthorized, "ID token rejected: nonce mismatch")
		return
	}
	var c struct {
		Name      string `json:"name"`
		CitizenID string `json:"citizen_id"`
		ACR       string `json:"acr"`
	}
	if err := idt.Claims(&c); err != nil {
		refuse(w, http.StatusUnauthorized, "ID token claims: "+err.Error())
		return
	}
	if !a.cfg.Careless.ACR && s.acr != "" && c.ACR < s.acr { // LoA1 < LoA2
		refuse(w, http.StatusUnauthorized, "ID token rejected: acr "+c.ACR+" is below the requested "+s.acr)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><body><p id="welcome">%s</p><p><a href="/">home</a></p></body></html>`,
		html.EscapeString(c.Name+" "+c.CitizenID+" "+c.ACR))
}

// fetchKeys fetches the provider's JWKS once (the careless key handling).
func fetchKeys(ctx context.Context, p *gooidc.Provider) (*gooidc.StaticKeySet, error) {
	var meta struct {
		JWKS string `json:"jwks_uri"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, meta.JWKS, nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	ks := &gooidc.StaticKeySet{}
	for _, k := range set.Keys {
		ks.PublicKeys = append(ks.PublicKeys, k.Key)
	}
	return ks, nil
}
