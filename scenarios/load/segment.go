package load

import (
	"fmt"
	"strconv"
	"strings"
)

// Segment is execution segment I of N (1 ≤ I ≤ N) of a k6 test: the I-th of N equal slices
// of every scenario's iterations and VUs. The zero Segment is the whole test.
type Segment struct{ I, N int }

// MaxSegments bounds N.
const MaxSegments = 1024

// ParseSegment parses "i/n".
func ParseSegment(s string) (Segment, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Segment{}, fmt.Errorf("segment %q: want i/n, e.g. 1/2", s)
	}
	if n < 1 || n > MaxSegments || i < 1 || i > n {
		return Segment{}, fmt.Errorf("segment %q: want 1 ≤ i ≤ n ≤ %d", s, MaxSegments)
	}
	return Segment{I: i, N: n}, nil
}

// Whole reports whether s is the whole test.
func (s Segment) Whole() bool { return s.N <= 1 }

func (s Segment) String() string {
	if s.Whole() {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// K6Args returns k6's --execution-segment and --execution-segment-sequence flags for s
// (none for the whole test). Every instance of a split test gets the same sequence, so the
// segments partition the test exactly and scenario.iterationInTest stays unique across them.
func (s Segment) K6Args() []string {
	if s.Whole() {
		return nil
	}
	frac := func(k int) string {
		switch k {
		case 0:
			return "0"
		case s.N:
			return "1"
		}
		return fmt.Sprintf("%d/%d", k, s.N)
	}
	seq := make([]string, 0, s.N+1)
	for k := 0; k <= s.N; k++ {
		seq = append(seq, frac(k))
	}
	return []string{"--execution-segment", frac(s.I-1) + ":" + frac(s.I), "--execution-segment-sequence", strings.Join(seq, ",")}
}
