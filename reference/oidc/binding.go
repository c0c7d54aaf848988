package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strings"
)

// LoginCookie binds a login request to the browser that started it. /oidc/authorize sets it
// (random, HttpOnly, SameSite=Lax, Path=/oidc, Secure under an https issuer) and stores its
// hash with the request; the login pages and the callback serve only a browser presenting it,
// so a sign-in link (/oidc/login?id=…) handed to someone else is useless to both: the victim
// cannot sign in on it and the sender cannot collect the code. A browser keeps one value for
// all its logins, so several tabs can sign in at once.
const LoginCookie = "eidsim_login"

// browserKey carries the hash of the login cookie from the authorize wrapper to
// CreateAuthRequest.
const browserKey ctxKey = 1

var loginCookieRe = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func hashSecret(v string) string {
	h := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// bindAuthorize wraps the authorize endpoint: it reads the browser's login cookie (or makes a
// new one), hands its hash to CreateAuthRequest through the context and sets the cookie when
// the browser is sent to the login page.
func (p *Provider) bindAuthorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		val := ""
		if c, err := r.Cookie(LoginCookie); err == nil && loginCookieRe.MatchString(c.Value) {
			val = c.Value
		} else {
			val = randomString(32)
		}
		cookie := &http.Cookie{Name: LoginCookie, Value: val, Path: "/oidc", HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: p.secure}
		bw := &headerHook{ResponseWriter: w, hook: func(h http.Header) {
			if strings.HasPrefix(h.Get("Location"), loginPath+"?") {
				h.Add("Set-Cookie", cookie.String())
			}
		}}
		next.ServeHTTP(bw, r.WithContext(context.WithValue(r.Context(), browserKey, hashSecret(val))))
	})
}

// sameBrowser reports whether r comes from the browser that started req.
func sameBrowser(r *http.Request, req *AuthRequest) bool {
	c, err := r.Cookie(LoginCookie)
	if err != nil || req.BrowserHash == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashSecret(c.Value)), []byte(req.BrowserHash)) == 1
}

// errCallbackUsed: the request's code was minted before.
var errCallbackUsed = errors.New("the callback was used already")

// guardCallback wraps the library's callback (which mints the code): only the browser that
// started the request, and only once (saveCode refuses a second code, so of two concurrent
// calls one mints it).
func (p *Provider) guardCallback(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lp := &loginPages{p: p}
		req, ok := lp.request(w, r, r.URL.Query().Get("id"))
		if !ok {
			return
		}
		if req.CallbackUsed {
			lp.message(w, http.StatusBadRequest, "Liên kết đăng nhập đã được dùng. This sign-in was completed already: go back to the service and start again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// headerHook calls hook on the header just before it is written.
type headerHook struct {
	http.ResponseWriter
	hook  func(http.Header)
	wrote bool
}

func (h *headerHook) WriteHeader(code int) {
	if !h.wrote {
		h.wrote = true
		h.hook(h.Header())
	}
	h.ResponseWriter.WriteHeader(code)
}

func (h *headerHook) Write(b []byte) (int, error) {
	if !h.wrote {
		h.WriteHeader(http.StatusOK)
	}
	return h.ResponseWriter.Write(b)
}

func (h *headerHook) Unwrap() http.ResponseWriter { return h.ResponseWriter }
