package reference

import (
	"context"
	"math"
	"sync"
	"time"
)

// probeEvery is how long a successful write probe stands for Ready; a failed one is retried
// at the next call.
var probeEvery = time.Second

// probeKey is the event key of the write probe.
const probeKey = "service:write-probe"

// writeProbe remembers when the store last proved it can commit a write.
type writeProbe struct {
	mu sync.Mutex
	ok time.Time // monotonic time of the last successful probe
}

// Ready reports whether the store answers and can commit a write: a login whose failure
// cannot be counted is refused (fail closed), so a store that cannot write is not ready.
// The write probe (one event row, replaced each time) runs at most once per probeEvery while
// it succeeds.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.store.Ready(ctx); err != nil {
		return &Error{Code: EUnavailable, Message: "store not ready", Err: err}
	}
	s.probe.mu.Lock()
	defer s.probe.mu.Unlock()
	if !s.probe.ok.IsZero() && time.Since(s.probe.ok) < probeEvery {
		return nil
	}
	now := s.now()
	err := s.store.Update(ctx, func(tx Tx) error {
		if _, err := tx.DeleteEvents(probeKey, time.Unix(0, math.MaxInt64)); err != nil {
			return err
		}
		return tx.AddEvent(probeKey, now)
	})
	if err != nil {
		s.probe.ok = time.Time{}
		return &Error{Code: EUnavailable, Message: "store cannot write", Err: err}
	}
	s.probe.ok = time.Now()
	return nil
}
