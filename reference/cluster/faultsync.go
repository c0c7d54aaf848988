package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/eidsim/eidsim/reference/faults"
)

// FaultEntry is one published fault setting: Spec is the faults.Spec as JSON.
type FaultEntry struct {
	ID     int64
	At     time.Time
	Source string
	Spec   []byte
}

// FaultBoard is the shared journal of fault settings; pgstore.Store implements it.
type FaultBoard interface {
	// PublishFaults appends e (its ID ignored) and returns the ID given, greater than every
	// earlier one.
	PublishFaults(ctx context.Context, e FaultEntry) (int64, error)
	// FaultsAfter returns the entries with an ID above after, in ID order.
	FaultsAfter(ctx context.Context, after int64) ([]FaultEntry, error)
}

// PollInterval is how often FaultSync.Run looks for settings other instances published: a
// setting made on one instance is in force on all within about this long.
const PollInterval = 100 * time.Millisecond

// FaultSync keeps one fault controller in step with the shared journal. Every instance (and
// the telco process) runs one. The newest published setting wins everywhere: settings are
// applied in journal order, and a setting made here that an older foreign one overtook in
// delivery is applied again after it. It is safe for concurrent use.
type FaultSync struct {
	board FaultBoard
	ctrl  *faults.Controller
	log   *slog.Logger

	mu   sync.Mutex // serialises settings made here and settings applied from the board
	last int64      // newest entry seen
	own  map[int64]bool
}

// NewFaultSync returns a FaultSync of ctrl on board; log may be nil.
func NewFaultSync(board FaultBoard, ctrl *faults.Controller, log *slog.Logger) *FaultSync {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &FaultSync{board: board, ctrl: ctrl, log: log, own: map[int64]bool{}}
}

// Start adopts the newest published setting, so that an instance started late runs under the
// faults in force; later entries are Poll's.
func (f *FaultSync) Start(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	es, err := f.board.FaultsAfter(ctx, 0)
	if err != nil || len(es) == 0 {
		return err
	}
	e := es[len(es)-1]
	f.last = e.ID
	return f.apply(e)
}

// apply makes e's setting current under its source.
func (f *FaultSync) apply(e FaultEntry) error {
	var spec faults.Spec
	if err := json.Unmarshal(e.Spec, &spec); err != nil {
		return fmt.Errorf("shared fault setting %d: %w", e.ID, err)
	}
	if err := f.ctrl.Set(spec, e.Source); err != nil {
		return fmt.Errorf("shared fault setting %d: %w", e.ID, err)
	}
	return nil
}

// Poll applies the settings published by others since the last poll.
func (f *FaultSync) Poll(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	es, err := f.board.FaultsAfter(ctx, f.last)
	if err != nil || len(es) == 0 {
		return err
	}
	newest := es[len(es)-1]
	newestOwn := f.own[newest.ID]
	foreign := false
	for _, e := range es {
		if f.own[e.ID] {
			delete(f.own, e.ID)
			continue
		}
		foreign = true
		if err := f.apply(e); err != nil {
			f.log.Warn("fault setting not applied", "id", e.ID, "err", err)
		}
	}
	f.last = newest.ID
	if foreign && newestOwn {
		// A foreign setting older than ours arrived after ours was made here: ours is newer.
		if err := f.apply(newest); err != nil {
			f.log.Warn("fault setting not applied", "id", newest.ID, "err", err)
		}
	}
	return nil
}

// Run polls every PollInterval until ctx ends; failures are logged and retried.
func (f *FaultSync) Run(ctx context.Context) error {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if err := f.Poll(ctx); err != nil && ctx.Err() == nil {
			f.log.Warn("shared fault settings unreadable", "err", err)
		}
	}
}

// Middleware publishes every setting made through PUT or DELETE /sim/faults on this instance
// once the controller accepted it. The answer waits for the publication; when it fails the
// setting holds here only and the answer is 503 saying so.
func (f *FaultSync) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != faults.Path || (r.Method != http.MethodPut && r.Method != http.MethodDelete) {
			next.ServeHTTP(w, r)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status < 300 {
			if err := f.publish(r.Context()); err != nil {
				f.log.Error("fault setting not shared", "err", err)
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": map[string]string{
					"code": "unavailable", "message": "the setting holds on this instance only: sharing it failed: " + err.Error()}})
				return
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes()) //nolint:errcheck // the client went away
	})
}

// publish puts the controller's newest journal entry on the board. f.mu is held.
func (f *FaultSync) publish(ctx context.Context) error {
	js, _ := f.ctrl.Journal()
	if len(js) == 0 {
		return nil
	}
	e := js[len(js)-1]
	b, err := json.Marshal(e.Spec)
	if err != nil {
		return err
	}
	id, err := f.board.PublishFaults(ctx, FaultEntry{At: e.At, Source: e.Source, Spec: b})
	if err != nil {
		return err
	}
	f.own[id] = true
	return nil
}

// recorder buffers a response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
