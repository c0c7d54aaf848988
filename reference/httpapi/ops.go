package httpapi

import (
	"net/http"

	"github.com/eidsim/eidsim/reference"
)

// healthz handles GET /healthz: the process answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return respond(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz handles GET /readyz: 200 when the store answers and accepts writes (the service's
// rate-limited write probe, see reference.Service.Ready), 503 unavailable otherwise, so a load
// balancer stops sending logins that could not be counted.
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
