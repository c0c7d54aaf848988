package oidc

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/eidsim/eidsim/reference"
)

// Paths of the login pages.
const (
	loginPath     = "/oidc/login"
	otpPath       = "/oidc/login/otp"
	loggedOutPath = "/oidc/logged-out"
	callbackPath  = "/oidc/authorize/callback"
	// DeviceCookie holds the browser's binding credential (reference.WebLogin): issued by the
	// service after a login with the OTP, opaque, replaced at every login; a value the
	// service did not issue is a new browser (an OTP to the account's phone).
	DeviceCookie = "eidsim_device"
)

var citizenIDRe = regexp.MustCompile(`^[0-9]{12}$`)

// loginPages are the HTML pages of the login: the password form and the OTP form.
type loginPages struct{ p *Provider }

// pageData is what the templates show.
type pageData struct {
	ID        string
	Client    string
	Required  string
	CitizenID string
	Error     string
	Info      string
	ExpiresAt string
}

// form serves GET /oidc/login?id=…: the password form.
func (lp *loginPages) form(w http.ResponseWriter, r *http.Request) {
	req, ok := lp.request(w, r, r.URL.Query().Get("id"))
	if !ok {
		return
	}
	lp.render(w, http.StatusOK, passwordPage, lp.data(req, req.LoginHint))
}

// password serves POST /oidc/login: cancel, or check the password through reference Login.
func (lp *loginPages) password(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		lp.message(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	req, ok := lp.request(w, r, r.PostForm.Get("id"))
	if !ok {
		return
	}
	if r.PostForm.Get("action") == "cancel" {
		lp.p.logins.WithLabelValues("cancelled").Inc()
		lp.fail(w, r, req, oidc.ErrAccessDenied().WithDescription("the citizen cancelled the login"))
		return
	}
	cid, pw := r.PostForm.Get("citizen_id"), r.PostForm.Get("password")
	d := lp.data(req, cid)
	if !citizenIDRe.MatchString(cid) || pw == "" {
		d.Error = "Nhập số định danh cá nhân (12 chữ số) và mật khẩu. Enter your 12-digit citizen ID and your password."
		lp.render(w, http.StatusBadRequest, passwordPage, d)
		return
	}
	browser := ""
	if c, err := r.Cookie(DeviceCookie); err == nil {
		browser = c.Value
	}
	res, err := lp.p.storage.accounts.WebLogin(r.Context(), cid, pw, browser)
	if err != nil {
		lp.domainError(w, passwordPage, d, err)
		return
	}
	if res.Challenge != nil {
		if err := lp.p.state.updateRequest(r.Context(), req.ID, lp.p.now(), func(a *AuthRequest) error {
			a.Challenge, a.ChallengeCitizenID = res.Challenge.ID, cid
			return nil
		}); err != nil {
			lp.expired(w)
			return
		}
		lp.p.logins.WithLabelValues("challenge").Inc()
		d.ExpiresAt = res.Challenge.ExpiresAt.Format(time.RFC3339)
		d.Info = "Mã OTP đã được gửi tới số điện thoại của tài khoản. An OTP was sent by SMS to the phone on your account: this browser is a new device."
		lp.render(w, http.StatusOK, otpPage, d)
		return
	}
	http.SetCookie(w, lp.p.deviceCookie(res.Browser))
	lp.complete(w, r, req, cid, []string{"pwd"})
}

// otp serves POST /oidc/login/otp: verify (or resend, or cancel) the new-device OTP.
func (lp *loginPages) otp(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		lp.message(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	req, ok := lp.request(w, r, r.PostForm.Get("id"))
	if !ok {
		return
	}
	d := lp.data(req, req.ChallengeCitizenID)
	switch {
	case r.PostForm.Get("action") == "cancel":
		lp.p.logins.WithLabelValues("cancelled").Inc()
		lp.fail(w, r, req, oidc.ErrAccessDenied().WithDescription("the citizen cancelled the login"))
		return
	case req.Challenge == "":
		d.Error = "Đăng nhập lại. Start with your citizen ID and password."
		lp.render(w, http.StatusConflict, passwordPage, d)
		return
	case r.PostForm.Get("action") == "resend":
		exp, err := lp.p.storage.accounts.Resend(r.Context(), req.Challenge)
		if err != nil {
			lp.domainError(w, otpPage, d, err)
			return
		}
		d.ExpiresAt = exp.Format(time.RFC3339)
		d.Info = "Đã gửi lại mã OTP. A new OTP was sent."
		lp.render(w, http.StatusOK, otpPage, d)
		return
	}
	code := r.PostForm.Get("otp")
	res, err := lp.p.storage.accounts.VerifyWebLogin(r.Context(), req.Challenge, code)
	if err != nil {
		lp.domainError(w, otpPage, d, err)
		return
	}
	http.SetCookie(w, lp.p.deviceCookie(res.Browser))
	lp.complete(w, r, req, req.ChallengeCitizenID, []string{"pwd", "otp", "sms"})
}

// complete finishes a successful login: the level is checked against acr_values, then the
// browser goes to the library's callback, which sends it to the relying party with a code.
func (lp *loginPages) complete(w http.ResponseWriter, r *http.Request, req *AuthRequest, citizenID string, amr []string) {
	id, err := lp.p.storage.accounts.Identity(r.Context(), citizenID)
	if err != nil {
		lp.domainError(w, passwordPage, lp.data(req, citizenID), err)
		return
	}
	if want := RequiredLevel(req.ACRValues); id.Level < want {
		lp.p.logins.WithLabelValues("refused_level").Inc()
		lp.fail(w, r, req, &oidc.Error{ErrorType: ErrUnmetAuthenticationRequirements, Description: levelRefusal(id.Level, want)})
		return
	}
	if req.Tamper.ProviderError {
		lp.p.logins.WithLabelValues("provider_error").Inc()
		lp.fail(w, r, req, oidc.ErrServerError().WithDescription("the identity provider failed (injected)"))
		return
	}
	sub := lp.p.storage.subject(citizenID)
	if err := lp.p.state.updateRequest(r.Context(), req.ID, lp.p.now(), func(a *AuthRequest) error {
		a.CitizenID, a.Subject, a.Level, a.AuthTime, a.AMR, a.LoggedIn = citizenID, sub, id.Level, lp.p.now(), amr, true
		a.Challenge = ""
		return nil
	}); err != nil {
		lp.expired(w)
		return
	}
	lp.p.logins.WithLabelValues("code").Inc()
	http.Redirect(w, r, callbackPath+"?id="+req.ID, http.StatusSeeOther)
}

// fail sends the browser back to the relying party with an OAuth error and forgets the
// request.
func (lp *loginPages) fail(w http.ResponseWriter, r *http.Request, req *AuthRequest, err error) {
	if err := lp.p.state.deleteRequest(r.Context(), req.ID, lp.p.now()); err != nil {
		lp.p.log.Error("oidc login", "err", err)
	}
	op.AuthRequestError(w, r, req, err, lp.p.op)
}

// domainError shows a refused login on the page it came from, with the status of the
// reference API's error code.
func (lp *loginPages) domainError(w http.ResponseWriter, page *template.Template, d pageData, err error) {
	var e *reference.Error
	code := reference.EInternal
	if errors.As(err, &e) {
		code = e.Code
	}
	lp.p.logins.WithLabelValues(code).Inc()
	status := http.StatusInternalServerError
	switch code {
	case reference.EInvalidCredentials:
		status, d.Error = http.StatusUnauthorized, "Số định danh hoặc mật khẩu không đúng. Wrong citizen ID or password."
	case reference.EAccountLocked:
		status, d.Error = http.StatusLocked, "Tài khoản bị tạm khoá. The account is locked after too many wrong passwords; try later or recover the password in the VNeID app."
	case reference.EOTPInvalid:
		status, d.Error = http.StatusUnprocessableEntity, "Mã OTP không đúng. Wrong OTP."
		if n, ok := e.Fields["attempts_left"]; ok {
			d.Error += fmt.Sprintf(" Attempts left: %v.", n)
		}
	case reference.EOTPExpired:
		status, d.Error = http.StatusGone, "Mã OTP đã hết hạn. The OTP expired; cancel and sign in again."
	case reference.EOTPAttemptsExceeded:
		status, d.Error = http.StatusTooManyRequests, "Quá số lần nhập OTP. Too many wrong OTPs; cancel and sign in again."
	case reference.EOTPChallengesExceeded:
		status, d.Error = http.StatusTooManyRequests, "Quá nhiều mã OTP sai hôm nay. Too many failed OTP challenges today; try again tomorrow or go to a police counter."
	case reference.ERateLimited, reference.EResendTooSoon, reference.EResendLimit:
		status, d.Error = http.StatusTooManyRequests, "Vui lòng thử lại sau. Too many requests; try again later."
	case reference.EOverloaded:
		status, d.Error = http.StatusServiceUnavailable, "Hệ thống đang quá tải. The service is busy; try again in a moment."
	case reference.EInvalidInput:
		status, d.Error = http.StatusBadRequest, "Dữ liệu không hợp lệ. Invalid input: "+e.Message
	case reference.EUnauthorized, reference.ENotFound, reference.EAccountNotActive:
		status, d.Error = http.StatusForbidden, "Tài khoản không hoạt động. The account is not active."
	case reference.EUnavailable:
		status, d.Error = http.StatusServiceUnavailable, "Hệ thống đang bận. The service is unavailable; try again."
	default:
		lp.p.log.Error("oidc login", "err", err)
		d.Error = "Lỗi hệ thống. Internal error."
	}
	if e != nil {
		if ra, ok := e.Fields["retry_after"]; ok && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) {
			w.Header().Set("Retry-After", fmt.Sprint(ra))
		}
	}
	lp.render(w, status, page, d)
}

// request loads the pending authorization request named by the page, or answers with an
// expired-link page, or with 403 when the browser is not the one that started the request
// (it lacks the login cookie of the request, see LoginCookie).
func (lp *loginPages) request(w http.ResponseWriter, r *http.Request, id string) (*AuthRequest, bool) {
	req, err := lp.p.state.request(r.Context(), id, lp.p.now())
	if err != nil || id == "" {
		lp.expired(w)
		return nil, false
	}
	if !sameBrowser(r, req) {
		lp.p.logins.WithLabelValues("other_browser").Inc()
		lp.message(w, http.StatusForbidden, "Liên kết đăng nhập này thuộc về trình duyệt khác. This sign-in link was started in another browser: go back to the service and start again here.")
		return nil, false
	}
	return req, true
}

func (lp *loginPages) expired(w http.ResponseWriter) {
	lp.message(w, http.StatusBadRequest, "Phiên đăng nhập đã hết hạn. This sign-in link is unknown or expired: go back to the service and start again.")
}

// deviceCookie is the cookie of a browser binding credential.
func (p *Provider) deviceCookie(v string) *http.Cookie {
	return &http.Cookie{Name: DeviceCookie, Value: v, Path: "/oidc/", MaxAge: int(reference.BrowserBindingTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.secure}
}

func (lp *loginPages) data(req *AuthRequest, citizenID string) pageData {
	return pageData{ID: req.ID, Client: lp.p.ClientName(req.ClientID), Required: ACROfLevel(RequiredLevel(req.ACRValues)), CitizenID: citizenID}
}

func (lp *loginPages) loggedOut(w http.ResponseWriter, r *http.Request) {
	lp.message(w, http.StatusOK, "Bạn đã đăng xuất. You are signed out.")
}

func (lp *loginPages) message(w http.ResponseWriter, status int, msg string) {
	lp.render(w, status, messagePage, pageData{Error: msg})
}

func (lp *loginPages) render(w http.ResponseWriter, status int, t *template.Template, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Frame-Options", "DENY")
	// No form-action: Chromium applies it to the redirects after a form post, and the login
	// ends in a redirect to the relying party's origin.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := t.Execute(w, d); err != nil {
		lp.p.log.Error("oidc login page", "err", fmt.Errorf("render: %w", err))
	}
}

const layout = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập bằng VNeID (eidsim)</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem;color:#b3261e}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box;font-size:1rem}
.row{display:flex;gap:.5rem;margin-top:1rem}button{flex:1;padding:.6rem;font-size:1rem}
.err{background:#fde7e7;border:1px solid #e99;padding:.5rem}.info{background:#e7f0fd;border:1px solid #99b7e9;padding:.5rem}
small{color:#666}</style></head><body>
<h1>Đăng nhập bằng tài khoản định danh điện tử</h1>
<p><small>Simulated identity provider (eidsim) — synthetic citizens only.</small></p>
{{if .Client}}<p><b>{{.Client}}</b> yêu cầu đăng nhập mức <b>{{.Required}}</b>. <small>{{.Client}} asks you to sign in at {{.Required}}.</small></p>{{end}}
{{if .Error}}<p class="err" id="error">{{.Error}}</p>{{end}}
{{if .Info}}<p class="info" id="info">{{.Info}}</p>{{end}}
{{template "body" .}}
</body></html>`

func page(body string) *template.Template {
	return template.Must(template.Must(template.New("layout").Parse(layout)).New("body").Parse(body)).Lookup("layout")
}

var (
	passwordPage = page(`<form method="post" action="/oidc/login" id="login">
<input type="hidden" name="id" value="{{.ID}}">
<label for="citizen_id">Số định danh cá nhân <small>(citizen ID, 12 digits)</small></label>
<input id="citizen_id" name="citizen_id" inputmode="numeric" autocomplete="username" maxlength="12" value="{{.CitizenID}}" required>
<label for="password">Mật khẩu <small>(password)</small></label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="row"><button type="submit" id="submit" name="action" value="login">Đăng nhập</button>
<button type="submit" id="cancel" name="action" value="cancel" formnovalidate>Huỷ</button></div>
</form>`)
	otpPage = page(`<form method="post" action="/oidc/login/otp" id="otp-form">
<input type="hidden" name="id" value="{{.ID}}">
<label for="otp">Mã OTP <small>(6 digits from the SMS{{if .ExpiresAt}}, valid until {{.ExpiresAt}}{{end}})</small></label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6">
<div class="row"><button type="submit" id="verify" name="action" value="verify">Xác nhận</button>
<button type="submit" id="resend" name="action" value="resend">Gửi lại</button>
<button type="submit" id="cancel" name="action" value="cancel">Huỷ</button></div>
</form>`)
	messagePage = page(``)
)
