package telco

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// World answers who holds a number now and with what coverage. reference.StoreWorld answers
// it from a store (the subscriber record and its holder's village), so a telco needs a store,
// not a service; reference.API satisfies it too. An error with code reference.ENotFound means the number is not in service; any other error is
// taken as transient and the attempt is retried.
type World interface {
	Handset(ctx context.Context, phone string) (*reference.Handset, error)
}

// Sim is the simulated network. It is safe for concurrent use.
type Sim struct {
	cfg   Config
	world World
	clock reference.Clock
	seed  uint64

	// advMu serialises Advance so deliveries happen in due order.
	advMu sync.Mutex

	mu          sync.Mutex
	faults      Faults              // normalised
	faultsGiven Faults              // as set, for Faults()
	queue       queue               // pending messages by (due, id)
	numbers     map[string]*number  // per-number state
	buckets     map[string]*bucket  // per-carrier submit rate limiters
	carriers    map[string]*counter // per-carrier counters and metrics
	nextID      int64               // last message id given
	nextInbox   int64               // last inbox id given
	receipts    ring
	lastPrune   time.Time
	kick        chan struct{} // Run's wake-up when an earlier due time appears

	metrics *metrics
}

// message is a message at the SMSC.
type message struct {
	id        int64
	phone     string
	carrier   string
	sms       reference.SMS
	key       uint64
	submitted time.Time
	due       time.Time // the next attempt
	expires   time.Time
	attempts  int
	lost      bool
	lastCause string // err of the last failed attempt
	index     int    // position in the queue
}

// number is the state of one phone number: its inbox, its pending messages and its long-poll
// waiters.
type number struct {
	inbox   []Message
	pending []*message
	sends   uint64        // messages submitted to it (the draw index)
	wake    chan struct{} // closed on a delivery or submission; nil when nobody waits
	touched time.Time     // last submission, delivery or poll
}

// New returns a simulator. Zero fields of cfg take DefaultConfig's values; New panics on a
// cfg that does not Validate (check it first when it comes from a user).
func New(cfg Config, world World, clock reference.Clock, seed uint64) *Sim {
	if err := cfg.Validate(); err != nil {
		panic(fmt.Sprintf("telco: config: %v", err))
	}
	cfg = cfg.withDefaults().normalised()
	s := &Sim{
		cfg:      cfg,
		world:    world,
		clock:    clock,
		seed:     seed,
		numbers:  map[string]*number{},
		buckets:  map[string]*bucket{},
		carriers: map[string]*counter{},
		receipts: newRing(cfg.ReceiptBuffer),
		kick:     make(chan struct{}, 1),
		metrics:  newMetrics(),
	}
	s.lastPrune = clock.Now()
	return s
}

// Config returns the configuration in effect: defaults filled in, carrier keys normalised.
func (s *Sim) Config() Config {
	c := s.cfg
	c.Carriers = make(map[string]CarrierConfig, len(s.cfg.Carriers))
	for k, v := range s.cfg.Carriers {
		c.Carriers[k] = v
	}
	return c
}

// numberLocked returns the state of phone, creating it.
func (s *Sim) numberLocked(phone string, now time.Time) *number {
	n := s.numbers[phone]
	if n == nil {
		n = &number{touched: now}
		s.numbers[phone] = n
	}
	return n
}

// wakeLocked releases the long-polls waiting on n.
func (n *number) wakeLocked() {
	if n.wake != nil {
		close(n.wake)
		n.wake = nil
	}
}

// removePending drops m from n's pending list.
func (n *number) removePending(m *message) {
	for i, p := range n.pending {
		if p == m {
			last := len(n.pending) - 1
			n.pending[i] = n.pending[last]
			n.pending[last] = nil
			n.pending = n.pending[:last]
			return
		}
	}
}

// queue is a min-heap of messages by (due, id).
type queue []*message

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if !q[i].due.Equal(q[j].due) {
		return q[i].due.Before(q[j].due)
	}
	return q[i].id < q[j].id
}
func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}
func (q *queue) Push(x any) {
	m := x.(*message)
	m.index = len(*q)
	*q = append(*q, m)
}
func (q *queue) Pop() any {
	old := *q
	n := len(old)
	m := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	m.index = -1
	return m
}

// peek returns the earliest message, or nil.
func (q queue) peek() *message {
	if len(q) == 0 {
		return nil
	}
	return q[0]
}
