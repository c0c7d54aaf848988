package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// IDTokenTamper is a way of spoiling the ID token of one token response, for checking that a
// relying party refuses it (test mode: rp-check).
type IDTokenTamper string

// The ID-token tamper kinds. Each spoils one thing and keeps the rest valid: the claim kinds
// are signed again with the provider's active key of the token's algorithm, so only the named
// claim is wrong.
const (
	// TamperIssuer sets iss to another issuer.
	TamperIssuer IDTokenTamper = "wrong_iss"
	// TamperAudience sets aud to another client (and drops azp).
	TamperAudience IDTokenTamper = "wrong_aud"
	// TamperAlgNone sends the token unsigned with the header alg "none".
	TamperAlgNone IDTokenTamper = "alg_none"
	// TamperExpired sets exp (and iat, auth_time) in the past.
	TamperExpired IDTokenTamper = "expired"
	// TamperSignature flips a bit of the signature.
	TamperSignature IDTokenTamper = "bad_signature"
	// TamperACRLoA1 sets acr to LoA1 (an answer below a requested LoA2).
	TamperACRLoA1 IDTokenTamper = "acr_loa1"
)

// WrongIssuer is the iss of a TamperIssuer token.
const WrongIssuer = "http://attacker.invalid"

// TestTokens rewrites the ID token in the token endpoint's answer to codes marked with Mark.
// It is test mode: mount it in front of the provider (Wrap) only in a test bench. Marks are
// used once and forgotten after CodeTTL. It is safe for concurrent use.
type TestTokens struct {
	p     *Provider
	mu    sync.Mutex
	marks map[string]mark // code → tamper
}

type mark struct {
	kind IDTokenTamper
	at   time.Time
}

// NewTestTokens returns the test-mode token rewriter of p.
func (p *Provider) NewTestTokens() *TestTokens { return &TestTokens{p: p, marks: map[string]mark{}} }

// Mark makes the token answer to code carry an ID token spoiled by kind.
func (t *TestTokens) Mark(code string, kind IDTokenTamper) error {
	switch kind {
	case TamperIssuer, TamperAudience, TamperAlgNone, TamperExpired, TamperSignature, TamperACRLoA1:
	default:
		return fmt.Errorf("oidc: unknown ID-token tamper %q", kind)
	}
	if code == "" {
		return errors.New("oidc: Mark: empty code")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.p.now()
	for c, m := range t.marks {
		if now.Sub(m.at) > CodeTTL {
			delete(t.marks, c)
		}
	}
	t.marks[code] = mark{kind, now}
	return nil
}

func (t *TestTokens) take(code string) (IDTokenTamper, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m, ok := t.marks[code]
	delete(t.marks, code)
	return m.kind, ok
}

// tokenPath is the token endpoint's path (see New's custom endpoints).
const tokenPath = "/oidc/token"

// Wrap returns next with the token endpoint's answers to marked codes rewritten.
func (t *TestTokens) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != tokenPath {
			next.ServeHTTP(w, r)
			return
		}
		body, err := readBody(w, r, 64<<10)
		if err != nil {
			http.Error(w, "request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		form, _ := url.ParseQuery(string(body))
		kind, ok := IDTokenTamper(""), false
		if form.Get("grant_type") == "authorization_code" {
			kind, ok = t.take(form.Get("code"))
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		out := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			if rewritten, err := t.rewrite(r, out, kind); err == nil {
				out = rewritten
			} else {
				t.p.log.Error("oidc test tokens", "kind", kind, "err", err)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
}

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		return nil, err
	}
	r.Body.Close()
	r.Body = readCloser{bytes.NewReader(buf.Bytes())}
	return buf.Bytes(), nil
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// rewrite spoils the id_token of a token response.
func (t *TestTokens) rewrite(r *http.Request, resp []byte, kind IDTokenTamper) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(resp, &doc); err != nil {
		return nil, err
	}
	raw, _ := doc["id_token"].(string)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("no compact id_token in the answer")
	}
	spoiled, err := t.spoil(r, parts, kind)
	if err != nil {
		return nil, err
	}
	doc["id_token"] = spoiled
	return json.Marshal(doc)
}

func (t *TestTokens) spoil(r *http.Request, parts []string, kind IDTokenTamper) (string, error) {
	enc := base64.RawURLEncoding
	switch kind {
	case TamperSignature:
		sig, err := enc.DecodeString(parts[2])
		if err != nil || len(sig) == 0 {
			return "", errors.New("unreadable signature")
		}
		sig[len(sig)/2] ^= 0x01
		return parts[0] + "." + parts[1] + "." + enc.EncodeToString(sig), nil
	case TamperAlgNone:
		return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".", nil
	}
	payload, err := enc.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", err
	}
	now := t.p.now()
	switch kind {
	case TamperIssuer:
		claims["iss"] = WrongIssuer
	case TamperAudience:
		claims["aud"] = []string{"another-relying-party"}
		delete(claims, "azp")
	case TamperExpired:
		claims["iat"] = now.Add(-2 * IDTokenTTL).Unix()
		claims["exp"] = now.Add(-IDTokenTTL).Unix()
		if _, ok := claims["auth_time"]; ok {
			claims["auth_time"] = now.Add(-2 * IDTokenTTL).Unix()
		}
	case TamperACRLoA1:
		claims["acr"] = ACROfLevel(1)
	}
	payload, err = json.Marshal(claims)
	if err != nil {
		return "", err
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if h, err := enc.DecodeString(parts[0]); err != nil || json.Unmarshal(h, &header) != nil {
		return "", errors.New("unreadable JOSE header")
	}
	// The provider's active key of the token's own algorithm (the client's).
	key, err := t.p.keys.signingKey(r.Context(), header.Alg)
	if err != nil {
		return "", err
	}
	signer, err := op.SignerFromKey(key)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
