package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
)

// verifierRe is a PKCE code_verifier: 43 to 128 unreserved characters (RFC 7636 §4.1).
var verifierRe = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// oauthError writes an OAuth error response.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// guardToken wraps the token endpoint with what the library leaves out:
//   - Cache-Control: no-store and Pragma: no-cache on every answer (RFC 6749 §5.1);
//   - WWW-Authenticate on a 401 (RFC 6749 §5.2: invalid_client);
//   - the registered token_endpoint_auth_method is the only one accepted: a secret in the form
//     from a client_secret_basic client, a Basic header from a client_secret_post one, or any
//     secret from a public client is invalid_client;
//   - a code_verifier must have 43–128 unreserved characters (RFC 7636 §4.1);
//   - the client_id goes into the context, where SigningKey reads the client's algorithm.
func (p *Provider) guardToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		ww := &statusHook{ResponseWriter: w}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			oauthError(ww, http.StatusBadRequest, "invalid_request", "the form could not be read")
			return
		}
		used, clientID := "none", r.PostForm.Get("client_id")
		if u, _, ok := r.BasicAuth(); ok {
			// RFC 6749 §2.3.1: the client id is form-urlencoded inside the Basic credentials
			// (openid-client sends "rp%2Des256" for "rp-es256").
			id, err := url.QueryUnescape(u)
			if err != nil {
				oauthError(ww, http.StatusUnauthorized, "invalid_client", "client authentication failed: the Basic user name is not form-urlencoded")
				return
			}
			used, clientID = "client_secret_basic", id
		} else if r.PostForm.Get("client_secret") != "" {
			used = "client_secret_post"
		}
		if c, ok := p.storage.clients[clientID]; ok {
			if want := c.cfg.authMethod(); want != used {
				oauthError(ww, http.StatusUnauthorized, "invalid_client",
					"client authentication failed: this client is registered with token_endpoint_auth_method "+want+", the request used "+used)
				return
			}
		}
		if v := r.PostForm.Get("code_verifier"); v != "" && !verifierRe.MatchString(v) {
			oauthError(ww, http.StatusBadRequest, "invalid_request",
				"code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.1), got "+strconv.Itoa(len(v)))
			return
		}
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), clientKey, clientID)))
	})
}

// statusHook adds WWW-Authenticate to a 401 of the token endpoint.
type statusHook struct {
	http.ResponseWriter
	wrote bool
}

func (s *statusHook) WriteHeader(code int) {
	if !s.wrote {
		s.wrote = true
		if code == http.StatusUnauthorized && s.Header().Get("WWW-Authenticate") == "" {
			s.Header().Set("WWW-Authenticate", `Basic realm="eidsim", charset="UTF-8"`)
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusHook) Write(b []byte) (int, error) {
	if !s.wrote {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusHook) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// guardUserinfo wraps the userinfo endpoint (RFC 6750 §3): a request without a token gets 401
// with WWW-Authenticate: Bearer realm="eidsim"; an unknown, expired or revoked token, or one
// of an account no longer active, 401 with error="invalid_token" (the library answers 403 for
// some of these); and Cache-Control: no-store.
func (p *Provider) guardUserinfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := &bufferedWriter{header: http.Header{}}
		next.ServeHTTP(buf, r)
		h := w.Header()
		for k, v := range buf.header {
			h[k] = v
		}
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		if buf.status != http.StatusUnauthorized && buf.status != http.StatusForbidden {
			w.WriteHeader(buf.status)
			_, _ = w.Write(buf.body.Bytes())
			return
		}
		h.Del("Content-Length")
		if r.Header.Get("Authorization") == "" && r.FormValue("access_token") == "" {
			h.Set("WWW-Authenticate", `Bearer realm="eidsim"`)
			oauthError(w, http.StatusUnauthorized, "invalid_request", "an access token is required")
			return
		}
		const desc = "the access token is unknown, expired or revoked"
		h.Set("WWW-Authenticate", `Bearer realm="eidsim", error="invalid_token", error_description="`+desc+`"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", desc)
	})
}

// bufferedWriter keeps a whole (small) response.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
