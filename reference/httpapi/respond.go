package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/eidsim/eidsim/reference"
)

func errorf(code, format string, args ...any) *reference.Error {
	return reference.Errorf(code, format, args...)
}

// respond writes v as JSON with the status.
func respond(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// recorder remembers what a handler answered, for metrics and the access log.
type recorder struct {
	http.ResponseWriter
	status  int
	outcome string // "ok" or the error code
	cause   error  // the error of a 5xx answer, for the log only
}

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeError answers err: its status, the error body and, for 429, 423 and 503, a
// Retry-After from the error's retry_after or locked_until.
func (s *Server) writeError(w *recorder, err error) {
	status, body, code := errorResponse(err)
	var e *reference.Error
	if errors.As(err, &e) && (status == http.StatusTooManyRequests || status == http.StatusLocked ||
		status == http.StatusServiceUnavailable) {
		if ra, ok := retryAfter(e.Fields, s.now()); ok {
			w.Header().Set("Retry-After", ra)
		}
	}
	w.outcome = code
	if status >= 500 {
		w.cause = err
	}
	_ = respond(w, status, body)
}

// wrap turns a handlerFunc into an http.Handler that writes its error, and counts and logs
// the request under the route label (the pattern's path, never the raw path).
func (s *Server) wrap(route string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &recorder{ResponseWriter: rw, outcome: "ok"}
		if err := h(w, r); err != nil && w.status == 0 {
			s.writeError(w, err)
		}
		if w.status == 0 {
			w.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(route, r.Method, w.status, w.outcome, d)
		s.accessLog(r, route, w, d)
	})
}

// accessLog writes one record per request: method, route, status, duration and error code.
// It never logs bodies, query strings, headers or raw paths, so no OTP, password, passcode,
// token or capture can reach it.
func (s *Server) accessLog(r *http.Request, route string, w *recorder, d time.Duration) {
	level := slog.LevelInfo
	if w.status >= 500 {
		level = slog.LevelError
	}
	ctx := r.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", methodLabel(r.Method)),
		slog.String("route", route),
		slog.Int("status", w.status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
	}
	if w.outcome != "ok" {
		attrs = append(attrs, slog.String("error", w.outcome))
	}
	if w.cause != nil {
		attrs = append(attrs, slog.String("cause", w.cause.Error()))
	}
	s.log.LogAttrs(ctx, level, "http request", attrs...)
}

// methodLabel bounds the method label to the methods HTTP defines.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}
