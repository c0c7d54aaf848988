// Package oidctest is a small relying party — a web application's back end using
// coreos/go-oidc and golang.org/x/oauth2 — for tests and for trying the provider: GET /start
// sends the browser to the provider (authorization code with PKCE S256, state, nonce and
// acr_values), GET /callback checks the state, exchanges the code, verifies the ID token, its
// nonce and that its acr meets the acr_values asked, and greets the citizen:
// <p id="welcome">NAME CITIZEN_ID ACR</p> with 200. Every refusal is a page
// <p id="refused">…</p> with 401. Its checks can be switched off to play a careless relying
// party.
package oidctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config configures an RP.
type Config struct {
	Issuer, ClientID, ClientSecret string
	// ACR is the acr_values sent (empty: none).
	ACR string
	// SkipStateCheck and SkipNonceCheck make a careless relying party.
	SkipStateCheck, SkipNonceCheck bool
	// Timeout bounds each call to the provider (default 20 s).
	Timeout time.Duration
}

// RP is the relying party's handler. Set Base to its own URL before serving.
type RP struct {
	cfg  Config
	Base string

	mu       sync.Mutex
	sessions map[string]*session
}

type session struct{ state, verifier, nonce string }

// SessionCookie holds the RP's session id.
const SessionCookie = "rp_session"

// New returns an RP.
func New(cfg Config) *RP {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	return &RP{cfg: cfg, sessions: map[string]*session{}}
}

// Handler serves /start and /callback.
func (rp *RP) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start", rp.start)
	mux.HandleFunc("GET /callback", rp.callback)
	return mux
}

// SetIssuer sets the provider's issuer URL (when it is known only after the provider
// started).
func (rp *RP) SetIssuer(issuer string) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.cfg.Issuer = issuer
}

// RedirectURL is the callback URL to register with the provider.
func (rp *RP) RedirectURL() string { return strings.TrimRight(rp.Base, "/") + "/callback" }

func (rp *RP) config(ctx context.Context) (*gooidc.Provider, oauth2.Config, error) {
	rp.mu.Lock()
	issuer := rp.cfg.Issuer
	rp.mu.Unlock()
	p, err := gooidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, oauth2.Config{}, err
	}
	return p, oauth2.Config{ClientID: rp.cfg.ClientID, ClientSecret: rp.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: rp.RedirectURL(), Scopes: []string{gooidc.ScopeOpenID, "profile"}}, nil
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (rp *RP) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(r.Context(), rp.cfg.Timeout)
	return gooidc.ClientContext(ctx, &http.Client{Timeout: rp.cfg.Timeout}), cancel
}

func (rp *RP) start(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := rp.ctx(r)
	defer cancel()
	_, conf, err := rp.config(ctx)
	if err != nil {
		refuse(w, http.StatusBadGateway, "provider unreachable: "+err.Error())
		return
	}
	s := &session{state: random(), verifier: oauth2.GenerateVerifier(), nonce: random()}
	id := random()
	rp.mu.Lock()
	rp.sessions[id] = s
	rp.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(s.verifier), gooidc.Nonce(s.nonce)}
	if rp.cfg.ACR != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", rp.cfg.ACR))
	}
	http.Redirect(w, r, conf.AuthCodeURL(s.state, opts...), http.StatusFound)
}

func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html><body><p id="refused">%s</p></body></html>`, html.EscapeString(msg))
}

func (rp *RP) callback(w http.ResponseWriter, r *http.Request) {
	var s *session
	if c, err := r.Cookie(SessionCookie); err == nil {
		rp.mu.Lock()
		s = rp.sessions[c.Value]
		delete(rp.sessions, c.Value) // one callback per login attempt
		rp.mu.Unlock()
	}
	if s == nil {
		refuse(w, http.StatusUnauthorized, "no login in progress in this browser")
		return
	}
	q := r.URL.Query()
	if !rp.cfg.SkipStateCheck && q.Get("state") != s.state {
		refuse(w, http.StatusUnauthorized, "state mismatch: the answer does not belong to this login")
		return
	}
	if e := q.Get("error"); e != "" {
		refuse(w, http.StatusUnauthorized, "login refused: "+e+": "+q.Get("error_description"))
		return
	}
	ctx, cancel := rp.ctx(r)
	defer cancel()
	p, conf, err := rp.config(ctx)
	if err != nil {
		refuse(w, http.StatusBadGateway, "provider unreachable: "+err.Error())
		return
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(s.verifier))
	if err != nil {
		refuse(w, http.StatusUnauthorized, "code exchange failed: "+err.Error())
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&gooidc.Config{ClientID: conf.ClientID}).Verify(ctx, raw)
	if err != nil {
		refuse(w, http.StatusUnauthorized, "ID token rejected: "+err.Error())
		return
	}
	if !rp.cfg.SkipNonceCheck && idt.Nonce != s.nonce {
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
	if rp.cfg.ACR != "" && c.ACR < rp.cfg.ACR { // LoA1 < LoA2
		refuse(w, http.StatusUnauthorized, "ID token rejected: acr "+c.ACR+" is below the requested "+rp.cfg.ACR)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><body><p id="welcome">%s</p></body></html>`,
		html.EscapeString(c.Name+" "+c.CitizenID+" "+c.ACR))
}
