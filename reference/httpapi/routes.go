package httpapi

import (
	"net/http"
	"slices"
	"strings"
)

// Route is one registered endpoint: an HTTP method and a net/http.ServeMux path pattern.
type Route struct {
	Method string
	Path   string
	// Sim is set for the simulated-world routes, which are served only when Config.Sim is.
	Sim bool
}

// handlerFunc is a handler that returns its error instead of writing it; the wrapper writes
// the error response, counts and logs the request.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type route struct {
	Route
	h handlerFunc
}

// routes is the whole API in one table.
func (s *Server) routes() []route {
	r := func(method, path string, h handlerFunc) route {
		return route{Route{Method: method, Path: path}, h}
	}
	sim := func(method, path string, h handlerFunc) route {
		return route{Route{Method: method, Path: path, Sim: true}, h}
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
		r("POST", "/v1/counter/enrollments", s.operator(s.enroll)),
		r("POST", "/v1/counter/phone-changes", s.operator(s.changePhone)),
		r("POST", "/v1/counter/password-resets", s.operator(s.counterPasswordReset)),
		r("POST", "/v1/counter/unlocks", s.operator(s.unlock)),

		// Simulated world.
		sim("GET", "/sim/handsets/{phone}/messages", s.messages),
		sim("POST", "/sim/captures", s.capture),
		sim("GET", "/sim/settings", s.settings),

		// Operations.
		r("GET", "/healthz", s.healthz),
		r("GET", "/readyz", s.readyz),
		r("GET", "/metrics", s.serveMetrics),
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
		if rt.Sim && !s.sim {
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
