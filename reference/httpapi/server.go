package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/faults"
)

// DefaultMaxWait caps the long-poll of GET /sim/handsets/{phone}/messages.
const DefaultMaxWait = 30 * time.Second

// Inbox reads what the simulated handsets received. The telco simulator implements it
// (through a small adapter in cmd/eidsim).
type Inbox interface {
	// Messages returns the messages delivered to the handset that holds phone with an ID
	// greater than after, oldest first. When there are none it waits up to wait for one to
	// arrive and returns an empty slice if none did. It returns early when ctx ends.
	Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]Message, error)
}

// Message is one SMS in a handset's inbox as GET /sim/handsets/{phone}/messages shows it.
type Message struct {
	ID          int64     `json:"id"`
	Sender      string    `json:"sender"`
	Body        string    `json:"body"`
	Purpose     string    `json:"purpose"`
	OTP         string    `json:"otp"`
	DeliveredAt time.Time `json:"delivered_at"`
}

// Config is what a Server needs. API and OperatorToken are required.
type Config struct {
	API reference.API
	// OperatorToken is the bearer token of the police counter calls.
	OperatorToken string
	// Sim serves the simulated world under /sim/ (handset inboxes, the station scanner).
	Sim bool
	// Inbox backs GET /sim/handsets/{phone}/messages; required when Sim is set.
	Inbox Inbox
	// Faults, when set with Sim, is the fault controller that GET, PUT and DELETE /sim/faults
	// drive. Applying its faults to requests is the caller's (Faults.Wrap as Middleware).
	Faults *faults.Controller
	// Logger receives one access-log record per request (never a secret); nil discards.
	Logger *slog.Logger
	// Metrics is where request metrics go and what /metrics shows; nil makes a fresh one.
	Metrics *Metrics
	// MaxWait caps the inbox long-poll; zero means DefaultMaxWait.
	MaxWait time.Duration
	// Now is the clock for Retry-After headers; nil means time.Now.
	Now func() time.Time
	// Middleware, if set, wraps the API's handler: it sees every request first and may serve
	// paths of its own (an OpenID Connect provider, fault injection) or pass them on.
	Middleware func(http.Handler) http.Handler
}

// Server is the HTTP API: an http.Handler, and optionally the listener that serves it.
type Server struct {
	api     reference.API
	token   string
	sim     bool
	inbox   Inbox
	faults  *faults.Controller
	log     *slog.Logger
	metrics *Metrics
	maxWait time.Duration
	now     func() time.Time
	mux     *http.ServeMux
	handler http.Handler // mux, wrapped by Config.Middleware

	// closing ends long-polls when the server shuts down, so that draining does not wait
	// for them.
	closing context.Context
	close   context.CancelFunc

	ln  net.Listener
	srv *http.Server
}

// New returns a Server for cfg with every route registered.
func New(cfg Config) (*Server, error) {
	if cfg.API == nil {
		return nil, errors.New("httpapi: Config.API is required")
	}
	if cfg.OperatorToken == "" {
		return nil, errors.New("httpapi: Config.OperatorToken is required")
	}
	if cfg.Sim && cfg.Inbox == nil {
		return nil, errors.New("httpapi: Config.Inbox is required when Sim is set")
	}
	s := &Server{
		api: cfg.API, token: cfg.OperatorToken, sim: cfg.Sim, inbox: cfg.Inbox, faults: cfg.Faults,
		log: cfg.Logger, metrics: cfg.Metrics, maxWait: cfg.MaxWait, now: cfg.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	if s.maxWait <= 0 {
		s.maxWait = DefaultMaxWait
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.closing, s.close = context.WithCancel(context.Background())
	s.mux = s.buildMux()
	s.handler = s.mux
	if cfg.Middleware != nil {
		s.handler = cfg.Middleware(s.mux)
	}
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Open listens on addr (for example "127.0.0.1:8080", or ":0" for a free port) and serves in
// the background. Listening is synchronous, so an address in use is reported here.
func (s *Server) Open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("httpapi: listen: %w", err)
	}
	s.Serve(ln)
	return nil
}

// Serve starts serving on ln in the background (Open with a listener bound earlier, e.g.
// before a long population import, so that a taken port fails first). Shutdown closes ln.
func (s *Server) Serve(ln net.Listener) {
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.maxWait + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http serve", "err", err)
		}
	}()
}

// Addr returns the address the server listens on (after Open), with the real port for ":0".
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL returns the base URL of the server after Open.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Shutdown stops accepting connections, ends pending long-polls and waits until in-flight
// requests finish or ctx ends, whichever comes first; in the latter case it closes the
// remaining connections and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.close()
	if s.srv == nil {
		return nil
	}
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
		return err
	}
	return nil
}
