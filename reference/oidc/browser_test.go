package oidc_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/eidsim/eidsim/reference/oidc"
)

// chromium returns the path of Debian's chromium, or skips the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
	return ""
}

// testRP is a small relying party: /start sends the browser to the provider with PKCE, state
// and nonce; /callback checks the state, exchanges the code, verifies the ID token and
// greets the citizen by name.
type testRP struct {
	mu       sync.Mutex
	srv      *httptest.Server
	issuer   string
	pending  map[string][2]string // state → {pkce verifier, nonce}
	greeting chan string
}

func newTestRP() *testRP {
	rp := &testRP{pending: map[string][2]string{}, greeting: make(chan string, 4)}
	mux := http.NewServeMux()
	mux.HandleFunc("/start", rp.start)
	mux.HandleFunc("/callback", rp.callback)
	rp.srv = httptest.NewServer(mux)
	return rp
}

func (rp *testRP) config(ctx context.Context) (*gooidc.Provider, oauth2.Config, error) {
	p, err := gooidc.NewProvider(ctx, rp.issuer)
	if err != nil {
		return nil, oauth2.Config{}, err
	}
	return p, oauth2.Config{ClientID: "browser-rp", ClientSecret: "browser-secret", Endpoint: p.Endpoint(),
		RedirectURL: rp.srv.URL + "/callback", Scopes: []string{gooidc.ScopeOpenID, "profile"}}, nil
}

func random() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (rp *testRP) start(w http.ResponseWriter, r *http.Request) {
	_, conf, err := rp.config(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	rp.mu.Lock()
	rp.pending[state] = [2]string{verifier, nonce}
	rp.mu.Unlock()
	http.Redirect(w, r, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce),
		oauth2.SetAuthURLParam("acr_values", "LoA1")), http.StatusFound)
}

func (rp *testRP) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rp.mu.Lock()
	pend, ok := rp.pending[q.Get("state")]
	delete(rp.pending, q.Get("state"))
	rp.mu.Unlock()
	if !ok {
		http.Error(w, "unknown state", http.StatusBadRequest)
		return
	}
	if e := q.Get("error"); e != "" {
		fmt.Fprintf(w, `<p id="refused">%s</p>`, html.EscapeString(e))
		return
	}
	p, conf, err := rp.config(r.Context())
	if err == nil {
		var tok *oauth2.Token
		if tok, err = conf.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(pend[0])); err == nil {
			var idt *gooidc.IDToken
			raw, _ := tok.Extra("id_token").(string)
			if idt, err = p.Verifier(&gooidc.Config{ClientID: conf.ClientID}).Verify(r.Context(), raw); err == nil {
				var c struct {
					Name      string `json:"name"`
					CitizenID string `json:"citizen_id"`
					ACR       string `json:"acr"`
				}
				if err = idt.Claims(&c); err == nil && idt.Nonce != pend[1] {
					err = fmt.Errorf("nonce mismatch")
				}
				if err == nil {
					g := fmt.Sprintf("%s %s %s", c.Name, c.CitizenID, c.ACR)
					rp.greeting <- g
					fmt.Fprintf(w, `<html><body><p id="welcome">%s</p></body></html>`, html.EscapeString(g))
					return
				}
			}
		}
	}
	http.Error(w, err.Error(), http.StatusBadGateway)
}

// TestLoginPageInHeadlessChromium drives the login page in a real browser: the first login
// from the browser asks for the SMS OTP (a new device), the second goes straight through on
// the now bound browser.
func TestLoginPageInHeadlessChromium(t *testing.T) {
	exe := chromium(t)
	rp := newTestRP()
	defer rp.srv.Close()
	e := newEnv(t, oidc.ClientConfig{ID: "browser-rp", Secret: "browser-secret", Name: "Browser RP", RedirectURIs: []string{rp.srv.URL + "/callback"}})
	rp.issuer = e.srv.URL

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var welcome string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(rp.srv.URL+"/start"),
		chromedp.WaitVisible("#citizen_id", chromedp.ByID),
		chromedp.SendKeys("#citizen_id", level1ID, chromedp.ByID),
		chromedp.SendKeys("#password", level1Password, chromedp.ByID),
		chromedp.Click("#submit", chromedp.ByID),
		chromedp.WaitVisible("#otp", chromedp.ByID),
	), "first login: password page, then the OTP page")
	otp := e.sms.otp(level1Phone)
	require.NotEmpty(t, otp)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#otp", otp, chromedp.ByID),
		chromedp.Click("#verify", chromedp.ByID),
		chromedp.WaitVisible("#welcome", chromedp.ByID),
		chromedp.Text("#welcome", &welcome, chromedp.ByID),
	), "OTP accepted, back at the relying party")
	require.Equal(t, "Trần Văn Minh "+level1ID+" LoA1", welcome)
	require.Equal(t, welcome, <-rp.greeting)

	// The browser is now the bound device: no OTP the second time.
	welcome = ""
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(rp.srv.URL+"/start"),
		chromedp.WaitVisible("#citizen_id", chromedp.ByID),
		chromedp.SendKeys("#citizen_id", level1ID, chromedp.ByID),
		chromedp.SendKeys("#password", level1Password, chromedp.ByID),
		chromedp.Click("#submit", chromedp.ByID),
		chromedp.WaitVisible("#welcome", chromedp.ByID),
		chromedp.Text("#welcome", &welcome, chromedp.ByID),
	), "second login on the bound browser")
	require.Equal(t, "Trần Văn Minh "+level1ID+" LoA1", welcome)

	// Cancelling comes back to the relying party as access_denied.
	var refused string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(rp.srv.URL+"/start"),
		chromedp.WaitVisible("#cancel", chromedp.ByID),
		chromedp.Click("#cancel", chromedp.ByID),
		chromedp.WaitVisible("#refused", chromedp.ByID),
		chromedp.Text("#refused", &refused, chromedp.ByID),
	))
	require.Equal(t, "access_denied", refused)
}
