// Package memstore is an in-memory reference.Store for the campaign simulation, where a
// province's whole population lives in one process for a simulated year and speed matters
// more than durability. It passes the storetest conformance suite.
//
// The contract, beyond reference.Store's: nothing survives the process (Name says so); one
// readers–writer lock serialises Updates against each other and against Views, which is
// serialisable by construction; an Update keeps an undo log and replays it backwards when fn
// returns an error, so a failed transaction leaves no trace; every getter returns a deep copy
// and every writer stores one, so callers never share memory with the store. Expired
// challenges are found through a min-heap on expiry, so DeleteExpiredChallenges costs only
// the challenges it removes (plus stale heap entries), not a scan of all of them.
package memstore

import (
	"container/heap"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// Store is an in-memory reference.Store. The zero value is not usable; call New.
type Store struct {
	mu sync.RWMutex

	citizens    map[string]*reference.Citizen
	subscribers map[string]*reference.Subscriber
	accounts    map[string]*reference.Account
	byPhone     map[string]string // account phone → citizen id
	challenges  map[string]*reference.Challenge
	expiry      expiryHeap
	sends       map[string][]send      // phone → sends, in insertion order
	sendsOf     map[string][]sendRef   // challenge id → where its sends are
	events      map[string][]time.Time // key → event times, in insertion order
	keys        map[string][]byte
	provider    map[providerKey]*reference.ProviderRecord // see oidc.go
	imports     map[string]*reference.ImportRecord
}

type send struct {
	at          time.Time
	challengeID string
}

type sendRef struct {
	phone string
	at    time.Time
}

var _ reference.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		citizens:    map[string]*reference.Citizen{},
		subscribers: map[string]*reference.Subscriber{},
		accounts:    map[string]*reference.Account{},
		byPhone:     map[string]string{},
		challenges:  map[string]*reference.Challenge{},
		sends:       map[string][]send{},
		sendsOf:     map[string][]sendRef{},
		events:      map[string][]time.Time{},
		keys:        map[string][]byte{},
		imports:     map[string]*reference.ImportRecord{},
	}
}

// Name names the implementation.
func (s *Store) Name() string { return "memory (not persistent)" }

// Ready always answers nil: the store is in this process.
func (s *Store) Ready(ctx context.Context) error { return ctx.Err() }

// View runs fn on a read-only snapshot (under the read lock).
func (s *Store) View(ctx context.Context, fn func(reference.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(&tx{s: s, readOnly: true})
}

// Update runs fn under the write lock and undoes every change when fn returns an error (or
// panics).
func (s *Store) Update(ctx context.Context, fn func(reference.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &tx{s: s}
	ok := false
	defer func() {
		if !ok {
			t.rollback()
		}
	}()
	err = fn(t)
	ok = err == nil
	return err
}

// tx is one transaction. Writes push the inverse operation onto undo.
type tx struct {
	s        *Store
	readOnly bool
	undo     []func()
}

func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

// restore returns an undo step that puts back m[k] as it was (absent when !had).
func restore[V any](m map[string]V, k string) func() {
	old, had := m[k]
	return func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	}
}

func (t *tx) write() error {
	if t.readOnly {
		return reference.ErrReadOnly
	}
	return nil
}

// --- citizens ---

func copyCitizen(c *reference.Citizen) *reference.Citizen { v := *c; return &v }

func (t *tx) Citizen(id string) (*reference.Citizen, error) {
	c, ok := t.s.citizens[id]
	if !ok {
		return nil, reference.ErrNotFound
	}
	return copyCitizen(c), nil
}

func (t *tx) PutCitizen(c *reference.Citizen) error {
	if err := t.write(); err != nil {
		return err
	}
	v := copyCitizen(c)
	if old, ok := t.s.citizens[c.ID]; ok {
		v.Captures = old.Captures
	} else {
		v.Captures = 0
	}
	t.undo = append(t.undo, restore(t.s.citizens, c.ID))
	t.s.citizens[c.ID] = v
	return nil
}

func (t *tx) NextCapture(id string) (uint64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	c, ok := t.s.citizens[id]
	if !ok {
		return 0, reference.ErrNotFound
	}
	t.undo = append(t.undo, restore(t.s.citizens, id))
	v := copyCitizen(c)
	v.Captures++
	t.s.citizens[id] = v
	return v.Captures, nil
}

func (t *tx) CountCitizens() (int64, error) { return int64(len(t.s.citizens)), nil }

// --- subscribers ---

func (t *tx) Subscriber(phone string) (*reference.Subscriber, error) {
	v, ok := t.s.subscribers[phone]
	if !ok {
		return nil, reference.ErrNotFound
	}
	c := *v
	return &c, nil
}

func (t *tx) PutSubscriber(sub *reference.Subscriber) error {
	if err := t.write(); err != nil {
		return err
	}
	c := *sub
	t.undo = append(t.undo, restore(t.s.subscribers, sub.Phone))
	t.s.subscribers[sub.Phone] = &c
	return nil
}

func (t *tx) AddSubscriber(sub *reference.Subscriber) (bool, error) {
	if err := t.write(); err != nil {
		return false, err
	}
	if _, ok := t.s.subscribers[sub.Phone]; ok {
		return false, nil
	}
	return true, t.PutSubscriber(sub)
}

// --- accounts ---

func copyAccount(a *reference.Account) *reference.Account {
	v := *a
	if a.PasscodeMAC != nil {
		v.PasscodeMAC = slices.Clone(a.PasscodeMAC)
	}
	v.LockedUntil = utc(a.LockedUntil)
	v.CreatedAt = utc(a.CreatedAt)
	v.UpdatedAt = utc(a.UpdatedAt)
	return &v
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func (t *tx) Account(id string) (*reference.Account, error) {
	a, ok := t.s.accounts[id]
	if !ok {
		return nil, reference.ErrNotFound
	}
	return copyAccount(a), nil
}

func (t *tx) AccountByPhone(phone string) (*reference.Account, error) {
	id, ok := t.s.byPhone[phone]
	if !ok {
		return nil, reference.ErrNotFound
	}
	return t.Account(id)
}

// setAccount stores a (insert or replace), keeping the phone index, after the caller checked
// the rules.
func (t *tx) setAccount(a *reference.Account) {
	s := t.s
	t.undo = append(t.undo, restore(s.accounts, a.CitizenID))
	if old, ok := s.accounts[a.CitizenID]; ok && old.Phone != "" {
		t.undo = append(t.undo, restore(s.byPhone, old.Phone))
		delete(s.byPhone, old.Phone)
	}
	s.accounts[a.CitizenID] = copyAccount(a)
	if a.Phone != "" {
		t.undo = append(t.undo, restore(s.byPhone, a.Phone))
		s.byPhone[a.Phone] = a.CitizenID
	}
}

func (t *tx) phoneTaken(a *reference.Account) bool {
	if a.Phone == "" {
		return false
	}
	id, ok := t.s.byPhone[a.Phone]
	return ok && id != a.CitizenID
}

func (t *tx) CreateAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if _, ok := t.s.accounts[a.CitizenID]; ok {
		return reference.ErrAccountExists
	}
	if t.phoneTaken(a) {
		return reference.ErrPhoneInUse
	}
	t.setAccount(a)
	return nil
}

func (t *tx) UpdateAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if _, ok := t.s.accounts[a.CitizenID]; !ok {
		return reference.ErrNotFound
	}
	if t.phoneTaken(a) {
		return reference.ErrPhoneInUse
	}
	t.setAccount(a)
	return nil
}

func (t *tx) PutAccount(a *reference.Account) error {
	if err := t.write(); err != nil {
		return err
	}
	if t.phoneTaken(a) {
		return reference.ErrPhoneInUse
	}
	t.setAccount(a)
	return nil
}

func (t *tx) CountAccounts() (int64, error) { return int64(len(t.s.accounts)), nil }

func (t *tx) CountAccountsChangedSince(since time.Time) (int64, error) {
	var n int64
	for _, a := range t.s.accounts {
		if a.UpdatedAt.After(since) {
			n++
		}
	}
	return n, nil
}

// --- challenges ---

func copyChallenge(c *reference.Challenge) *reference.Challenge {
	v := *c
	if c.CodeMAC != nil {
		v.CodeMAC = slices.Clone(c.CodeMAC)
	}
	v.CreatedAt, v.SentAt, v.ExpiresAt, v.ConsumedAt = utc(c.CreatedAt), utc(c.SentAt), utc(c.ExpiresAt), utc(c.ConsumedAt)
	return &v
}

func (t *tx) Challenge(id string) (*reference.Challenge, error) {
	c, ok := t.s.challenges[id]
	if !ok {
		return nil, reference.ErrNotFound
	}
	return copyChallenge(c), nil
}

func (t *tx) putChallenge(c *reference.Challenge) {
	s := t.s
	t.undo = append(t.undo, restore(s.challenges, c.ID))
	v := copyChallenge(c)
	s.challenges[c.ID] = v
	// A heap entry is never undone: entries whose expiry no longer matches the challenge are
	// skipped when popped.
	heap.Push(&s.expiry, expiryEntry{at: v.ExpiresAt, id: v.ID})
}

func (t *tx) CreateChallenge(c *reference.Challenge) error {
	if err := t.write(); err != nil {
		return err
	}
	if _, ok := t.s.challenges[c.ID]; ok {
		return reference.ErrExists
	}
	t.putChallenge(c)
	return nil
}

func (t *tx) UpdateChallenge(c *reference.Challenge) error {
	if err := t.write(); err != nil {
		return err
	}
	old, ok := t.s.challenges[c.ID]
	if !ok {
		return reference.ErrNotFound
	}
	if old.ExpiresAt.Equal(c.ExpiresAt) {
		t.undo = append(t.undo, restore(t.s.challenges, c.ID))
		t.s.challenges[c.ID] = copyChallenge(c)
		return nil
	}
	t.putChallenge(c)
	return nil
}

func (t *tx) DeleteChallenge(id string) error {
	if err := t.write(); err != nil {
		return err
	}
	if _, ok := t.s.challenges[id]; !ok {
		return reference.ErrNotFound
	}
	t.deleteChallenge(id)
	return nil
}

func (t *tx) deleteChallenge(id string) {
	s := t.s
	t.undo = append(t.undo, restore(s.challenges, id))
	delete(s.challenges, id)
	for _, ref := range s.sendsOf[id] {
		t.removeSends(ref.phone, func(x send) bool { return x.challengeID == id })
	}
	t.undo = append(t.undo, restore(s.sendsOf, id))
	delete(s.sendsOf, id)
}

func (t *tx) DeleteExpiredChallenges(before time.Time) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	s := t.s
	var n int64
	var popped []expiryEntry
	for s.expiry.Len() > 0 && s.expiry[0].at.Before(before) {
		e := heap.Pop(&s.expiry).(expiryEntry)
		popped = append(popped, e)
		c, ok := s.challenges[e.id]
		if !ok || !c.ExpiresAt.Equal(e.at) {
			continue // stale entry
		}
		t.deleteChallenge(e.id)
		n++
	}
	if len(popped) > 0 {
		t.undo = append(t.undo, func() {
			for _, e := range popped {
				heap.Push(&s.expiry, e)
			}
		})
	}
	return n, nil
}

// --- sends ---

func (t *tx) AddSend(phone string, at time.Time, challengeID string) error {
	if err := t.write(); err != nil {
		return err
	}
	s := t.s
	at = at.UTC()
	t.undo = append(t.undo, restoreSlice(s.sends, phone), restoreSlice(s.sendsOf, challengeID))
	s.sends[phone] = append(slices.Clip(s.sends[phone]), send{at: at, challengeID: challengeID})
	s.sendsOf[challengeID] = append(slices.Clip(s.sendsOf[challengeID]), sendRef{phone: phone, at: at})
	return nil
}

// restoreSlice is restore for slice values; writers must not modify the old slice in place
// (they append to a clipped copy or build a new one).
func restoreSlice[E any](m map[string][]E, k string) func() { return restore(m, k) }

// removeSends drops the sends to phone that match drop and reports how many it dropped.
func (t *tx) removeSends(phone string, drop func(send) bool) int64 {
	s := t.s
	old := s.sends[phone]
	kept := make([]send, 0, len(old))
	for _, x := range old {
		if !drop(x) {
			kept = append(kept, x)
		}
	}
	n := int64(len(old) - len(kept))
	if n == 0 {
		return 0
	}
	t.undo = append(t.undo, restoreSlice(s.sends, phone))
	if len(kept) == 0 {
		delete(s.sends, phone)
	} else {
		s.sends[phone] = kept
	}
	return n
}

func (t *tx) CountSends(phone string, since time.Time) (int, error) {
	n := 0
	for _, x := range t.s.sends[phone] {
		if !x.at.Before(since) {
			n++
		}
	}
	return n, nil
}

func (t *tx) DeleteSend(challengeID string, at time.Time) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	s := t.s
	var n int64
	refs := s.sendsOf[challengeID]
	kept := make([]sendRef, 0, len(refs))
	for _, ref := range refs {
		if !ref.at.Equal(at) {
			kept = append(kept, ref)
			continue
		}
		n += t.removeSends(ref.phone, func(x send) bool { return x.challengeID == challengeID && x.at.Equal(at) })
	}
	if len(kept) != len(refs) {
		t.undo = append(t.undo, restoreSlice(s.sendsOf, challengeID))
		if len(kept) == 0 {
			delete(s.sendsOf, challengeID)
		} else {
			s.sendsOf[challengeID] = kept
		}
	}
	return n, nil
}

// --- events ---

func (t *tx) AddEvent(key string, at time.Time) error {
	if err := t.write(); err != nil {
		return err
	}
	s := t.s
	t.undo = append(t.undo, restoreSlice(s.events, key))
	s.events[key] = append(slices.Clip(s.events[key]), at.UTC())
	return nil
}

func (t *tx) CountEvents(key string, since time.Time) (int, error) {
	n := 0
	for _, at := range t.s.events[key] {
		if !at.Before(since) {
			n++
		}
	}
	return n, nil
}

func (t *tx) DeleteEvents(key string, before time.Time) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	s := t.s
	keys := []string{key}
	if key == "" {
		keys = keys[:0]
		for k := range s.events {
			keys = append(keys, k)
		}
	}
	var n int64
	for _, k := range keys {
		old := s.events[k]
		kept := make([]time.Time, 0, len(old))
		for _, at := range old {
			if !at.Before(before) {
				kept = append(kept, at)
			}
		}
		if len(kept) == len(old) {
			continue
		}
		n += int64(len(old) - len(kept))
		t.undo = append(t.undo, restoreSlice(s.events, k))
		if len(kept) == 0 {
			delete(s.events, k)
		} else {
			s.events[k] = kept
		}
	}
	return n, nil
}

// --- keys ---

func (t *tx) Key(name string) ([]byte, error) {
	v, ok := t.s.keys[name]
	if !ok {
		return nil, reference.ErrNotFound
	}
	return slices.Clone(v), nil
}

func (t *tx) PutKey(name string, value []byte) error {
	if err := t.write(); err != nil {
		return err
	}
	if _, ok := t.s.keys[name]; ok {
		return reference.ErrExists
	}
	t.undo = append(t.undo, restore(t.s.keys, name))
	t.s.keys[name] = slices.Clone(value)
	return nil
}

// --- imports ---

func copyImport(r *reference.ImportRecord) *reference.ImportRecord {
	v := *r
	v.ImportedAt = utc(r.ImportedAt)
	return &v
}

func (t *tx) Import(sha string) (*reference.ImportRecord, error) {
	r, ok := t.s.imports[sha]
	if !ok {
		return nil, reference.ErrNotFound
	}
	return copyImport(r), nil
}

func (t *tx) PutImport(r *reference.ImportRecord) error {
	if err := t.write(); err != nil {
		return err
	}
	t.undo = append(t.undo, restore(t.s.imports, r.SHA256))
	t.s.imports[r.SHA256] = copyImport(r)
	return nil
}

func (t *tx) Imports() ([]reference.ImportRecord, error) {
	out := make([]reference.ImportRecord, 0, len(t.s.imports))
	for _, r := range t.s.imports {
		out = append(out, *copyImport(r))
	}
	slices.SortFunc(out, func(a, b reference.ImportRecord) int {
		if c := a.ImportedAt.Compare(b.ImportedAt); c != 0 {
			return c
		}
		switch {
		case a.SHA256 < b.SHA256:
			return -1
		case a.SHA256 > b.SHA256:
			return 1
		}
		return 0
	})
	return out, nil
}

// --- expiry heap ---

type expiryEntry struct {
	at time.Time
	id string
}

type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
