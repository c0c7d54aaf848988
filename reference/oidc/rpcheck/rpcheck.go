// Package rpcheck checks how a vendor's relying party handles "login with VNeID" when things
// go right and wrong. The provider runs in process; the checker plays the citizen's browser:
// it opens the relying party's login-start URL, follows it to the provider's login page,
// makes the provider misbehave on that one authorization request (Provider.Tamper), spoils
// the ID token of the code's token answer (oidc.TestTokens, test mode), or misbehaves itself
// (cancels, alters the state, replays a code), signs in as a synthetic citizen on the
// citizen's bound device (no OTP), and follows the answer back into the relying party.
//
// Judgement of the relying party's final page: it "logged in" when the status is 2xx and the
// page shows the citizen's ID or full name (relying parties under test must show one of them
// after a login); otherwise it refused. A refusal is handled well when the status is below
// 500 (the relying party showed an error page rather than failing); a slow provider is
// handled when the relying party answers within the timeout, either way.
package rpcheck

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference/oidc"
)

// Citizen is a synthetic citizen with an active account the checker signs in as.
type Citizen struct {
	CitizenID string
	FullName  string
	Password  string
	DeviceID  string
	Level     int
}

// Config is what Run needs.
type Config struct {
	Provider *oidc.Provider
	// ProviderURL is the provider's base URL (its issuer).
	ProviderURL string
	// Tokens, when set, is the test-mode ID-token rewriter mounted in front of the provider
	// (oidc.TestTokens.Wrap); without it the ID-token checks are skipped.
	Tokens *oidc.TestTokens
	// RotateKey, when set, makes the provider sign with a new key from now on (the old one
	// stays in the JWKS for the overlap); without it key_rotation is skipped.
	RotateKey func(context.Context) error
	// Start is the relying party's URL that starts a login asking for LoA1 (or none).
	Start string
	// StartLoA2, optional, starts a login asking for acr_values=LoA2.
	StartLoA2 string
	// Level1 and Level2 are citizens with level-1 and level-2 accounts (either may be nil).
	Level1, Level2 *Citizen
	// Slow is the token endpoint's delay in the slow-provider check (default 5 s).
	Slow time.Duration
	// Timeout bounds each answer of the relying party (default 30 s).
	Timeout time.Duration
}

// Result is the outcome of one check.
type Result struct {
	Check   string  `json:"check"`
	Expect  string  `json:"expect"`
	Passed  bool    `json:"passed"`
	Skipped bool    `json:"skipped,omitempty"`
	Outcome string  `json:"outcome"`
	Status  int     `json:"rp_status,omitempty"`
	Seconds float64 `json:"seconds"`
	// Provider is what the provider sent back to the relying party (the redirect's query
	// without the code), when it got that far.
	Provider string `json:"provider_answer,omitempty"`
}

// Check names, in the order Run runs them.
var Checks = []string{"success_loa1", "success_loa2", "step_up_loa2", "uses_pkce", "insufficient_level", "acr_checked",
	"user_cancel", "expired_code", "reused_code", "wrong_state", "wrong_nonce",
	"wrong_iss", "wrong_aud", "alg_none", "expired_id_token", "bad_signature", "key_rotation",
	"provider_error", "slow_provider"}

// Tally counts results by verdict.
func Tally(rs []Result) (passed, failed, skipped int) {
	for _, r := range rs {
		switch {
		case r.Skipped:
			skipped++
		case r.Passed:
			passed++
		default:
			failed++
		}
	}
	return passed, failed, skipped
}

// Run runs every check and returns the results in the order of Checks.
func Run(ctx context.Context, cfg Config) []Result {
	if cfg.Slow <= 0 {
		cfg.Slow = 5 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	any1 := cfg.Level1
	if any1 == nil {
		any1 = cfg.Level2
	}
	var out []Result
	for _, name := range Checks {
		start := time.Now()
		r := cfg.run(ctx, name, any1)
		r.Check = name
		r.Seconds = time.Since(start).Seconds()
		out = append(out, r)
	}
	return out
}

func skip(expect, why string) Result {
	return Result{Expect: expect, Skipped: true, Passed: true, Outcome: "skipped: " + why}
}

// idTokenChecks are the checks that spoil the ID token, with what is spoiled.
var idTokenChecks = map[string]struct {
	kind oidc.IDTokenTamper
	what string
}{
	"wrong_iss":        {oidc.TamperIssuer, "the ID token's iss is another issuer"},
	"wrong_aud":        {oidc.TamperAudience, "the ID token's aud is another client"},
	"alg_none":         {oidc.TamperAlgNone, "the ID token is unsigned (alg none)"},
	"expired_id_token": {oidc.TamperExpired, "the ID token's exp has passed"},
	"bad_signature":    {oidc.TamperSignature, "the ID token's signature is wrong"},
}

const (
	wantLogin  = "logged in, showing the citizen"
	wantRefuse = "no login; an error page (status < 500)"
)

func (cfg Config) run(ctx context.Context, name string, c *Citizen) Result {
	switch name {
	case "success_loa1":
		if c == nil {
			return skip(wantLogin, "no citizen with an active account in the population")
		}
		return cfg.flow(ctx, cfg.Start, c, flow{}).judge(true, wantLogin)
	case "success_loa2":
		if cfg.StartLoA2 == "" || cfg.Level2 == nil {
			return skip(wantLogin, "needs --rp-start-loa2 and a level-2 citizen")
		}
		return cfg.flow(ctx, cfg.StartLoA2, cfg.Level2, flow{}).judge(true, wantLogin)
	case "step_up_loa2":
		if cfg.StartLoA2 == "" || cfg.Level2 == nil {
			return skip(wantLogin+" at LoA2 after an LoA1 login", "needs --rp-start-loa2 and a level-2 citizen")
		}
		return cfg.stepUp(ctx)
	case "insufficient_level":
		if cfg.StartLoA2 == "" || cfg.Level1 == nil {
			return skip(wantRefuse, "needs --rp-start-loa2 and a level-1 citizen")
		}
		f := cfg.flow(ctx, cfg.StartLoA2, cfg.Level1, flow{})
		r := f.judge(false, wantRefuse+" after error="+oidc.ErrUnmetAuthenticationRequirements)
		if r.Passed && !strings.Contains(f.providerAnswer, oidc.ErrUnmetAuthenticationRequirements) {
			r.Passed, r.Outcome = false, "the provider did not refuse: does --rp-start-loa2 send acr_values=LoA2? "+r.Outcome
		}
		return r
	case "acr_checked":
		const expect = wantRefuse + " when it asked for LoA2 and the ID token says acr=LoA1"
		switch {
		case cfg.StartLoA2 == "" || cfg.Level2 == nil:
			return skip(expect, "needs --rp-start-loa2 and a level-2 citizen")
		case cfg.Tokens == nil:
			return skip(expect, "the provider is not in test mode (no ID-token rewriting)")
		}
		return cfg.flow(ctx, cfg.StartLoA2, cfg.Level2, flow{idToken: oidc.TamperACRLoA1}).judge(false, expect)
	}
	if c == nil {
		return skip(wantRefuse, "no citizen with an active account in the population")
	}
	if t, ok := idTokenChecks[name]; ok {
		expect := wantRefuse + " when " + t.what
		if cfg.Tokens == nil {
			return skip(expect, "the provider is not in test mode (no ID-token rewriting)")
		}
		return cfg.flow(ctx, cfg.Start, c, flow{idToken: t.kind}).judge(false, expect)
	}
	switch name {
	case "uses_pkce":
		return cfg.pkce(ctx, c)
	case "key_rotation":
		return cfg.rotation(ctx, c)
	case "user_cancel":
		return cfg.flow(ctx, cfg.Start, c, flow{cancel: true}).judge(false, wantRefuse+" after error=access_denied")
	case "expired_code":
		return cfg.flow(ctx, cfg.Start, c, flow{tamper: oidc.Tamper{ExpireCode: true}}).judge(false, wantRefuse+" after invalid_grant at the token endpoint")
	case "reused_code":
		return cfg.reused(ctx, c).judge(false, wantRefuse+" when an old callback (code, state) is replayed")
	case "wrong_state":
		return cfg.flow(ctx, cfg.Start, c, flow{wrongState: true}).judge(false, wantRefuse+" when the state does not match")
	case "wrong_nonce":
		return cfg.flow(ctx, cfg.Start, c, flow{tamper: oidc.Tamper{WrongNonce: true}}).judge(false, wantRefuse+" when the ID token's nonce does not match")
	case "provider_error":
		return cfg.flow(ctx, cfg.Start, c, flow{tamper: oidc.Tamper{ProviderError: true}}).judge(false, wantRefuse+" after error=server_error")
	case "slow_provider":
		f := cfg.flow(ctx, cfg.Start, c, flow{tamper: oidc.Tamper{TokenDelay: cfg.Slow}})
		r := f.judge(true, fmt.Sprintf("an answer within %v with a token endpoint taking %v: logged in, or an error page (status < 500)", cfg.Timeout, cfg.Slow))
		if !r.Passed && f.err == nil && f.status < 500 {
			r.Passed = true
		}
		return r
	}
	return Result{Outcome: "unknown check"}
}

// pkce starts a login and reads the authorization request the relying party sent: it must
// carry a code_challenge with method S256 (RFC 7636; RFC 9700 §2.1.1).
func (cfg Config) pkce(ctx context.Context, c *Citizen) Result {
	const expect = "an authorization request with code_challenge_method=S256"
	b, err := cfg.newBrowser(c)
	if err != nil {
		return Result{Expect: expect, Outcome: err.Error()}
	}
	if _, err := b.toLoginPage(ctx, cfg.Start); err != nil {
		return Result{Expect: expect, Outcome: err.Error()}
	}
	q := b.authorize.Query()
	switch ch, m := q.Get("code_challenge"), q.Get("code_challenge_method"); {
	case ch == "":
		return Result{Expect: expect, Outcome: "no code_challenge: the relying party does not use PKCE"}
	case m != "S256":
		return Result{Expect: expect, Outcome: fmt.Sprintf("code_challenge_method=%q: only S256 protects the code", m)}
	}
	return Result{Expect: expect, Passed: true, Outcome: "code_challenge_method=S256"}
}

// stepUp logs the level-2 citizen in at LoA1, then, in the same browser, at LoA2.
func (cfg Config) stepUp(ctx context.Context) Result {
	const expect = wantLogin + " at LoA2 after an LoA1 login in the same browser"
	b, err := cfg.newBrowser(cfg.Level2)
	if err != nil {
		return Result{Expect: expect, Outcome: err.Error()}
	}
	first := cfg.flowIn(ctx, b, cfg.Start, cfg.Level2, flow{})
	if r := first.judge(true, expect); !r.Passed {
		r.Outcome = "the LoA1 login before the step-up: " + r.Outcome
		return r
	}
	f := cfg.flowIn(ctx, b, cfg.StartLoA2, cfg.Level2, flow{})
	r := f.judge(true, expect)
	if r.Passed && !strings.Contains(html.UnescapeString(f.body), "LoA2") {
		r.Outcome += "; note: the page does not show LoA2"
	}
	return r
}

// rotation logs in (the relying party fetches the JWKS), makes the provider rotate its
// signing key, and logs in again: the relying party must fetch the JWKS again for the new
// key.
func (cfg Config) rotation(ctx context.Context, c *Citizen) Result {
	const expect = wantLogin + " with an ID token signed by a key the provider rotated in after the previous login"
	if cfg.RotateKey == nil {
		return skip(expect, "the provider cannot rotate its signing key")
	}
	first := cfg.flow(ctx, cfg.Start, c, flow{})
	if r := first.judge(true, expect); !r.Passed {
		r.Outcome = "the login before the rotation: " + r.Outcome
		return r
	}
	if err := cfg.RotateKey(ctx); err != nil {
		return Result{Expect: expect, Outcome: "rotating the provider's key: " + err.Error()}
	}
	return cfg.flow(ctx, cfg.Start, c, flow{}).judge(true, expect)
}

// flow is what the browser does differently in a check.
type flow struct {
	tamper     oidc.Tamper
	idToken    oidc.IDTokenTamper // spoils the ID token of the code's token answer
	cancel     bool
	wrongState bool

	// Results.
	err            error
	status         int
	body           string
	providerAnswer string
	callback       string // the redirect to the relying party as the provider sent it
	citizen        *Citizen
}

func (f *flow) judge(wantLogin bool, expect string) Result {
	r := Result{Expect: expect, Status: f.status, Provider: f.providerAnswer}
	if f.err != nil {
		r.Outcome = f.err.Error()
		return r
	}
	in := loggedIn(f.status, f.body, f.citizen)
	switch {
	case in:
		r.Outcome = fmt.Sprintf("logged in (%d)", f.status)
	case f.status >= 500:
		r.Outcome = fmt.Sprintf("relying party failed (%d): %s", f.status, snippet(f.body))
	default:
		r.Outcome = fmt.Sprintf("refused (%d): %s", f.status, snippet(f.body))
	}
	r.Passed = in == wantLogin && (wantLogin || f.status < 500)
	return r
}

func loggedIn(status int, body string, c *Citizen) bool {
	if status < 200 || status > 299 || c == nil {
		return false
	}
	text := html.UnescapeString(body)
	return strings.Contains(text, c.CitizenID) || (c.FullName != "" && strings.Contains(text, c.FullName))
}

var tagRe = regexp.MustCompile(`<[^>]*>|\s+`)

func snippet(body string) string {
	s := strings.TrimSpace(tagRe.ReplaceAllString(html.UnescapeString(body), " "))
	if r := []rune(s); len(r) > 140 {
		s = string(r[:140]) + "…"
	}
	return s
}

// browser is a cookie-keeping client that stops when the provider sends it to another
// origin (the relying party), so the checker can see and alter that redirect.
type browser struct {
	c        *http.Client
	provider *url.URL
	// authorize is the last authorization request the relying party sent the browser to.
	authorize *url.URL
}

func (cfg Config) newBrowser(c *Citizen) (*browser, error) {
	pu, err := url.Parse(cfg.ProviderURL)
	if err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	if c != nil && c.DeviceID != "" && cfg.Provider != nil {
		// A returning citizen: a browser the provider bound before (an app device id is not one).
		cookie, err := cfg.Provider.TrustBrowser(context.Background(), c.CitizenID)
		if err != nil {
			return nil, err
		}
		jar.SetCookies(pu.ResolveReference(&url.URL{Path: "/oidc/"}), []*http.Cookie{cookie})
	}
	b := &browser{provider: pu}
	b.c = &http.Client{Jar: jar, Timeout: cfg.Timeout + cfg.Slow, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 20 {
			return errors.New("stopped after 20 redirects")
		}
		if req.URL.Host == pu.Host && req.URL.Path == "/oidc/authorize" {
			b.authorize = req.URL
		}
		if via[len(via)-1].URL.Host == pu.Host && req.URL.Host != pu.Host {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b, nil
}

// page is an answer: status, body, final URL and, when the provider redirected away, the
// Location.
type page struct {
	status   int
	body     string
	url      *url.URL
	location string
}

func (b *browser) do(ctx context.Context, method, u string, form url.Values) (page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return page{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err != nil {
		return page{}, err
	}
	defer res.Body.Close()
	bb, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return page{}, err
	}
	p := page{status: res.StatusCode, body: string(bb), url: res.Request.URL}
	if res.StatusCode/100 == 3 && res.Request.URL.Host == b.provider.Host {
		p.location = res.Header.Get("Location")
	}
	return p, nil
}

var idRe = regexp.MustCompile(`name="id" value="([^"]+)"`)

// toLoginPage opens the relying party's start URL and follows it to the provider's login
// page, returning the authorization request id.
func (b *browser) toLoginPage(ctx context.Context, start string) (string, error) {
	p, err := b.do(ctx, http.MethodGet, start, nil)
	if err != nil {
		return "", fmt.Errorf("opening the relying party's start URL: %w", err)
	}
	if p.url.Host != b.provider.Host || p.url.Path != "/oidc/login" {
		return "", fmt.Errorf("the start URL did not lead to the provider's login page (ended at %s with %d: %s)", p.url, p.status, snippet(p.body))
	}
	m := idRe.FindStringSubmatch(p.body)
	if m == nil {
		return "", fmt.Errorf("the provider refused the relying party's authorization request (%d): %s", p.status, snippet(p.body))
	}
	return m[1], nil
}

// flow runs one login with the flow's variations in a new browser.
func (cfg Config) flow(ctx context.Context, start string, c *Citizen, f flow) *flow {
	b, err := cfg.newBrowser(c)
	if err != nil {
		f.err = err
		f.citizen = c
		return &f
	}
	return cfg.flowIn(ctx, b, start, c, f)
}

// flowIn runs one login with the flow's variations in browser b.
func (cfg Config) flowIn(ctx context.Context, b *browser, start string, c *Citizen, f flow) *flow {
	f.citizen = c
	id, err := b.toLoginPage(ctx, start)
	if err != nil {
		f.err = err
		return &f
	}
	if f.tamper != (oidc.Tamper{}) {
		if err := cfg.Provider.Tamper(id, f.tamper); err != nil {
			f.err = fmt.Errorf("tamper: %w", err)
			return &f
		}
	}
	form := url.Values{"id": {id}, "citizen_id": {c.CitizenID}, "password": {c.Password}, "action": {"login"}}
	if f.cancel {
		form = url.Values{"id": {id}, "action": {"cancel"}}
	}
	p, err := b.do(ctx, http.MethodPost, b.provider.ResolveReference(&url.URL{Path: "/oidc/login"}).String(), form)
	if err != nil {
		f.err = err
		return &f
	}
	if p.location == "" {
		f.err = fmt.Errorf("the provider did not send the browser back to the relying party (%d): %s", p.status, snippet(p.body))
		return &f
	}
	f.callback = p.location
	loc, err := url.Parse(p.location)
	if err != nil {
		f.err = err
		return &f
	}
	q := loc.Query()
	shown := url.Values{}
	for k, v := range q {
		if k != "code" {
			shown[k] = v
		}
	}
	f.providerAnswer = shown.Encode()
	if f.idToken != "" {
		if q.Get("code") == "" {
			f.err = fmt.Errorf("the provider sent no code (%s)", f.providerAnswer)
			return &f
		}
		if err := cfg.Tokens.Mark(q.Get("code"), f.idToken); err != nil {
			f.err = err
			return &f
		}
	}
	if f.wrongState {
		q.Set("state", "altered-"+q.Get("state"))
		loc.RawQuery = q.Encode()
	}
	f.deliver(ctx, b, loc.String())
	return &f
}

// deliver gives the relying party the provider's answer and records its final page.
func (f *flow) deliver(ctx context.Context, b *browser, callback string) {
	p, err := b.do(ctx, http.MethodGet, callback, nil)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
			f.err = fmt.Errorf("no answer from the relying party within the timeout")
		} else {
			f.err = fmt.Errorf("delivering the callback: %w", err)
		}
		return
	}
	f.status, f.body = p.status, p.body
}

// reused logs in normally (the relying party redeems the code), then, in a fresh browser
// that has just started its own login at the relying party, replays the first callback.
func (cfg Config) reused(ctx context.Context, c *Citizen) *flow {
	first := cfg.flow(ctx, cfg.Start, c, flow{})
	if first.err != nil {
		return first
	}
	if !loggedIn(first.status, first.body, c) {
		first.err = fmt.Errorf("the first, normal login did not succeed (%d): %s", first.status, snippet(first.body))
		return first
	}
	f := &flow{citizen: c, providerAnswer: "replayed: " + first.providerAnswer}
	b, err := cfg.newBrowser(c)
	if err != nil {
		f.err = err
		return f
	}
	if _, err := b.toLoginPage(ctx, cfg.Start); err != nil {
		f.err = err
		return f
	}
	f.deliver(ctx, b, first.callback)
	return f
}

// RotatorOf returns the provider's key rotation (Provider.RotateKey) as Config.RotateKey.
func RotatorOf(p *oidc.Provider) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := p.RotateKey(ctx)
		return err
	}
}
