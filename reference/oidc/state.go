package oidc

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// Lifetimes of the provider's artefacts.
const (
	// AuthRequestTTL is how long a started authorization request waits for the login.
	AuthRequestTTL = 15 * time.Minute
	// CodeTTL is how long an authorization code may be exchanged (once).
	CodeTTL = 60 * time.Second
	// AccessTokenTTL is the lifetime of an access token.
	AccessTokenTTL = 10 * time.Minute
	// RefreshTokenTTL is the lifetime of a refresh token (rotated on every use).
	RefreshTokenTTL = 8 * time.Hour
	// IDTokenTTL is the lifetime of an ID token.
	IDTokenTTL = 10 * time.Minute
	// maxEntries bounds each map of the in-memory state: beyond it expired entries are
	// pruned at once, and if none has expired new entries are refused.
	maxEntries = 500_000
	// pruneEvery is how many insertions pass between two sweeps of expired entries.
	pruneEvery = 8192
)

// errNotFound is returned for a missing or expired entry.
var errNotFound = errors.New("not found or expired")

// AuthRequest is one authorization request from its start at /oidc/authorize to the code
// exchange.
type AuthRequest struct {
	ID            string
	Created       time.Time
	ClientID      string
	RedirectURI   string
	State         string
	Nonce         string
	Scopes        []string
	ResponseType  oidc.ResponseType
	ResponseMode  oidc.ResponseMode
	CodeChallenge *oidc.CodeChallenge
	ACRValues     []string
	LoginHint     string

	// Set by the login page.
	CitizenID string
	Subject   string
	Level     int
	AuthTime  time.Time
	AMR       []string
	done      bool
	// Challenge is the pending new-device OTP challenge of the login, if any.
	Challenge          string
	ChallengeCitizenID string

	Code   string
	CodeAt time.Time

	// Tamper makes the provider misbehave on this request (relying-party checks).
	Tamper Tamper
}

// Tamper lists the misbehaviours of the provider on one authorization request, for checking
// how a relying party copes.
type Tamper struct {
	// ExpireCode makes the code expired when it is exchanged (invalid_grant).
	ExpireCode bool `json:"expire_code,omitempty"`
	// WrongNonce puts a nonce into the ID token that differs from the request's.
	WrongNonce bool `json:"wrong_nonce,omitempty"`
	// ProviderError answers the authorization request with error=server_error instead of a
	// code.
	ProviderError bool `json:"provider_error,omitempty"`
	// TokenDelay delays the token endpoint's answer for this request's code.
	TokenDelay time.Duration `json:"token_delay,omitempty"`
}

// accessToken is an issued access token.
type accessToken struct {
	ID        string
	ClientID  string
	Subject   string
	CitizenID string
	Scopes    []string
	Audience  []string
	Expires   time.Time
	RefreshID string
}

// refreshToken is an issued refresh token; Token is what the client holds.
type refreshToken struct {
	Token     string
	ClientID  string
	Subject   string
	CitizenID string
	Level     int
	Scopes    []string
	Audience  []string
	AuthTime  time.Time
	AMR       []string
	Expires   time.Time
	AccessID  string
}

// MemoryState holds the provider's state in the process (see the package doc for what that
// means across restarts and instances). It is safe for concurrent use.
type MemoryState struct {
	mu       sync.Mutex
	puts     int // insertions since the last sweep
	requests map[string]*AuthRequest
	codes    map[string]string // code → request id
	tokens   map[string]*accessToken
	refresh  map[string]*refreshToken
}

// NewMemoryState returns an empty in-memory state.
func NewMemoryState() *MemoryState {
	return &MemoryState{
		requests: map[string]*AuthRequest{},
		codes:    map[string]string{},
		tokens:   map[string]*accessToken{},
		refresh:  map[string]*refreshToken{},
	}
}

// Size reports the number of live entries (requests, codes, access tokens, refresh tokens).
func (m *MemoryState) Size() (requests, codes, tokens, refresh int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.requests), len(m.codes), len(m.tokens), len(m.refresh)
}

// prune drops expired entries; called with mu held when a map reaches maxEntries.
func (m *MemoryState) prune(now time.Time) {
	for id, r := range m.requests {
		if now.Sub(r.Created) > AuthRequestTTL {
			delete(m.requests, id)
			if r.Code != "" {
				delete(m.codes, r.Code)
			}
		}
	}
	for id, t := range m.tokens {
		if now.After(t.Expires) {
			delete(m.tokens, id)
		}
	}
	for id, t := range m.refresh {
		if now.After(t.Expires) {
			delete(m.refresh, id)
		}
	}
}

// full sweeps expired entries every pruneEvery insertions, and reports whether a map is
// still at maxEntries after a sweep.
func (m *MemoryState) full(n int, now time.Time) bool {
	m.puts++
	if m.puts >= pruneEvery {
		m.puts = 0
		m.prune(now)
		return len(m.requests) >= maxEntries || len(m.tokens) >= maxEntries || len(m.refresh) >= maxEntries
	}
	if n < maxEntries {
		return false
	}
	m.prune(now)
	return len(m.requests) >= maxEntries || len(m.tokens) >= maxEntries || len(m.refresh) >= maxEntries
}

var errFull = errors.New("provider state is full")

func (m *MemoryState) putRequest(r *AuthRequest, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.full(len(m.requests), now) {
		return errFull
	}
	m.requests[r.ID] = r
	return nil
}

// request returns a copy of a live request.
func (m *MemoryState) request(id string, now time.Time) (*AuthRequest, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.requests[id]
	if !ok || now.Sub(r.Created) > AuthRequestTTL {
		return nil, errNotFound
	}
	cp := *r
	return &cp, nil
}

// updateRequest runs fn on a live request under the lock.
func (m *MemoryState) updateRequest(id string, now time.Time, fn func(*AuthRequest) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.requests[id]
	if !ok || now.Sub(r.Created) > AuthRequestTTL {
		return errNotFound
	}
	return fn(r)
}

func (m *MemoryState) saveCode(id, code string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.requests[id]
	if !ok {
		return errNotFound
	}
	if r.Code != "" {
		delete(m.codes, r.Code)
	}
	r.Code, r.CodeAt = code, now
	m.codes[code] = id
	return nil
}

// requestByCode returns the request of a code that is live (within CodeTTL and not
// exchanged yet).
func (m *MemoryState) requestByCode(code string, now time.Time) (*AuthRequest, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.codes[code]
	if !ok {
		return nil, errNotFound
	}
	r, ok := m.requests[id]
	if !ok || now.Sub(r.CodeAt) > CodeTTL || r.Tamper.ExpireCode {
		return nil, errNotFound
	}
	cp := *r
	return &cp, nil
}

func (m *MemoryState) deleteRequest(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.requests[id]; ok && r.Code != "" {
		delete(m.codes, r.Code)
	}
	delete(m.requests, id)
}

func (m *MemoryState) putToken(t *accessToken, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.full(len(m.tokens), now) {
		return errFull
	}
	m.tokens[t.ID] = t
	return nil
}

func (m *MemoryState) token(id string, now time.Time) (*accessToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[id]
	if !ok || now.After(t.Expires) {
		return nil, errNotFound
	}
	cp := *t
	return &cp, nil
}

func (m *MemoryState) putRefresh(t *refreshToken, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.full(len(m.refresh), now) {
		return errFull
	}
	m.refresh[t.Token] = t
	return nil
}

func (m *MemoryState) refreshToken(tok string, now time.Time) (*refreshToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.refresh[tok]
	if !ok || now.After(t.Expires) {
		return nil, errNotFound
	}
	cp := *t
	return &cp, nil
}

// rotateRefresh replaces old by next atomically; it fails when old was used already, so a
// refresh token is good for one exchange.
func (m *MemoryState) rotateRefresh(old string, next *refreshToken, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.refresh[old]
	if !ok || now.After(t.Expires) {
		return errNotFound
	}
	delete(m.refresh, old)
	delete(m.tokens, t.AccessID)
	m.refresh[next.Token] = next
	return nil
}

// revoke deletes an access or refresh token of clientID; it reports false when the token
// belongs to another client.
func (m *MemoryState) revoke(tok, clientID string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tokens[tok]; ok {
		if t.ClientID != clientID {
			return false
		}
		delete(m.tokens, tok)
		return true
	}
	if t, ok := m.refresh[tok]; ok {
		if t.ClientID != clientID {
			return false
		}
		delete(m.refresh, tok)
		delete(m.tokens, t.AccessID)
	}
	return true
}

// endSession removes every token of a subject at a client.
func (m *MemoryState) endSession(subject, clientID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, t := range m.tokens {
		if t.Subject == subject && t.ClientID == clientID {
			delete(m.tokens, id)
		}
	}
	for id, t := range m.refresh {
		if t.Subject == subject && t.ClientID == clientID {
			delete(m.refresh, id)
		}
	}
}

// newID returns 128 random bits, URL-safe.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("oidc: crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
