package main

import (
	"context"
	"fmt"
	"io"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/eidsim/eidsim/scenarios/calibrate"
)

// calibProgress shows a calibration's rounds on the terminal: a bar of each round's model
// runs (mpb) when stderr is a terminal, and one line per merged round in any case.
type calibProgress struct {
	ctx    context.Context
	w      io.Writer
	on     bool
	always bool
	p      *mpb.Progress
	bar    *mpb.Bar
}

func newCalibProgress(ctx context.Context, w io.Writer, mode string) *calibProgress {
	return &calibProgress{ctx: ctx, w: w, on: showProgress(mode, w), always: mode == "always"}
}

func (c *calibProgress) Round(g, n int) {
	if !c.on {
		return
	}
	c.p = mpb.NewWithContext(c.ctx, mpb.WithOutput(c.w), mpb.WithWidth(40),
		mpb.ContainerOptional(mpb.WithAutoRefresh(), c.always)) // refresh even when stderr is not a terminal
	c.bar = c.p.AddBar(int64(n),
		mpb.PrependDecorators(decor.Name(fmt.Sprintf("round %d ", g)), decor.CountersNoUnit("%d / %d runs")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.AverageETA(decor.ET_STYLE_MMSS)))
}

func (c *calibProgress) Ran() {
	if c.bar != nil {
		c.bar.Increment()
	}
}

// stop ends the current bar (after a round, or when the calibration stops early).
func (c *calibProgress) stop() {
	if c.p == nil {
		return
	}
	if !c.bar.Completed() {
		c.bar.Abort(false)
	}
	c.p.Wait()
	c.p, c.bar = nil, nil
}

func (c *calibProgress) Merged(st *calibrate.State) {
	c.stop()
	acc := ""
	if n := len(st.Acceptance); n > 0 {
		acc = fmt.Sprintf(", acceptance %.2f", st.Acceptance[n-1])
	}
	fmt.Fprintf(c.w, "  round %d merged: tolerance %.4f%s, %d model runs so far\n", st.Round, st.Epsilon[len(st.Epsilon)-1], acc, st.Runs())
}
