package httpapi

import (
	"net/http"

	"github.com/eidsim/eidsim/reference"
)

// healthz handles GET /healthz: the process answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return respond(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz handles GET /readyz: 200 when the store answers, 503 unavailable otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if err := s.api.Ready(r.Context()); err != nil {
		return &reference.Error{Code: reference.EUnavailable, Message: "not ready", Err: err}
	}
	return respond(w, http.StatusOK, map[string]string{"status": "ready"})
}

// serveMetrics handles GET /metrics in the Prometheus exposition format.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	s.metrics.Handler().ServeHTTP(w, r)
	return nil
}
