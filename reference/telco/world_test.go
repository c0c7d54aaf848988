package telco

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/eidsim/eidsim/reference"
)

// fakeWorld is a World whose holders and coverage tests change by hand.
type fakeWorld struct {
	mu       sync.Mutex
	handsets map[string]reference.Handset
	lookups  atomic.Int64
}

func newWorld() *fakeWorld { return &fakeWorld{handsets: map[string]reference.Handset{}} }

func (w *fakeWorld) set(phone, holder, coverage string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handsets[phone] = reference.Handset{Phone: phone, Carrier: carrierOf(phone), HolderID: holder, Coverage: coverage}
}

func (w *fakeWorld) Handset(_ context.Context, phone string) (*reference.Handset, error) {
	w.lookups.Add(1)
	w.mu.Lock()
	defer w.mu.Unlock()
	h, ok := w.handsets[phone]
	if !ok {
		return nil, reference.Errorf(reference.ENotFound, "no handset holds %s", phone)
	}
	return &h, nil
}

// numbers returns count distinct numbers with the prefix, all held by someone on coverage.
func (w *fakeWorld) numbers(prefix string, count int, coverage string) []string {
	out := make([]string, count)
	for i := range out {
		out[i] = fmt.Sprintf("%s%07d", prefix, i)
		w.set(out[i], fmt.Sprintf("C%s%d", prefix, i), coverage)
	}
	return out
}
