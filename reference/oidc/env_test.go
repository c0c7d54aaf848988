package oidc_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/sqlite"
)

// Citizens of testdata/population.jsonl.
const (
	level1ID, level1Password, level1Device = "001090000041", "Matkhau@41", "device-41"
	level1Phone                            = "0981000041"
	level2ID, level2Password, level2Device = "001090000057", "Matkhau@57", "device-57"
	level2Phone                            = "0961000057"
	rpCallback                             = "http://rp.example/callback"
)

// smsBox is a Gateway that keeps the last OTP sent to each phone.
type smsBox struct {
	mu   sync.Mutex
	last map[string]string
}

func (b *smsBox) Send(ctx context.Context, m reference.SMS) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last == nil {
		b.last = map[string]string{}
	}
	b.last[m.To] = m.OTP
	return nil
}

func (b *smsBox) otp(phone string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last[phone]
}

// env is a reference service (SQLite, fast hasher) with its HTTP API and the provider on one
// test server.
type env struct {
	srv      *httptest.Server
	svc      *reference.Service
	provider *oidc.Provider
	sms      *smsBox
	store    *sqlite.Store
	api      http.Handler
	web      *http.Client // the browser of codeFor
}

func testClients() []oidc.ClientConfig {
	return []oidc.ClientConfig{
		{ID: "bank", Secret: "bank-secret", Name: "Ngân hàng Thử nghiệm", RedirectURIs: []string{rpCallback},
			PostLogoutRedirectURIs: []string{"http://rp.example/bye"}},
		{ID: "portal-spa", Name: "Cổng dịch vụ công (SPA)", RedirectURIs: []string{rpCallback}, AuthMethod: "none"},
	}
}

func newEnv(t testing.TB, extra ...oidc.ClientConfig) *env {
	return newEnvWith(t, nil, extra...)
}

// newEnvWith is newEnv with the provider's Config changed by mod.
func newEnvWith(t testing.TB, mod func(*oidc.Config), extra ...oidc.ClientConfig) *env {
	t.Helper()
	return newEnvHash(t, "fast", mod, extra...)
}

// newEnvHash is newEnvWith with a password hasher (fast or argon2id).
func newEnvHash(t testing.TB, hash string, mod func(*oidc.Config), extra ...oidc.ClientConfig) *env {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "eidsim.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	hasher, err := reference.NewHasher(hash)
	require.NoError(t, err)
	sms := &smsBox{}
	svc, err := reference.NewService(reference.Config{Store: store, Hasher: hasher, Gateway: sms, Seed: 1})
	require.NoError(t, err)
	_, err = assemble.ImportFile(ctx, svc, "testdata/population.jsonl", reference.ImportOptions{})
	require.NoError(t, err)
	api, err := httpapi.New(httpapi.Config{API: svc, OperatorToken: "op-token"})
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(nil)
	cfg := oidc.Config{Accounts: svc, Clients: append(testClients(), extra...), Store: store,
		Issuer: "http://" + srv.Listener.Addr().String()}
	if mod != nil {
		mod(&cfg)
	}
	p, err := oidc.New(cfg)
	require.NoError(t, err)
	srv.Config.Handler = p.Mount(api)
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{srv: srv, svc: svc, provider: p, sms: sms, store: store, api: api}
}

// browser is an HTTP client with a cookie jar that stops at the relying party's callback.
func browser(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://rp.example/") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

var idRe = regexp.MustCompile(`name="id" value="([^"]+)"`)

// page is one answer of the provider to the browser.
type page struct {
	status   int
	body     string
	location string // set when the provider sent the browser to the relying party
	url      *url.URL
}

func do(t testing.TB, c *http.Client, req *http.Request) page {
	t.Helper()
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return page{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), url: res.Request.URL}
}

func get(t testing.TB, c *http.Client, u string) page {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	return do(t, c, req)
}

func postForm(t testing.TB, c *http.Client, u string, form url.Values) page {
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// formID returns the authorization request id in a login page.
func formID(t testing.TB, p page) string {
	t.Helper()
	m := idRe.FindStringSubmatch(p.body)
	require.NotNil(t, m, "no login form in page (status %d): %s", p.status, p.body)
	return m[1]
}

// login drives the login page as a citizen from the authorization URL to the redirect to the
// relying party, typing the OTP from the SMS when asked. It returns the redirect's query.
func (e *env) login(t testing.TB, c *http.Client, authURL, citizenID, password, phone string) url.Values {
	t.Helper()
	p := get(t, c, authURL)
	require.Equal(t, http.StatusOK, p.status, p.body)
	id := formID(t, p)
	p = postForm(t, c, e.srv.URL+"/oidc/login", url.Values{"id": {id}, "citizen_id": {citizenID}, "password": {password}, "action": {"login"}})
	if p.location == "" && strings.Contains(p.body, `id="otp"`) {
		require.Equal(t, http.StatusOK, p.status, p.body)
		otp := e.sms.otp(phone)
		require.NotEmpty(t, otp, "no OTP was sent to %s", phone)
		p = postForm(t, c, e.srv.URL+"/oidc/login/otp", url.Values{"id": {id}, "otp": {otp}, "action": {"verify"}})
	}
	require.NotEmpty(t, p.location, "the provider did not send the browser back (status %d): %s", p.status, p.body)
	u, err := url.Parse(p.location)
	require.NoError(t, err)
	require.Equal(t, rpCallback, u.Scheme+"://"+u.Host+u.Path)
	return u.Query()
}
