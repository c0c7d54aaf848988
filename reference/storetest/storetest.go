// Package storetest is the conformance suite of reference.Store: every store implementation
// (SQLite, PostgreSQL, in-memory) must pass Run. It checks CRUD of each entity, not-found and
// uniqueness errors, read-only views, atomicity of Update (an error discards every change),
// serialisable read-modify-write under concurrency (no lost updates, one winner), send-window
// counting, and — when the store can be reopened — persistence of keys and data.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// Reopener is implemented by stores whose factory can open the same data again. Reopen closes
// the store and returns a new one on the same data; the suite then checks persistence.
type Reopener interface {
	Reopen(ctx context.Context) (reference.Store, error)
}

// Run runs the conformance suite. newStore returns a new, empty store and registers its
// clean-up with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) reference.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, reference.Store)
	}{
		{"Citizens", testCitizens},
		{"Subscribers", testSubscribers},
		{"Accounts", testAccounts},
		{"AccountUniqueness", testAccountUniqueness},
		{"Challenges", testChallenges},
		{"Sends", testSends},
		{"Events", testEvents},
		{"Keys", testKeys},
		{"Imports", testImports},
		{"ReadOnlyView", testReadOnlyView},
		{"Atomicity", testAtomicity},
		{"ConcurrentIncrements", testConcurrentIncrements},
		{"ConcurrentConsume", testConcurrentConsume},
		{"ConcurrentAccountCreate", testConcurrentAccountCreate},
		{"ConcurrentReadsDuringWrites", testConcurrentReads},
		{"Bulk", testBulk},
		{"Ready", func(t *testing.T, s reference.Store) {
			require.NoError(t, s.Ready(context.Background()))
			assert.NotEmpty(t, s.Name())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
	t.Run("Reopen", func(t *testing.T) {
		s := newStore(t)
		if _, ok := s.(Reopener); !ok {
			t.Skip("store cannot be reopened")
		}
		testReopen(t, s)
	})
}

var t0 = time.Date(2024, 7, 1, 8, 0, 0, 123456789, time.UTC)

func update(t *testing.T, s reference.Store, fn func(reference.Tx) error) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), fn))
}

func view(t *testing.T, s reference.Store, fn func(reference.Tx) error) {
	t.Helper()
	require.NoError(t, s.View(context.Background(), fn))
}

func citizen(id string) *reference.Citizen {
	return &reference.Citizen{ID: id, FullName: "Nguyễn Văn An", Sex: "M", BirthDate: "1990-03-04",
		ProvinceCode: "001", Ethnicity: "Kinh", VillageID: "001-0001", Coverage: "4g", Handset: "smartphone",
		BiometricQuality: 0.9}
}

func account(id, phone string) *reference.Account {
	return &reference.Account{CitizenID: id, Level: 1, Phone: phone, Status: reference.StatusActive,
		PasswordHash: "$sha256$x$y", PasscodeMAC: []byte{1, 2, 3}, DeviceID: "dev-" + id,
		CreatedAt: t0, UpdatedAt: t0}
}

func challenge(id string) *reference.Challenge {
	return &reference.Challenge{ID: id, Purpose: reference.PurposeLogin, CitizenID: "001090000001",
		Phone: "0912345678", DeviceID: "dev-2", CodeMAC: []byte("mac"), CreatedAt: t0, SentAt: t0,
		ExpiresAt: t0.Add(3 * time.Minute)}
}

func testCitizens(t *testing.T, s reference.Store) {
	c := citizen("001090000001")
	view(t, s, func(tx reference.Tx) error {
		_, err := tx.Citizen(c.ID)
		assert.ErrorIs(t, err, reference.ErrNotFound)
		_, err = tx.NextCapture(c.ID)
		assert.Error(t, err, "NextCapture in a view")
		return nil
	})
	update(t, s, func(tx reference.Tx) error {
		_, err := tx.NextCapture(c.ID)
		assert.ErrorIs(t, err, reference.ErrNotFound)
		return tx.PutCitizen(c)
	})
	update(t, s, func(tx reference.Tx) error {
		for want := uint64(1); want <= 3; want++ {
			n, err := tx.NextCapture(c.ID)
			require.NoError(t, err)
			assert.Equal(t, want, n)
		}
		// Replacing the fields keeps the capture counter.
		c2 := *c
		c2.FullName, c2.Coverage, c2.BiometricQuality, c2.Captures = "Lò Thị Bình", "2g", 0.4, 0
		return tx.PutCitizen(&c2)
	})
	view(t, s, func(tx reference.Tx) error {
		got, err := tx.Citizen(c.ID)
		require.NoError(t, err)
		want := *c
		want.FullName, want.Coverage, want.BiometricQuality, want.Captures = "Lò Thị Bình", "2g", 0.4, 3
		assert.Equal(t, &want, got)
		n, err := tx.CountCitizens()
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		return nil
	})
}

func testSubscribers(t *testing.T, s reference.Store) {
	sub := &reference.Subscriber{Phone: "0912345678", Carrier: "VinaPhone", OwnerID: "", HolderID: ""}
	update(t, s, func(tx reference.Tx) error {
		_, err := tx.Subscriber(sub.Phone)
		assert.ErrorIs(t, err, reference.ErrNotFound)
		added, err := tx.AddSubscriber(sub)
		require.NoError(t, err)
		assert.True(t, added)
		again := *sub
		again.HolderID = "someone"
		added, err = tx.AddSubscriber(&again)
		require.NoError(t, err)
		assert.False(t, added, "AddSubscriber must leave an existing record")
		got, err := tx.Subscriber(sub.Phone)
		require.NoError(t, err)
		assert.Equal(t, sub, got)
		repl := &reference.Subscriber{Phone: sub.Phone, Carrier: "VinaPhone", OwnerID: "001090000001", HolderID: "001090000001"}
		require.NoError(t, tx.PutSubscriber(repl))
		got, err = tx.Subscriber(sub.Phone)
		require.NoError(t, err)
		assert.Equal(t, repl, got)
		return nil
	})
}

func testAccounts(t *testing.T, s reference.Store) {
	a := account("001090000001", "0912345678")
	update(t, s, func(tx reference.Tx) error {
		_, err := tx.Account(a.CitizenID)
		assert.ErrorIs(t, err, reference.ErrNotFound)
		_, err = tx.AccountByPhone(a.Phone)
		assert.ErrorIs(t, err, reference.ErrNotFound)
		assert.ErrorIs(t, tx.UpdateAccount(a), reference.ErrNotFound)
		return tx.CreateAccount(a)
	})
	view(t, s, func(tx reference.Tx) error {
		got, err := tx.Account(a.CitizenID)
		require.NoError(t, err)
		assert.Equal(t, a, got)
		got, err = tx.AccountByPhone(a.Phone)
		require.NoError(t, err)
		assert.Equal(t, a, got)
		n, err := tx.CountAccounts()
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		return nil
	})
	b := *a
	b.Level, b.Phone, b.Status, b.DeviceID = 2, "0987654321", reference.StatusPendingActivation, ""
	b.FailedLogins, b.LockedUntil, b.Epoch, b.UpdatedAt = 3, t0.Add(30*time.Minute), 7, t0.Add(time.Second)
	b.PasscodeMAC, b.PasswordHash = nil, ""
	update(t, s, func(tx reference.Tx) error { return tx.UpdateAccount(&b) })
	view(t, s, func(tx reference.Tx) error {
		got, err := tx.Account(a.CitizenID)
		require.NoError(t, err)
		assert.Equal(t, &b, got)
		_, err = tx.AccountByPhone(a.Phone)
		assert.ErrorIs(t, err, reference.ErrNotFound, "old phone is free after the change")
		// Changed since: strictly after the time given.
		for _, c := range []struct {
			since time.Time
			want  int64
		}{{b.UpdatedAt.Add(-time.Nanosecond), 1}, {b.UpdatedAt, 0}, {b.UpdatedAt.Add(time.Hour), 0}} {
			n, err := tx.CountAccountsChangedSince(c.since)
			require.NoError(t, err)
			assert.Equal(t, c.want, n, "changed since %v", c.since)
		}
		return nil
	})
	// PutAccount inserts and replaces.
	c := account("001090000002", "0900000002")
	update(t, s, func(tx reference.Tx) error {
		require.NoError(t, tx.PutAccount(c))
		c.Level = 2
		return tx.PutAccount(c)
	})
	view(t, s, func(tx reference.Tx) error {
		got, err := tx.Account(c.CitizenID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		return nil
	})
}

func testAccountUniqueness(t *testing.T, s reference.Store) {
	update(t, s, func(tx reference.Tx) error { return tx.CreateAccount(account("001090000001", "0912345678")) })
	tests := []struct {
		name string
		fn   func(tx reference.Tx) error
		want error
	}{
		{"second account for a citizen", func(tx reference.Tx) error {
			return tx.CreateAccount(account("001090000001", "0900000000"))
		}, reference.ErrAccountExists},
		{"create with a phone in use", func(tx reference.Tx) error {
			return tx.CreateAccount(account("001090000002", "0912345678"))
		}, reference.ErrPhoneInUse},
		{"update to a phone in use", func(tx reference.Tx) error {
			require.NoError(t, tx.CreateAccount(account("001090000003", "0900000003")))
			return tx.UpdateAccount(account("001090000003", "0912345678"))
		}, reference.ErrPhoneInUse},
		{"put with a phone in use", func(tx reference.Tx) error {
			return tx.PutAccount(account("001090000004", "0912345678"))
		}, reference.ErrPhoneInUse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(context.Background(), tt.fn)
			assert.ErrorIs(t, err, tt.want)
		})
	}
	view(t, s, func(tx reference.Tx) error {
		n, err := tx.CountAccounts()
		require.NoError(t, err)
		assert.EqualValues(t, 1, n, "failed transactions left nothing behind")
		return nil
	})
}

func testChallenges(t *testing.T, s reference.Store) {
	c := challenge("ch-1")
	update(t, s, func(tx reference.Tx) error {
		_, err := tx.Challenge(c.ID)
		assert.ErrorIs(t, err, reference.ErrNotFound)
		assert.ErrorIs(t, tx.UpdateChallenge(c), reference.ErrNotFound)
		assert.ErrorIs(t, tx.DeleteChallenge(c.ID), reference.ErrNotFound)
		require.NoError(t, tx.CreateChallenge(c))
		assert.ErrorIs(t, tx.CreateChallenge(c), reference.ErrExists)
		return nil
	})
	view(t, s, func(tx reference.Tx) error {
		got, err := tx.Challenge(c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		return nil
	})
	c.CodeMAC, c.Attempts, c.Resends = nil, 4, 2
	c.SentAt, c.ExpiresAt, c.ConsumedAt = t0.Add(time.Minute), t0.Add(4*time.Minute), t0.Add(90*time.Second)
	update(t, s, func(tx reference.Tx) error { return tx.UpdateChallenge(c) })
	view(t, s, func(tx reference.Tx) error {
		got, err := tx.Challenge(c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		return nil
	})
	// Expired challenges and their sends go; others stay.
	d := challenge("ch-2")
	d.ExpiresAt = t0.Add(time.Hour)
	update(t, s, func(tx reference.Tx) error {
		require.NoError(t, tx.CreateChallenge(d))
		require.NoError(t, tx.AddSend(c.Phone, t0, c.ID))
		require.NoError(t, tx.AddSend(d.Phone, t0.Add(time.Second), d.ID))
		n, err := tx.DeleteExpiredChallenges(t0.Add(30 * time.Minute))
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		_, err = tx.Challenge(c.ID)
		assert.ErrorIs(t, err, reference.ErrNotFound)
		_, err = tx.Challenge(d.ID)
		assert.NoError(t, err)
		k, err := tx.CountSends(c.Phone, t0)
		require.NoError(t, err)
		assert.Equal(t, 1, k, "only the remaining challenge's send is left")
		require.NoError(t, tx.DeleteChallenge(d.ID))
		k, err = tx.CountSends(c.Phone, t0)
		require.NoError(t, err)
		assert.Equal(t, 0, k)
		return nil
	})
}

func testSends(t *testing.T, s reference.Store) {
	phone := "0912345678"
	update(t, s, func(tx reference.Tx) error {
		for i := range 5 {
			require.NoError(t, tx.AddSend(phone, t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("ch-%d", i)))
		}
		return tx.AddSend("0900000000", t0, "other")
	})
	tests := []struct {
		since time.Time
		want  int
	}{
		{t0.Add(-time.Hour), 5},
		{t0, 5},
		{t0.Add(time.Nanosecond), 4},
		{t0.Add(2 * time.Minute), 3},
		{t0.Add(4 * time.Minute), 1},
		{t0.Add(5 * time.Minute), 0},
	}
	for _, tt := range tests {
		view(t, s, func(tx reference.Tx) error {
			n, err := tx.CountSends(phone, tt.since)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n, "since %v", tt.since)
			return nil
		})
	}
	update(t, s, func(tx reference.Tx) error {
		n, err := tx.DeleteSend("ch-2", t0.Add(time.Minute))
		require.NoError(t, err)
		assert.EqualValues(t, 0, n, "wrong time deletes nothing")
		n, err = tx.DeleteSend("ch-2", t0.Add(2*time.Minute))
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		k, err := tx.CountSends(phone, t0)
		require.NoError(t, err)
		assert.Equal(t, 4, k)
		return nil
	})
}

func testEvents(t *testing.T, s reference.Store) {
	update(t, s, func(tx reference.Tx) error {
		for i := range 4 {
			require.NoError(t, tx.AddEvent("a", t0.Add(time.Duration(i)*time.Hour)))
		}
		return tx.AddEvent("b", t0)
	})
	tests := []struct {
		key   string
		since time.Time
		want  int
	}{
		{"a", t0.Add(-time.Hour), 4},
		{"a", t0, 4},
		{"a", t0.Add(time.Nanosecond), 3},
		{"a", t0.Add(3 * time.Hour), 1},
		{"a", t0.Add(4 * time.Hour), 0},
		{"b", t0, 1},
		{"c", t0, 0},
	}
	for _, tt := range tests {
		view(t, s, func(tx reference.Tx) error {
			n, err := tx.CountEvents(tt.key, tt.since)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n, "%s since %v", tt.key, tt.since)
			return nil
		})
	}
	view(t, s, func(tx reference.Tx) error {
		require.ErrorIs(t, tx.AddEvent("a", t0), reference.ErrReadOnly)
		return nil
	})
	update(t, s, func(tx reference.Tx) error {
		n, err := tx.DeleteEvents("a", t0.Add(2*time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		k, err := tx.CountEvents("b", t0)
		require.NoError(t, err)
		assert.Equal(t, 1, k, "another key's events stay")
		n, err = tx.DeleteEvents("", t0.Add(3*time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 2, n, "one of a and the one of b")
		k, err = tx.CountEvents("a", t0)
		require.NoError(t, err)
		assert.Equal(t, 1, k)
		return nil
	})
}

func testKeys(t *testing.T, s reference.Store) {
	update(t, s, func(tx reference.Tx) error {
		_, err := tx.Key("token")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		require.NoError(t, tx.PutKey("token", []byte("secret-1")))
		assert.ErrorIs(t, tx.PutKey("token", []byte("secret-2")), reference.ErrExists)
		return nil
	})
	view(t, s, func(tx reference.Tx) error {
		v, err := tx.Key("token")
		require.NoError(t, err)
		assert.Equal(t, []byte("secret-1"), v)
		return nil
	})
}

func testImports(t *testing.T, s reference.Store) {
	r1 := &reference.ImportRecord{SHA256: "aa", Path: "a.jsonl", ImportedAt: t0,
		Stats: reference.ImportStats{Citizens: 10, Accounts: 4, PasswordPoolSize: 3, SHA256: "aa"}}
	r2 := &reference.ImportRecord{SHA256: "bb", Path: "b.jsonl", ImportedAt: t0.Add(time.Hour),
		Stats: reference.ImportStats{Citizens: 20, SHA256: "bb"}}
	update(t, s, func(tx reference.Tx) error {
		_, err := tx.Import("aa")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		require.NoError(t, tx.PutImport(r2))
		require.NoError(t, tx.PutImport(r1))
		return nil
	})
	view(t, s, func(tx reference.Tx) error {
		got, err := tx.Import("aa")
		require.NoError(t, err)
		assert.Equal(t, r1, got)
		all, err := tx.Imports()
		require.NoError(t, err)
		assert.Equal(t, []reference.ImportRecord{*r1, *r2}, all)
		return nil
	})
}

func testReadOnlyView(t *testing.T, s reference.Store) {
	err := s.View(context.Background(), func(tx reference.Tx) error {
		writes := map[string]error{
			"PutCitizen":    tx.PutCitizen(citizen("001090000001")),
			"PutSubscriber": tx.PutSubscriber(&reference.Subscriber{Phone: "0912345678"}),
			"CreateAccount": tx.CreateAccount(account("001090000001", "0912345678")),
			"CreateChall":   tx.CreateChallenge(challenge("x")),
			"AddSend":       tx.AddSend("0912345678", t0, "x"),
			"PutKey":        tx.PutKey("k", []byte("v")),
		}
		for name, err := range writes {
			assert.ErrorIs(t, err, reference.ErrReadOnly, name)
		}
		return nil
	})
	require.NoError(t, err)
	view(t, s, func(tx reference.Tx) error {
		n, err := tx.CountCitizens()
		require.NoError(t, err)
		assert.Zero(t, n)
		return nil
	})
}

func testAtomicity(t *testing.T, s reference.Store) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx reference.Tx) error {
		require.NoError(t, tx.PutCitizen(citizen("001090000001")))
		require.NoError(t, tx.CreateAccount(account("001090000001", "0912345678")))
		require.NoError(t, tx.CreateChallenge(challenge("ch")))
		require.NoError(t, tx.AddSend("0912345678", t0, "ch"))
		require.NoError(t, tx.PutKey("k", []byte("v")))
		return boom
	})
	require.ErrorIs(t, err, boom)
	view(t, s, func(tx reference.Tx) error {
		_, err := tx.Citizen("001090000001")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		_, err = tx.Account("001090000001")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		_, err = tx.Challenge("ch")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		_, err = tx.Key("k")
		assert.ErrorIs(t, err, reference.ErrNotFound)
		n, err := tx.CountSends("0912345678", t0.Add(-time.Hour))
		require.NoError(t, err)
		assert.Zero(t, n)
		return nil
	})
}

const workers = 16

// testConcurrentIncrements: N goroutines each add one wrong attempt; every one counts.
func testConcurrentIncrements(t *testing.T, s reference.Store) {
	update(t, s, func(tx reference.Tx) error { return tx.CreateChallenge(challenge("ch")) })
	const per = 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*per)
	for range workers {
		wg.Go(func() {
			for range per {
				errs <- s.Update(context.Background(), func(tx reference.Tx) error {
					c, err := tx.Challenge("ch")
					if err != nil {
						return err
					}
					c.Attempts++
					return tx.UpdateChallenge(c)
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	view(t, s, func(tx reference.Tx) error {
		c, err := tx.Challenge("ch")
		require.NoError(t, err)
		assert.Equal(t, workers*per, c.Attempts)
		return nil
	})
}

// testConcurrentConsume: N goroutines try to consume one challenge; exactly one wins.
func testConcurrentConsume(t *testing.T, s reference.Store) {
	update(t, s, func(tx reference.Tx) error { return tx.CreateChallenge(challenge("ch")) })
	errUsed := errors.New("used")
	var wg sync.WaitGroup
	results := make(chan error, workers)
	for i := range workers {
		wg.Go(func() {
			results <- s.Update(context.Background(), func(tx reference.Tx) error {
				c, err := tx.Challenge("ch")
				if err != nil {
					return err
				}
				if !c.ConsumedAt.IsZero() {
					return errUsed
				}
				c.ConsumedAt = t0.Add(time.Duration(i+1) * time.Second)
				return tx.UpdateChallenge(c)
			})
		})
	}
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, errUsed)
	}
	assert.Equal(t, 1, won)
}

// testConcurrentAccountCreate: N goroutines register the same phone for different citizens;
// exactly one account results.
func testConcurrentAccountCreate(t *testing.T, s reference.Store) {
	var wg sync.WaitGroup
	results := make(chan error, workers)
	for i := range workers {
		wg.Go(func() {
			results <- s.Update(context.Background(), func(tx reference.Tx) error {
				return tx.CreateAccount(account(fmt.Sprintf("0010900000%02d", i), "0912345678"))
			})
		})
	}
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, reference.ErrPhoneInUse)
	}
	assert.Equal(t, 1, won)
}

// testConcurrentReads: views run while writers commit and always see a consistent state (the
// attempts and resends of a challenge are written together).
func testConcurrentReads(t *testing.T, s reference.Store) {
	update(t, s, func(tx reference.Tx) error { return tx.CreateChallenge(challenge("ch")) })
	var wg sync.WaitGroup
	const writes = 50
	wg.Go(func() {
		for range writes {
			assert.NoError(t, s.Update(context.Background(), func(tx reference.Tx) error {
				c, err := tx.Challenge("ch")
				if err != nil {
					return err
				}
				c.Attempts++
				c.Resends++
				return tx.UpdateChallenge(c)
			}))
		}
	})
	for range 4 {
		wg.Go(func() {
			for range writes {
				assert.NoError(t, s.View(context.Background(), func(tx reference.Tx) error {
					c, err := tx.Challenge("ch")
					if err != nil {
						return err
					}
					assert.Equal(t, c.Attempts, c.Resends)
					return nil
				}))
			}
		})
	}
	wg.Wait()
}

func testReopen(t *testing.T, s reference.Store) {
	c := citizen("001090000001")
	a := account(c.ID, "0912345678")
	update(t, s, func(tx reference.Tx) error {
		require.NoError(t, tx.PutKey("token", []byte("secret")))
		require.NoError(t, tx.PutCitizen(c))
		require.NoError(t, tx.CreateAccount(a))
		require.NoError(t, tx.CreateChallenge(challenge("ch")))
		return tx.AddSend("0912345678", t0, "ch")
	})
	s2, err := s.(Reopener).Reopen(context.Background())
	require.NoError(t, err)
	view(t, s2, func(tx reference.Tx) error {
		k, err := tx.Key("token")
		require.NoError(t, err)
		assert.Equal(t, []byte("secret"), k)
		got, err := tx.Account(a.CitizenID)
		require.NoError(t, err)
		assert.Equal(t, a, got)
		_, err = tx.Citizen(c.ID)
		require.NoError(t, err)
		_, err = tx.Challenge("ch")
		require.NoError(t, err)
		n, err := tx.CountSends("0912345678", t0)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		return nil
	})
}

// testBulk checks the optional reference.BulkTx: each call means its one-row counterpart per
// element, in order, and a phone conflict names the element.
func testBulk(t *testing.T, s reference.Store) {
	var bulk bool
	view(t, s, func(tx reference.Tx) error {
		_, bulk = tx.(reference.BulkTx)
		return nil
	})
	if !bulk {
		t.Skip("the store's Tx has no bulk writes")
	}
	const n = 300 // several chunks and a tail for any chunk size up to 128
	var cs []reference.Citizen
	var sims, old []reference.Subscriber
	var as []reference.Account
	for i := range n {
		id := fmt.Sprintf("001090%06d", i)
		c := citizen(id)
		c.FullName = fmt.Sprintf("Citizen %d", i)
		cs = append(cs, *c)
		sims = append(sims, reference.Subscriber{Phone: fmt.Sprintf("091%07d", i), Carrier: "VinaPhone", OwnerID: id, HolderID: id})
		old = append(old, reference.Subscriber{Phone: fmt.Sprintf("091%07d", i+n/2), Carrier: "VinaPhone"})
		as = append(as, *account(id, fmt.Sprintf("091%07d", i)))
	}
	update(t, s, func(tx reference.Tx) error {
		b := tx.(reference.BulkTx)
		require.NoError(t, b.PutCitizens(cs))
		require.NoError(t, b.PutSubscribers(sims))
		require.NoError(t, b.AddSubscribers(old)) // the first half exist: left alone
		require.NoError(t, b.PutAccounts(as))
		as[0].Level = 2
		return b.PutAccounts(as[:1]) // replaces
	})
	view(t, s, func(tx reference.Tx) error {
		for i := range n {
			c, err := tx.Citizen(cs[i].ID)
			require.NoError(t, err)
			assert.Equal(t, &cs[i], c)
			a, err := tx.Account(as[i].CitizenID)
			require.NoError(t, err)
			assert.Equal(t, &as[i], a)
			sub, err := tx.Subscriber(sims[i].Phone)
			require.NoError(t, err)
			assert.Equal(t, &sims[i], sub)
		}
		sub, err := tx.Subscriber(old[n-1].Phone)
		require.NoError(t, err)
		assert.Equal(t, &old[n-1], sub, "absent old numbers are added")
		k, err := tx.CountAccounts()
		require.NoError(t, err)
		assert.EqualValues(t, n, k)
		return nil
	})
	// A phone taken by another citizen fails at its element.
	more := make([]reference.Account, 200)
	for i := range more {
		more[i] = *account(fmt.Sprintf("002090%06d", i), fmt.Sprintf("092%07d", i))
	}
	more[150].Phone = as[7].Phone
	err := s.Update(context.Background(), func(tx reference.Tx) error { return tx.(reference.BulkTx).PutAccounts(more) })
	var be *reference.BulkError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 150, be.Index)
	assert.ErrorIs(t, err, reference.ErrPhoneInUse)
	view(t, s, func(tx reference.Tx) error {
		k, err := tx.CountAccounts()
		require.NoError(t, err)
		assert.EqualValues(t, n, k, "the failed transaction wrote nothing")
		return nil
	})
}
