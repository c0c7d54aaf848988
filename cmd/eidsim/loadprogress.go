package main

import (
	"fmt"
	"io"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/eidsim/eidsim/scenarios/load"
)

// loadProgress shows a streaming load run on the terminal: a bar over the run's planned
// duration (mpb) with the elapsed time, the current iteration rate and the share of failed
// requests, updated at every flush of the stream (load.Live).
type loadProgress struct {
	p       *mpb.Progress
	bar     *mpb.Bar
	planned time.Duration
	status  string
}

// newLoadProgress returns the progress callback for w (nil when mode and w say no
// terminal progress).
func newLoadProgress(w io.Writer, mode string, planned time.Duration) func(load.Live) {
	if !showProgress(mode, w) || planned <= 0 {
		return nil
	}
	lp := &loadProgress{planned: planned}
	return func(l load.Live) {
		if lp.p == nil {
			lp.p = mpb.New(mpb.WithOutput(w), mpb.WithWidth(30))
			lp.bar = lp.p.AddBar(int64(planned/time.Second),
				mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return lp.status })),
				mpb.AppendDecorators(decor.Percentage()))
		}
		lp.status = liveText(l, planned)
		lp.bar.SetCurrent(min(int64(l.Elapsed/time.Second), int64(planned/time.Second)))
		if l.Final {
			lp.bar.SetTotal(-1, true)
			lp.p.Wait()
		}
	}
}

// liveText is the progress line's text.
func liveText(l load.Live, planned time.Duration) string {
	return fmt.Sprintf("k6 %s of %s: %.1f it/s, %.0f iterations, failed %.2f%%, dropped %.0f ",
		l.Elapsed.Round(time.Second), planned.Round(time.Second), l.Rate, l.Iterations, 100*l.Failed, l.Dropped)
}
