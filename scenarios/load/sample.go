package load

import (
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/results"
)

// Sampled is a citizen drawn for a run: the population record and its 1-based line.
type Sampled struct {
	Line int `json:"line"`
	population.Record
}

// SampleStats describes a sampling pass.
type SampleStats struct {
	Lines    int64            `json:"lines"`
	Eligible map[string]int64 `json:"eligible"`
	Sampled  map[string]int   `json:"sampled"`
}

// Sample reads a population once and draws, for each pool in want, want[pool] eligible
// citizens: those of rank offset … offset+want-1 when the pool's eligible citizens are
// ordered by a hash of (seed, pool, line). The draw is spread over the whole file, identical
// for the same (file, seed), and runs with different offsets draw disjoint citizens (the
// steps of --find-max). A citizen is drawn for at most one pool: pools are drawn in name
// order, and a pool's ranking skips citizens already drawn for an earlier one (so that one
// flow of a run does not change the password or device another flow of the same run relies
// on). A FreePhone pool also skips citizens whose SIM number is another citizen's account
// phone; for those pools the pass keeps the set of account phones (a few bytes per account).
// Memory holds only the drawn citizens, their runners-up and that set, never the population.
func Sample(r io.Reader, name string, seed uint64, offset int, want map[string]int) (map[string][]Sampled, SampleStats, error) {
	type slot struct {
		pool  Pool
		salt  uint64
		limit int
		h     *rankHeap
	}
	var slots []*slot
	// A pool may lose to earlier pools at most as many citizens as they draw.
	taken := 0
	for _, n := range sortedKeys(want) {
		taken += offset + max(0, want[n])
	}
	var accountPhones map[string]struct{}
	for _, n := range sortedKeys(want) {
		p, ok := Pools[n]
		if !ok {
			return nil, SampleStats{}, fmt.Errorf("sample: unknown pool %q", n)
		}
		if want[n] <= 0 {
			continue
		}
		f := fnv.New64a()
		f.Write([]byte(n))
		limit := taken
		if p.FreePhone {
			// Recycled numbers are rare; keep runners-up to replace the ones skipped.
			limit = 2*taken + 64
			if accountPhones == nil {
				accountPhones = map[string]struct{}{}
			}
		}
		slots = append(slots, &slot{pool: p, salt: f.Sum64(), limit: limit, h: &rankHeap{}})
	}
	st := SampleStats{Eligible: map[string]int64{}, Sampled: map[string]int{}}
	pr := population.NewReader(r, name)
	for {
		var rec population.Record
		err := pr.Next(&rec)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, st, err
		}
		st.Lines++
		line := pr.Line()
		if accountPhones != nil && rec.Account != nil {
			accountPhones[rec.Account.Phone] = struct{}{}
		}
		for _, s := range slots {
			if !s.pool.Eligible(&rec) {
				continue
			}
			st.Eligible[s.pool.Name]++
			score := mix64(seed ^ s.salt ^ uint64(line)*0x9e3779b97f4a7c15)
			if s.h.Len() < s.limit {
				heap.Push(s.h, ranked{score, Sampled{Line: line, Record: rec}})
			} else if score < (*s.h)[0].score {
				(*s.h)[0] = ranked{score, Sampled{Line: line, Record: rec}}
				heap.Fix(s.h, 0)
			}
		}
	}
	out := map[string][]Sampled{}
	drawn := map[int]bool{}
	for _, s := range slots {
		all := []ranked(*s.h)
		sort.Slice(all, func(i, j int) bool { return all[i].score < all[j].score })
		var got []Sampled
		rank := 0
		for _, r := range all {
			if drawn[r.c.Line] {
				continue
			}
			if s.pool.FreePhone && onOtherAccount(&r.c.Record, accountPhones) {
				continue
			}
			if rank >= offset && len(got) < want[s.pool.Name] {
				got = append(got, r.c)
			}
			rank++
		}
		for _, c := range got {
			drawn[c.Line] = true
		}
		if got == nil {
			got = []Sampled{}
		}
		out[s.pool.Name] = got
		st.Sampled[s.pool.Name] = len(got)
	}
	return out, st, nil
}

// onOtherAccount reports whether c's SIM number is the phone of an account other than c's own.
func onOtherAccount(c *population.Record, accountPhones map[string]struct{}) bool {
	if c.SIM.Phone == "" || (c.Account != nil && c.Account.Phone == c.SIM.Phone) {
		return false
	}
	_, taken := accountPhones[c.SIM.Phone]
	return taken
}

// SampleFile is Sample on a file.
func SampleFile(path string, seed uint64, offset int, want map[string]int) (map[string][]Sampled, SampleStats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, SampleStats{}, err
	}
	defer f.Close()
	return Sample(f, path, seed, offset, want)
}

// WritePools writes each pool as a JSON array to dir/citizens-<pool>.json (results.PoolFile).
func WritePools(dir string, pools map[string][]Sampled) error {
	for name, cs := range pools {
		b, err := json.Marshal(cs)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, results.PoolFile(name)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// mix64 is SplitMix64's finaliser.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

type ranked struct {
	score uint64
	c     Sampled
}

// rankHeap is a max-heap on score: its root is the worst of the kept citizens.
type rankHeap []ranked

func (h rankHeap) Len() int           { return len(h) }
func (h rankHeap) Less(i, j int) bool { return h[i].score > h[j].score }
func (h rankHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rankHeap) Push(x any)        { *h = append(*h, x.(ranked)) }
func (h *rankHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
