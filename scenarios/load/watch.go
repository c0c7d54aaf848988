package load

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/results/report"
)

// watchPoll is how often the watcher looks for a new copy of the stream.
const watchPoll = time.Second

// watcher follows a streaming k6: each new copy of its stream goes to the progress callback
// and is checked against the abortOnFail thresholds; one that fails (after its
// delayAbortEval) stops k6 through its REST API, as k6 itself would have.
type watcher struct {
	k        *K6
	progress func(Live)
	stop     func(addr string) error
	// aborted says why k6 was stopped ("" when it was not); read after done.
	aborted string
	done    chan struct{}
}

// startWatch starts watching k (which must stream and have its API address set) until ctx
// ends; wait with finish.
func startWatch(ctx context.Context, k *K6, progress func(Live)) *watcher {
	w := &watcher{k: k, progress: progress, stop: stopK6, done: make(chan struct{})}
	go w.run(ctx)
	return w
}

func (w *watcher) run(ctx context.Context) {
	defer close(w.done)
	var seen time.Time
	t := time.NewTicker(watchPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := os.Stat(w.k.Stream)
		if err != nil || !st.ModTime().After(seen) {
			continue
		}
		seen = st.ModTime()
		o, meta, err := results.ReadStreamDir(filepath.Dir(w.k.Stream))
		if err != nil {
			continue // a copy being replaced; the next one will do
		}
		if w.progress != nil {
			w.progress(liveOf(o, meta))
		}
		if w.aborted == "" {
			if why := abortReason(o, meta); why != "" {
				w.aborted = why
				if err := w.stop(w.k.APIAddress); err != nil {
					w.aborted += fmt.Sprintf(" (stopping k6 through its REST API failed: %v)", err)
				}
			}
		}
		if meta.Final {
			return
		}
	}
}

// finish stops watching and returns why k6 was stopped early ("" when it was not).
func (w *watcher) finish(cancel context.CancelFunc) string {
	cancel()
	<-w.done
	return w.aborted
}

// abortReason returns the first abortOnFail threshold that fails on the copy, once the run
// is past its delayAbortEval.
func abortReason(o *results.K6Output, meta results.StreamMeta) string {
	agg, err := o.Aggregate()
	if err != nil {
		return ""
	}
	elapsed := meta.Written.Sub(meta.Started)
	for _, t := range meta.Thresholds {
		if !t.AbortOnFail || elapsed < t.DelayAbortEval {
			continue
		}
		if j := report.JudgeThresholds(agg, []results.StreamThreshold{t}, nil); j.Failed > 0 {
			return fmt.Sprintf("threshold %s %s failed after %s (abortOnFail)", t.Metric, t.Source, elapsed.Round(time.Second))
		}
	}
	return ""
}

// stopK6 asks the k6 serving its REST API at addr to stop the test (PATCH /v1/status).
func stopK6(addr string) error {
	body := []byte(`{"data":{"type":"status","id":"default","attributes":{"stopped":true}}}`)
	req, err := http.NewRequest(http.MethodPatch, "http://"+addr+"/v1/status", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("PATCH /v1/status: %s", resp.Status)
	}
	return nil
}
