package synth

import (
	"context"
	"fmt"
	"io"
	"runtime"
)

// DefaultChunk is the number of citizens a worker generates at a time.
const DefaultChunk = 4096

// Options control a run.
type Options struct {
	// Shard and Shards select the contiguous index range [(Shard-1)*N/Shards, Shard*N/Shards);
	// zero values mean the whole population.
	Shard, Shards int
	// Workers generating in parallel (default GOMAXPROCS). Output does not depend on it.
	Workers int
	// Format is FormatJSONL (default) or FormatCSV. The CSV header is written by the first
	// shard only, so shards concatenate to the whole file.
	Format string
	// Chunk is the number of citizens per work unit (default DefaultChunk).
	Chunk int
	// Tally, when true, counts the generated citizens for validation.
	Tally bool
	// Progress, when set, is called from the writer goroutine after each chunk with the
	// number of citizens written.
	Progress func(n int64)
}

type chunk struct {
	lo, hi int64
	buf    []byte
	done   chan struct{}
}

// Range returns the index range of the run.
func (p *Population) Range(o Options) (lo, hi int64, err error) {
	if o.Shards == 0 && o.Shard == 0 {
		return 0, p.N, nil
	}
	if o.Shards < 1 || o.Shard < 1 || o.Shard > o.Shards {
		return 0, 0, fmt.Errorf("shard %d/%d: want 1 ≤ i ≤ n", o.Shard, o.Shards)
	}
	lo, hi = ShardRange(p.N, o.Shard, o.Shards)
	return lo, hi, nil
}

// Write generates the run's citizens to w in index order, in constant memory, and returns
// the tally (nil unless o.Tally).
func (p *Population) Write(ctx context.Context, w io.Writer, o Options) (*Tally, error) {
	lo, hi, err := p.Range(o)
	if err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	cs := int64(o.Chunk)
	if cs <= 0 {
		cs = DefaultChunk
	}
	csv := false
	switch o.Format {
	case "", FormatJSONL:
	case FormatCSV:
		csv = true
	default:
		return nil, fmt.Errorf("unknown format %q (jsonl or csv)", o.Format)
	}
	if csv && (o.Shard <= 1) {
		if _, err := io.WriteString(w, CSVHeader); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	inflight := workers * 4
	free := make(chan *chunk, inflight)
	for k := 0; k < inflight; k++ {
		free <- &chunk{buf: make([]byte, 0, int(cs)*520)}
	}
	jobs := make(chan *chunk, inflight)
	order := make(chan *chunk, inflight)
	go func() {
		defer close(jobs)
		defer close(order)
		for s := lo; s < hi; s += cs {
			var c *chunk
			select {
			case c = <-free:
			case <-ctx.Done():
				return
			}
			c.lo, c.hi = s, min(s+cs, hi)
			c.done = make(chan struct{})
			order <- c
			jobs <- c
		}
	}()
	tallies := make([]*Tally, workers)
	for k := 0; k < workers; k++ {
		var t *Tally
		if o.Tally {
			t = p.M.newTally()
			tallies[k] = t
		}
		go func() {
			g := newGen(p)
			var c citizen
			for ch := range jobs {
				buf := ch.buf[:0]
				for i := ch.lo; i < ch.hi; i++ {
					g.generate(i, &c)
					if csv {
						buf = p.appendCSV(buf, &c)
					} else {
						buf = p.appendJSON(buf, &c)
					}
					if t != nil {
						t.add(p, &c)
					}
				}
				ch.buf = buf
				close(ch.done)
			}
		}()
	}
	var werr error
	for ch := range order {
		<-ch.done
		if werr == nil {
			if _, err := w.Write(ch.buf); err != nil {
				werr = err
				cancel()
			} else if o.Progress != nil {
				o.Progress(ch.hi - ch.lo)
			}
		}
		free <- ch
	}
	if werr != nil {
		return nil, werr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !o.Tally {
		return nil, nil
	}
	total := p.M.newTally()
	for _, t := range tallies {
		total.merge(t)
	}
	return total, nil
}
