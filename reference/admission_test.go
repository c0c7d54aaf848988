package reference_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/memstore"
)

// gatedHasher is a slow fake hasher: each Verify counts itself and then waits for the gate to
// open.
type gatedHasher struct {
	reference.Hasher
	gate    chan struct{}
	started atomic.Int64
}

func (h *gatedHasher) Verify(encoded, pw string) (bool, error) {
	h.started.Add(1)
	<-h.gate
	return h.Hasher.Verify(encoded, pw)
}

func newGatedService(t *testing.T, queue int, wait time.Duration) (*reference.Service, *gatedHasher, reference.Store) {
	t.Helper()
	fast, err := reference.NewHasher(reference.HashFast)
	require.NoError(t, err)
	st := memstore.New()
	// Import with an open gate (the import hashes nothing through Verify), then close it.
	h := &gatedHasher{Hasher: fast, gate: make(chan struct{})}
	p := reference.DefaultPolicy()
	p.HashQueue, p.HashQueueWait = queue, wait
	svc, err := reference.NewService(reference.Config{Store: st, Clock: reference.NewManualClock(fixtureTime), Hasher: h,
		Gateway: &recordingGateway{}, Policy: p, HashWorkers: 1})
	require.NoError(t, err)
	_, err = assemble.ImportFile(bg, svc, "testdata/population.jsonl", reference.ImportOptions{})
	require.NoError(t, err)
	return svc, h, st
}

func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	require.Eventually(t, cond, 5*time.Second, time.Millisecond, what)
}

// One slot, two places in the queue: a third waiting login is refused at once with
// overloaded; a queued login whose client leaves costs no hash and is not counted as a
// failure; the others are served in turn.
func TestAdmissionQueue(t *testing.T) {
	svc, h, st := newGatedService(t, 2, time.Minute)
	wrong := reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"}
	type result struct{ err error }
	login := func(ctx context.Context) chan result {
		c := make(chan result, 1)
		go func() {
			_, err := svc.Login(ctx, wrong)
			c <- result{err}
		}()
		return c
	}
	a := login(bg)
	eventually(t, func() bool { return h.started.Load() == 1 }, "A hashes")
	ctxB, cancelB := context.WithCancel(bg)
	b := login(ctxB)
	eventually(t, func() bool { return svc.Admission().Queued == 1 }, "B waits")
	c := login(bg)
	eventually(t, func() bool { return svc.Admission().Queued == 2 }, "C waits")

	start := time.Now()
	_, err := svc.Login(bg, wrong)
	took := time.Since(start)
	e := requireCode(t, err, reference.EOverloaded)
	assert.Equal(t, 60, e.Fields["retry_after"], "about one queue wait")
	assert.Less(t, took, 100*time.Millisecond, "a full queue answers at once")
	t.Logf("full queue answered overloaded in %v", took)

	cancelB()
	rb := <-b
	requireCode(t, rb.err, reference.EUnavailable)
	assert.Equal(t, 1, svc.Admission().Queued)

	close(h.gate)
	requireCode(t, (<-a).err, reference.EInvalidCredentials)
	requireCode(t, (<-c).err, reference.EInvalidCredentials)
	assert.EqualValues(t, 2, h.started.Load(), "the cancelled and the refused login cost no hash")
	require.NoError(t, st.View(bg, func(tx reference.Tx) error {
		acc, err := tx.Account(idAn)
		require.NoError(t, err)
		assert.Equal(t, 2, acc.FailedLogins, "only the two hashed attempts count")
		return nil
	}))
	stats := svc.Admission()
	assert.Equal(t, reference.AdmissionStats{Slots: 1, Admitted: 2, Rejected: 1, Cancelled: 1}, stats)
}

// A request that waited HashQueueWait is refused with overloaded and costs no hash.
func TestAdmissionDeadline(t *testing.T) {
	svc, h, _ := newGatedService(t, 4, 50*time.Millisecond)
	wrong := reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"}
	done := make(chan error, 1)
	go func() {
		_, err := svc.Login(bg, wrong)
		done <- err
	}()
	eventually(t, func() bool { return h.started.Load() == 1 }, "first hashes")
	start := time.Now()
	_, err := svc.Login(bg, wrong)
	took := time.Since(start)
	requireCode(t, err, reference.EOverloaded)
	assert.GreaterOrEqual(t, took, 50*time.Millisecond)
	t.Logf("queued login refused after %v", took)
	close(h.gate)
	requireCode(t, <-done, reference.EInvalidCredentials)
	assert.EqualValues(t, 1, h.started.Load())
}
