package cluster_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/cluster"
	"github.com/eidsim/eidsim/reference/faults"
)

// memBoard is an in-memory FaultBoard.
type memBoard struct {
	mu sync.Mutex
	es []cluster.FaultEntry
}

func (b *memBoard) PublishFaults(_ context.Context, e cluster.FaultEntry) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e.ID = int64(len(b.es) + 1)
	b.es = append(b.es, e)
	return e.ID, nil
}

func (b *memBoard) FaultsAfter(_ context.Context, after int64) ([]cluster.FaultEntry, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]cluster.FaultEntry(nil), b.es[after:]...), nil
}

// instance is a fault controller behind its sync's middleware, with the /sim/faults handler
// reduced to what httpapi does: parse, Set, answer.
type instance struct {
	ctrl *faults.Controller
	sync *cluster.FaultSync
	h    http.Handler
}

func newInstance(board cluster.FaultBoard) *instance {
	ctrl := faults.New(nil, nil, 1)
	fs := cluster.NewFaultSync(board, ctrl, nil)
	h := fs.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		spec := faults.Spec{}
		if r.Method == http.MethodPut {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			if spec, err = faults.ParseSpec(b); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
		}
		if err := ctrl.Set(spec, "control-plane"); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	return &instance{ctrl: ctrl, sync: fs, h: h}
}

func (in *instance) put(t *testing.T, body string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	in.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, faults.Path, strings.NewReader(body)))
	return rec.Code
}

// A setting made on one instance is in force on another after its poll, the clock skew with
// it; a refused setting is not shared; a late instance adopts the newest setting.
func TestFaultSyncSharesSettings(t *testing.T) {
	ctx := context.Background()
	board := &memBoard{}
	a, b := newInstance(board), newInstance(board)
	require.NoError(t, b.sync.Start(ctx))

	require.Equal(t, http.StatusOK, a.put(t, "clock_skew: 90s\nprovider_unavailable: true\n"))
	assert.Equal(t, 90*time.Second, a.ctrl.Skew())
	assert.Zero(t, b.ctrl.Skew(), "not before the poll")
	require.NoError(t, b.sync.Poll(ctx))
	assert.Equal(t, 90*time.Second, b.ctrl.Skew())
	assert.True(t, b.ctrl.Current().ProviderUnavailable)
	js, _ := b.ctrl.Journal()
	require.Len(t, js, 1)
	assert.Equal(t, "control-plane", js[0].Source)

	require.NoError(t, a.sync.Poll(ctx))
	js, _ = a.ctrl.Journal()
	assert.Len(t, js, 1, "an instance does not re-apply its own setting")

	assert.Equal(t, http.StatusBadRequest, a.put(t, "clock_skew: 1000h\n"))
	assert.Len(t, board.es, 1, "a refused setting is not published")

	c := newInstance(board)
	require.NoError(t, c.sync.Start(ctx))
	assert.Equal(t, 90*time.Second, c.ctrl.Skew(), "a late instance adopts the setting in force")
}

// When settings cross (A's is published before B's, B polls later), the newest wins on both.
func TestFaultSyncNewestWins(t *testing.T) {
	ctx := context.Background()
	board := &memBoard{}
	a, b := newInstance(board), newInstance(board)
	require.Equal(t, http.StatusOK, a.put(t, "clock_skew: 1s\n"))
	require.Equal(t, http.StatusOK, b.put(t, "clock_skew: 2s\n"))
	require.NoError(t, a.sync.Poll(ctx))
	require.NoError(t, b.sync.Poll(ctx))
	assert.Equal(t, 2*time.Second, a.ctrl.Skew())
	assert.Equal(t, 2*time.Second, b.ctrl.Skew(), "B's own, newer setting is applied again after A's older one")
}
