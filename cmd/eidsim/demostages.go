package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// stages shows the demo's steps: mpb progress bars on a terminal, one line per step
// otherwise.
type stages struct {
	p    *mpb.Progress
	w    io.Writer
	wg   sync.WaitGroup
	ctx  context.Context
	bars bool
}

func newStages(ctx context.Context, w io.Writer, bars bool) *stages {
	s := &stages{w: w, ctx: ctx, bars: bars}
	if bars {
		// Auto refresh also when --progress always writes to something not a terminal.
		s.p = mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(30), mpb.WithAutoRefresh())
	}
	return s
}

// stage is one step in progress.
type stage struct {
	s       *stages
	name    string
	bar     *mpb.Bar
	start   time.Time
	stop    chan struct{}
	mu      sync.Mutex
	verdict string
}

const stageTicks = 1000

// start shows a step that is expected to take about expect.
func (s *stages) start(name, what string, expect time.Duration) *stage {
	st := &stage{s: s, name: name, start: time.Now(), stop: make(chan struct{})}
	if !s.bars {
		fmt.Fprintf(s.w, "demo: %s (%s) …\n", name, what)
		return st
	}
	st.bar = s.p.AddBar(stageTicks,
		mpb.PrependDecorators(decor.Name(name, decor.WC{W: 16, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO, decor.WC{W: 6}), decor.Any(func(decor.Statistics) string {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.verdict != "" {
				return "  " + st.verdict
			}
			return "  " + what
		})))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-st.stop:
				return
			case <-s.ctx.Done():
				return
			case <-t.C:
				frac := float64(time.Since(st.start)) / float64(expect)
				st.bar.SetCurrent(int64(min(0.99, frac) * stageTicks))
			}
		}
	}()
	return st
}

// done ends a step with err (nil when it worked) and an optional verdict.
func (st *stage) done(err error, verdict string) {
	close(st.stop)
	if err != nil {
		verdict = "failed: " + err.Error()
	}
	if verdict == "" {
		verdict = "done"
	}
	took := time.Since(st.start).Round(100 * time.Millisecond)
	st.mu.Lock()
	st.verdict = verdict
	st.mu.Unlock()
	if st.bar == nil {
		fmt.Fprintf(st.s.w, "demo: %s %s in %s\n", st.name, verdict, took)
		return
	}
	if err != nil {
		st.bar.Abort(false)
		return
	}
	st.bar.SetCurrent(stageTicks)
}

func (s *stages) wait() {
	s.wg.Wait()
	if s.p != nil {
		s.p.Wait()
	}
}
