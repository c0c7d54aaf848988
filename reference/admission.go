package reference

import (
	"context"
	"math"
	"sync"
	"time"
)

// Admission control of password hashing. Every password hash the service computes (login
// verification, the dummy verification of an unknown ID or a refused login, the hash of a new
// password) first takes one of a fixed number of hashing slots, one per core. The policy:
//
//   - at most Policy.HashQueue requests per slot wait for one; a request beyond that is
//     refused at once with overloaded (HTTP 503 with Retry-After), before anything is
//     counted or hashed;
//   - a request waits at most Policy.HashQueueWait, then it is refused the same way;
//   - a request whose context ends while it waits (the client went away) leaves the queue and
//     costs no hash;
//   - flows finishing with an OTP (registration, activation, recovery: hashClassFinish) get a
//     slot before new password logins (hashClassLogin); an OTP check that needs no hash
//     (new-device login) never enters the queue.
//
// A hash that has started runs to its end: argon2 cannot be interrupted. With the fast hasher
// (microseconds per hash, for simulations and overhead measurements) there is nothing worth
// queueing and admission is off unless Config.HashWorkers is set: every request gets a slot
// at once.

// Hash classes, in the order in which waiting requests get a slot.
const (
	hashClassFinish = iota
	hashClassLogin
	nHashClasses
)

// AdmissionStats are counters of the hashing queue, for /metrics.
type AdmissionStats struct {
	// Slots is the number of hashing slots (cores; 0 when admission is off); Running how many
	// are in use.
	Slots, Running int
	// Queued is the number of requests waiting for a slot now.
	Queued int
	// Admitted counts requests that got a slot; Rejected those refused with overloaded (queue
	// full or waited too long); Cancelled those whose context ended first.
	Admitted, Rejected, Cancelled uint64
}

// hashQueue hands out hashing slots.
type hashQueue struct {
	maxQueued int
	wait      time.Duration
	off       bool // admit everything at once (the fast hasher)

	mu      sync.Mutex
	free    int
	waiting [nHashClasses][]*hashWaiter
	stats   AdmissionStats
}

type hashWaiter struct {
	ready   chan struct{}
	granted bool // under hashQueue.mu
}

func newHashQueue(slots, perSlot int, wait time.Duration) *hashQueue {
	slots = max(1, slots)
	return &hashQueue{maxQueued: slots * perSlot, wait: wait, free: slots, stats: AdmissionStats{Slots: slots}}
}

// acquire waits for a slot in class order and returns the function that gives it back (safe
// to call more than once). It returns overloaded when the queue is full or the wait exceeds
// the policy, and unavailable when ctx ends first; in both cases no slot is held.
func (q *hashQueue) acquire(ctx context.Context, class int) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		q.count(&q.stats.Cancelled)
		return nil, internal(err)
	}
	if q.off {
		return func() {}, nil
	}
	q.mu.Lock()
	if q.free > 0 && q.queued() == 0 {
		q.free--
		q.stats.Running++
		q.stats.Admitted++
		q.mu.Unlock()
		return q.releaser(), nil
	}
	if q.queued() >= q.maxQueued {
		q.stats.Rejected++
		q.mu.Unlock()
		return nil, q.overloaded("the service is at capacity")
	}
	w := &hashWaiter{ready: make(chan struct{})}
	q.waiting[class] = append(q.waiting[class], w)
	q.mu.Unlock()

	timer := time.NewTimer(q.wait)
	defer timer.Stop()
	select {
	case <-w.ready:
		if err := ctx.Err(); err != nil { // its turn came as the client left
			q.releaser()()
			q.count(&q.stats.Cancelled)
			return nil, internal(err)
		}
		return q.releaser(), nil
	case <-ctx.Done():
		q.abandon(w)
		q.count(&q.stats.Cancelled)
		return nil, internal(ctx.Err())
	case <-timer.C:
		q.abandon(w)
		q.count(&q.stats.Rejected)
		return nil, q.overloaded("the service is at capacity; waited too long")
	}
}

func (q *hashQueue) queued() int {
	n := 0
	for _, l := range q.waiting {
		n += len(l)
	}
	return n
}

func (q *hashQueue) count(c *uint64) {
	q.mu.Lock()
	*c++
	q.mu.Unlock()
}

// overloaded is the refusal of a full queue: retry after about one queue wait.
func (q *hashQueue) overloaded(msg string) error {
	secs := max(1, int(math.Ceil(q.wait.Seconds())))
	return Errorf(EOverloaded, "%s; try again in %d s", msg, secs).With("retry_after", secs)
}

// abandon takes w out of the queue; when a slot was granted to it meanwhile, the slot goes
// back.
func (q *hashQueue) abandon(w *hashWaiter) {
	q.mu.Lock()
	if w.granted {
		q.mu.Unlock()
		q.releaser()()
		return
	}
	for c, l := range q.waiting {
		for i, x := range l {
			if x == w {
				q.waiting[c] = append(l[:i:i], l[i+1:]...)
				break
			}
		}
	}
	q.mu.Unlock()
}

// releaser returns a once-only release of one held slot: the slot goes to the first waiter
// of the first non-empty class, or back to the free pool.
func (q *hashQueue) releaser() func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			q.mu.Lock()
			defer q.mu.Unlock()
			for c, l := range q.waiting {
				if len(l) > 0 {
					w := l[0]
					q.waiting[c] = l[1:]
					w.granted = true
					q.stats.Admitted++
					close(w.ready)
					return
				}
			}
			q.stats.Running--
			q.free++
		})
	}
}

// snapshot returns the current counters.
func (q *hashQueue) snapshot() AdmissionStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.off {
		return AdmissionStats{}
	}
	st := q.stats
	st.Queued = q.queued()
	return st
}

// Admission returns the counters of the hashing queue.
func (s *Service) Admission() AdmissionStats { return s.hashq.snapshot() }

// hashPassword hashes a new password in a hashing slot of class.
func (s *Service) hashPassword(ctx context.Context, class int, pw string) (string, error) {
	release, err := s.hashq.acquire(ctx, class)
	if err != nil {
		return "", err
	}
	defer release()
	h, err := s.hasher.Hash(pw)
	return h, internal(err)
}
