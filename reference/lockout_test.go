package reference_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/memstore"
	"github.com/eidsim/eidsim/reference/pgstore"
	"github.com/eidsim/eidsim/reference/pgstore/pgtest"
	"github.com/eidsim/eidsim/reference/sqlite"
)

// countingHasher wraps a hasher: it counts verifications against one encoding (the real
// password hash of the account under attack) and all of them, and can make each one slow.
type countingHasher struct {
	reference.Hasher
	delay  time.Duration
	target atomic.Pointer[string]
	real   atomic.Int64 // verifications of *target
	all    atomic.Int64
}

func (h *countingHasher) Verify(encoded, pw string) (bool, error) {
	h.all.Add(1)
	if t := h.target.Load(); t != nil && *t == encoded {
		h.real.Add(1)
	}
	time.Sleep(h.delay)
	return h.Hasher.Verify(encoded, pw)
}

// failingStore wraps a store whose Update can be made to fail (a full disk).
type failingStore struct {
	reference.Store
	fail atomic.Bool
}

var errDiskFull = errors.New("database or disk is full")

func (f *failingStore) Update(ctx context.Context, fn func(reference.Tx) error) error {
	if f.fail.Load() {
		return errDiskFull
	}
	return f.Store.Update(ctx, fn)
}

// stores are the Store implementations (PostgreSQL on the test binary's private cluster), for tests that must hold on every one.
var stores = []struct {
	name string
	open func(t *testing.T) reference.Store
}{
	{"memstore", func(t *testing.T) reference.Store { return memstore.New() }},
	{"sqlite", func(t *testing.T) reference.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "eid.db"))
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"postgres", func(t *testing.T) reference.Store {
		st, err := pgstore.Open(context.Background(), pgtest.URL(t), pgstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

// newServiceOn returns a service with the fixture imported on st, a manual clock, the fast
// hasher wrapped in h (nil for none) and the policy changed by edit.
func newServiceOn(t *testing.T, st reference.Store, h *countingHasher, edit func(*reference.Policy)) (*reference.Service, *reference.ManualClock) {
	t.Helper()
	fast, err := reference.NewHasher(reference.HashFast)
	require.NoError(t, err)
	var hasher reference.Hasher = fast
	if h != nil {
		h.Hasher = fast
		hasher = h
	}
	p := reference.DefaultPolicy()
	if edit != nil {
		edit(&p)
	}
	clock := reference.NewManualClock(fixtureTime)
	svc, err := reference.NewService(reference.Config{Store: st, Clock: clock, Hasher: hasher,
		Gateway: &recordingGateway{}, Policy: p, Seed: 42})
	require.NoError(t, err)
	_, err = assemble.ImportFile(context.Background(), svc, "testdata/population.jsonl", reference.ImportOptions{})
	require.NoError(t, err)
	return svc, clock
}

func passwordHash(t *testing.T, st reference.Store, id string) string {
	t.Helper()
	var h string
	require.NoError(t, st.View(bg, func(tx reference.Tx) error {
		a, err := tx.Account(id)
		if err == nil {
			h = a.PasswordHash
		}
		return err
	}))
	return h
}

// 200 concurrent guesses, the right password sent last: at most MaxFailedLogins hashes of
// the real password run, and the right one is refused while the lock holds. Before the
// reservation the lock was read before hashing and the right password got a token.
func TestConcurrentGuessesCannotBypassLockout(t *testing.T) {
	for _, sto := range stores {
		t.Run(sto.name, func(t *testing.T) {
			st := sto.open(t)
			h := &countingHasher{delay: 2 * time.Millisecond}
			svc, clock := newServiceOn(t, st, h, func(p *reference.Policy) {
				p.HashQueue = 1000 // nobody is shed: the lockout alone must hold
				p.HashQueueWait = time.Minute
			})
			real := passwordHash(t, st, idAn)
			h.target.Store(&real)

			const guesses = 200
			var started, wg sync.WaitGroup
			codes := make(chan string, guesses)
			started.Add(guesses - 1)
			for range guesses - 1 {
				wg.Go(func() {
					started.Done()
					_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
					codes <- reference.ErrorCode(err)
				})
			}
			started.Wait()
			_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
			require.Error(t, err, "the right password, sent last, is refused")
			assert.Contains(t, []string{reference.EAccountLocked, reference.ERateLimited}, reference.ErrorCode(err))
			wg.Wait()
			close(codes)
			count := map[string]int{}
			for c := range codes {
				count[c]++
			}
			t.Logf("%s: %d guesses, %d verifications of the real hash, %d in all; answers %v",
				sto.name, guesses, h.real.Load(), h.all.Load(), count)
			assert.LessOrEqual(t, h.real.Load(), int64(5), "hashes of the real password in one lock window")
			assert.Equal(t, guesses-1, count[reference.EInvalidCredentials]+count[reference.EAccountLocked]+count[reference.ERateLimited],
				"answers %v", count)
			assert.Positive(t, count[reference.EAccountLocked], "the wrong passwords locked the account")
			assert.Equal(t, int64(guesses), h.all.Load(), "every answer costs one hash's time")

			// Still refused while the lock holds, accepted when it ends.
			clock.Advance(29 * time.Minute)
			_, err = svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
			requireCode(t, err, reference.EAccountLocked)
			clock.Advance(time.Minute)
			res, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
			require.NoError(t, err)
			assert.NotNil(t, res.Token)
		})
	}
}

// Concurrent right passwords never lock an account: beyond MaxFailedLogins in flight they are
// refused with rate_limited, and the account stays usable.
func TestConcurrentRightPasswordsNeverLock(t *testing.T) {
	for _, sto := range stores {
		t.Run(sto.name, func(t *testing.T) {
			h := &countingHasher{delay: 2 * time.Millisecond}
			svc, _ := newServiceOn(t, sto.open(t), h, nil)
			var wg sync.WaitGroup
			codes := make(chan string, 40)
			for range 40 {
				wg.Go(func() {
					_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
					codes <- reference.ErrorCode(err)
				})
			}
			wg.Wait()
			close(codes)
			count := map[string]int{}
			for c := range codes {
				count[c]++
			}
			t.Logf("%s: 40 concurrent right passwords: %v", sto.name, count)
			assert.Zero(t, count[reference.EAccountLocked], "answers %v", count)
			assert.Positive(t, count[""], "answers %v", count)
			assert.Equal(t, 40, count[""]+count[reference.ERateLimited], "answers %v", count)
			res, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
			require.NoError(t, err)
			assert.NotNil(t, res.Token)
		})
	}
}

// The fifth attempt may be the right one: four wrong and one right never lock.
func TestRightPasswordAmongFirstAttemptsLogsIn(t *testing.T) {
	svc, _ := newServiceOn(t, memstore.New(), nil, nil)
	for range 4 {
		_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
		requireCode(t, err, reference.EInvalidCredentials)
	}
	res, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	require.NoError(t, err, "the fifth attempt reserved the lock and refunds it")
	require.NotNil(t, res.Token)
	for range 4 {
		_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
		requireCode(t, err, reference.EInvalidCredentials)
	}
}

// Lockout "throttle": no lock after five, an exponential wait instead, told with retry_after;
// the right password after the wait logs in, and the hundredth consecutive failure needs
// recovery.
func TestThrottleLockout(t *testing.T) {
	svc, clock := newServiceOn(t, memstore.New(), nil, func(p *reference.Policy) {
		p.Lockout = reference.LockoutThrottle
		p.ThrottleMaxFailures = 12
	})
	wrong := reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"}
	for range 4 {
		_, err := svc.Login(bg, wrong)
		requireCode(t, err, reference.EInvalidCredentials)
	}
	_, err := svc.Login(bg, wrong)
	e := requireCode(t, err, reference.EInvalidCredentials)
	assert.Equal(t, 1, e.Fields["retry_after"], "the fifth failure starts a 1 s wait")
	_, err = svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	e = requireCode(t, err, reference.ERateLimited)
	assert.Equal(t, 1, e.Fields["retry_after"])

	for i, want := range []int{2, 4, 8} { // the 6th, 7th and 8th failures double the wait
		clock.Advance(time.Duration(want/2) * time.Second)
		_, err = svc.Login(bg, wrong)
		e = requireCode(t, err, reference.EInvalidCredentials)
		assert.Equal(t, want, e.Fields["retry_after"], "failure %d", i+6)
	}
	clock.Advance(8 * time.Second)
	res, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	require.NoError(t, err)
	require.NotNil(t, res.Token)

	for i := range 12 {
		clock.Advance(time.Hour)
		_, err = svc.Login(bg, wrong)
		require.Error(t, err, "failure %d", i+1)
	}
	clock.Advance(time.Hour)
	_, err = svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	requireCode(t, err, reference.EAccountLocked)
}

// Login answers "uniform": a locked account, an unknown ID and a wrong password answer the
// same, and every answer costs one verification.
func TestUniformLoginAnswers(t *testing.T) {
	h := &countingHasher{}
	svc, _ := newServiceOn(t, memstore.New(), h, func(p *reference.Policy) { p.LoginAnswers = reference.AnswersUniform })
	for range 10 {
		_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
		e := requireCode(t, err, reference.EInvalidCredentials)
		assert.Empty(t, e.Fields)
	}
	for _, id := range []string{idAn, idLan, "001090999999", idPhuong, "abc"} {
		before := h.all.Load()
		_, err := svc.Login(bg, reference.LoginRequest{CitizenID: id, Password: pwAn, DeviceID: "d"})
		e := requireCode(t, err, reference.EInvalidCredentials)
		assert.Empty(t, e.Fields, id)
		assert.Equal(t, before+1, h.all.Load(), "%s costs one verification", id)
	}
}

// Answers "explicit": a locked account answers 423 only after one (dummy) verification, as
// long as a wrong password takes.
func TestLockedAccountCostsOneHash(t *testing.T) {
	h := &countingHasher{}
	svc, _ := newServiceOn(t, memstore.New(), h, nil)
	before := h.all.Load()
	_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idLan, Password: "Lan#Bui1988", DeviceID: "dev-lan"})
	requireCode(t, err, reference.EAccountLocked)
	assert.Equal(t, before+1, h.all.Load())
}

// A login whose attempt cannot be recorded is refused with unavailable, never answered with a
// token or a verdict on the password, and Ready says not ready. Before, a wrong password gave
// 500 uncounted and the right one 201.
func TestLoginFailsClosedWhenStoreCannotWrite(t *testing.T) {
	for _, sto := range stores {
		t.Run(sto.name, func(t *testing.T) {
			fs := &failingStore{Store: sto.open(t)}
			h := &countingHasher{}
			svc, _ := newServiceOn(t, fs, h, nil)
			real := passwordHash(t, fs, idAn)
			h.target.Store(&real)
			restore := reference.SetProbeEvery(0)
			defer restore()
			require.NoError(t, svc.Ready(bg))

			fs.fail.Store(true)
			for _, pw := range []string{"Wrong@123", pwAn} {
				_, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pw, DeviceID: "dev-an"})
				e := requireCode(t, err, reference.EUnavailable)
				require.ErrorIs(t, err, errDiskFull)
				assert.Equal(t, 5, e.Fields["retry_after"])
			}
			assert.Zero(t, h.real.Load(), "no hash runs when the attempt cannot be counted")
			requireCode(t, svc.Ready(bg), reference.EUnavailable)

			fs.fail.Store(false)
			require.NoError(t, svc.Ready(bg))
			res, err := svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
			require.NoError(t, err)
			assert.NotNil(t, res.Token)
		})
	}
}
