package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/cluster"
	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/pgstore"
	"github.com/eidsim/eidsim/reference/sqlite"
	"github.com/eidsim/eidsim/reference/telco"
)

// Running `eidsim serve` as one of several instances (docs/cluster.md): --db puts the state
// in PostgreSQL, --telco sends the SMS through one shared `eidsim telco` and reads the
// handsets' inboxes there, and the fault settings are shared through the database.

// checkClusterFlags checks --db and --telco before any work.
func checkClusterFlags(cfg *serveConfig) error {
	if cfg.db != "" {
		if err := checkDBURL(cfg.db); err != nil {
			return usageErr("--db: %v", err)
		}
	}
	if cfg.telco != "" {
		if cfg.db == "" {
			return usageErr("--telco needs --db: instances that share a telco share their accounts through one database")
		}
		if _, err := cluster.NewTelco(cfg.telco, "x"); err != nil {
			return usageErr("--telco: %v", err)
		}
	}
	return nil
}

// serveStore is the store serve runs on.
type serveStore interface {
	reference.Store
	Close() error
}

// openServeStore opens --db (emptied first with --reset) or the SQLite file in --data.
func openServeStore(ctx context.Context, e *env, cfg *serveConfig) (serveStore, error) {
	if cfg.db == "" {
		st, err := sqlite.Open(ctx, filepath.Join(cfg.data, dbFile))
		if err != nil {
			return nil, fmt.Errorf("open store in %s: %w", cfg.data, err)
		}
		return st, nil
	}
	st, err := openPostgres(ctx, cfg.db)
	if err != nil {
		return nil, err
	}
	if cfg.reset {
		if err := st.Reset(ctx); err != nil {
			st.Close()
			return nil, fmt.Errorf("--reset: %w", err)
		}
		fmt.Fprintf(e.stderr, "--reset: emptied the database %s\n", pgstore.Redact(cfg.db))
	}
	return st, nil
}

// stateWhere names where serve keeps its state: the --db database (without its password) or
// the --data directory.
func stateWhere(cfg *serveConfig) string {
	if cfg.db != "" {
		return pgstore.Redact(cfg.db)
	}
	return cfg.data
}

// lockImport makes instances that start together on one database import the population
// once: the first imports, the others wait and then find its record. SQLite needs nothing
// (one serve per data directory).
func lockImport(ctx context.Context, st reference.Store) (func(), error) {
	if pg, ok := st.(*pgstore.Store); ok {
		return pg.LockImport(ctx)
	}
	return func() {}, nil
}

// sharedWorld is an instance's part of the simulated world other instances share: the
// remote telco (--telco) and the fault settings' sync (on a --db store).
type sharedWorld struct {
	remote  *cluster.Telco
	profile *os.File // $EIDSIM_CPUPROFILE, written until stop
	sync    *cluster.FaultSync
	cancel  context.CancelFunc
	done    chan struct{}
}

// newSharedWorld connects to --telco, failing before any import when it does not answer.
// With $EIDSIM_CPUPROFILE=FILE it also writes a CPU profile of this instance (pprof format)
// from here until stop, for sizing (docs/cluster.md).
func newSharedWorld(ctx context.Context, e *env, cfg *serveConfig, token string) (*sharedWorld, error) {
	w := &sharedWorld{}
	if path := e.getenv("EIDSIM_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("$EIDSIM_CPUPROFILE: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("$EIDSIM_CPUPROFILE: %w", err)
		}
		w.profile = f
	}
	if cfg.telco == "" {
		return w, nil
	}
	remote, err := cluster.NewTelco(cfg.telco, token)
	if err != nil {
		w.stop()
		return nil, usageErr("--telco: %v", err)
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := remote.Ready(rctx); err != nil {
		w.stop()
		return nil, fmt.Errorf("--telco: %w (start `eidsim telco` first)", err)
	}
	w.remote = remote
	return w, nil
}

// gateway returns wrap applied to the remote telco when there is one, to the local one
// otherwise.
func (w *sharedWorld) gateway(wrap func(reference.Gateway) reference.Gateway) func(reference.Gateway) reference.Gateway {
	return func(local reference.Gateway) reference.Gateway {
		if w.remote != nil {
			return wrap(w.remote)
		}
		return wrap(local)
	}
}

// inbox is where /sim/handsets/…/messages reads: the remote telco, or the local one.
func (w *sharedWorld) inbox(local *telco.Sim) httpapi.Inbox {
	if w.remote != nil {
		return remoteInbox{w.remote}
	}
	return inbox{local}
}

type remoteInbox struct{ t *cluster.Telco }

func (i remoteInbox) Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]httpapi.Message, error) {
	msgs, err := i.t.Messages(ctx, phone, after, wait)
	if err != nil {
		return nil, err
	}
	return httpMessages(msgs), nil
}

// start shares ctrl's fault settings through st when st can hold them (PostgreSQL): it
// adopts the setting in force and follows the others' until stop.
func (w *sharedWorld) start(ctx context.Context, st reference.Store, ctrl *faults.Controller, log *slog.Logger) error {
	board, ok := st.(cluster.FaultBoard)
	if !ok {
		return nil
	}
	w.sync = cluster.NewFaultSync(board, ctrl, log)
	if err := w.sync.Start(ctx); err != nil {
		return fmt.Errorf("shared fault settings: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w.cancel, w.done = cancel, make(chan struct{})
	go func() {
		defer close(w.done)
		_ = w.sync.Run(runCtx)
	}()
	return nil
}

// wrap puts the fault settings' publication in front of mw (nil: none).
func (w *sharedWorld) wrap(mw func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		h := next
		if mw != nil {
			h = mw(next)
		}
		if w.sync != nil {
			h = w.sync.Middleware(h)
		}
		return h
	}
}

// stop ends the fault settings' sync and the CPU profile.
func (w *sharedWorld) stop() {
	if w.cancel != nil {
		w.cancel()
		<-w.done
		w.cancel = nil
	}
	if w.profile != nil {
		pprof.StopCPUProfile()
		w.profile.Close()
		w.profile = nil
	}
}
