package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/eidsim/eidsim/reference/faults"
)

// Route is one registered endpoint: an HTTP method and a net/http.ServeMux path pattern.
type Route struct {
	Method string
	Path   string
	// Sim is set for the simulated-world routes, which are served only when Config.Sim is,
	// and only to requests carrying the operator token.
	Sim bool
	// Faults is set for the fault control plane, served only when Config.Faults is too.
	Faults bool
}

// handlerFunc is a handler that returns its error instead of writing it; the wrapper writes
// the error response, counts and logs the request.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type route struct {
	Route
	h handlerFunc
}

// routes is the whole API in one table. Every POST and PUT reads its body only when the
// Content-Type is application/json (415 otherwise); every /sim/ route and /metrics need the
// operator token (401 otherwise), as the counter routes do.
func (s *Server) routes() []route {
	r := func(method, path string, h handlerFunc) route {
		if method == http.MethodPost || method == http.MethodPut {
			h = accepts(h, mediaJSON)
		}
		return route{Route{Method: method, Path: path}, h}
	}
	// op checks the token before anything else, so a caller without it learns nothing more.
	op := func(method, path string, h handlerFunc) route {
		rt := r(method, path, h)
		rt.h = s.operator(rt.h)
		return rt
	}
	sim := func(method, path string, h handlerFunc) route {
		rt := op(method, path, h)
		rt.Sim = true
		return rt
	}
	fault := func(method string, h handlerFunc) route {
		rt := route{Route{Method: method, Path: faults.Path, Sim: true, Faults: true}, s.operator(h)}
		if method == http.MethodPut {
			rt.h = s.operator(accepts(h, faultMedia...))
		}
		return rt
	}
	return []route{
		// Citizen (app).
		r("POST", "/v1/registrations", s.register),
		r("POST", "/v1/registrations/{id}/verify", s.verifyRegistration),
		r("POST", "/v1/sessions", s.login),
		r("POST", "/v1/sessions/challenges/{id}", s.verifyLogin),
		r("POST", "/v1/recoveries", s.startRecovery),
		r("POST", "/v1/recoveries/{id}/verify", s.verifyRecovery),
		r("POST", "/v1/activations", s.startActivation),
		r("POST", "/v1/activations/{id}/verify", s.verifyActivation),
		r("POST", "/v1/otp/{id}/resend", s.resend),
		r("GET", "/v1/me", s.me),

		// Counter (police officer, operator token).
		op("POST", "/v1/counter/enrollments", s.enroll),
		op("POST", "/v1/counter/phone-changes", s.changePhone),
		op("POST", "/v1/counter/password-resets", s.counterPasswordReset),
		op("POST", "/v1/counter/unlocks", s.unlock),

		// Simulated world (operator token).
		sim("GET", "/sim/handsets/{phone}/messages", s.messages),
		sim("POST", "/sim/captures", s.capture),
		sim("POST", "/sim/browsers", s.browser),
		sim("GET", "/sim/settings", s.settings),
		fault("GET", s.getFaults),
		fault("PUT", s.putFaults),
		fault("DELETE", s.deleteFaults),

		// Operations; /metrics needs the operator token (its counters would otherwise tell
		// what the API hides, e.g. that a recovery matched an account).
		r("GET", "/healthz", s.healthz),
		r("GET", "/readyz", s.readyz),
		op("GET", "/metrics", s.serveMetrics),
	}
}

// Routes lists every endpoint the API can serve, the simulated world's included, in the
// order of the route table.
func Routes() []Route {
	var s Server
	var out []Route
	for _, rt := range s.routes() {
		out = append(out, rt.Route)
	}
	return out
}

// buildMux registers the routes, a 405 handler with an Allow header for each known path
// called with another method, and a JSON 404 for everything else.
func (s *Server) buildMux() *http.ServeMux {
	mux := http.NewServeMux()
	allow := map[string][]string{}
	var paths []string
	for _, rt := range s.routes() {
		if (rt.Sim && !s.sim) || (rt.Faults && s.faults == nil) {
			continue
		}
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt.Path, rt.h))
		if _, seen := allow[rt.Path]; !seen {
			paths = append(paths, rt.Path)
		}
		allow[rt.Path] = append(allow[rt.Path], rt.Method)
		if rt.Method == http.MethodGet {
			allow[rt.Path] = append(allow[rt.Path], http.MethodHead)
		}
	}
	for _, p := range paths {
		methods := allow[p]
		slices.Sort(methods)
		mux.Handle(p, s.wrap(p, methodNotAllowed(strings.Join(methods, ", "))))
	}
	mux.Handle("/", s.wrap(routeUnmatched, notFound))
	return mux
}

// routeUnmatched is the route label of requests that match no route; raw paths never become
// labels.
const routeUnmatched = "unmatched"

func methodNotAllowed(allow string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", allow)
		return errorf(CodeMethodNotAllowed, "method %s not allowed; allowed: %s", r.Method, allow)
	}
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return errorf("not_found", "no such endpoint")
}
