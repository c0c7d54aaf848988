package results

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
)

// subBucketBits is the number of mantissa bits a Histogram keeps: values are exact below
// 2^(subBucketBits+1) units and have a relative bucket width of at most 2^-subBucketBits
// (0.78 %) above.
const subBucketBits = 7

// unitsPerValue converts a recorded value into the integer units the buckets count: k6 times
// are milliseconds, so one unit is a microsecond.
const unitsPerValue = 1000

// Histogram is a mergeable log-linear histogram of non-negative values (HDR-style): the
// bucket of a value depends only on the value, so two histograms merge by adding bucket
// counts, and the merge of the histograms of two halves of a data set is exactly the
// histogram of the whole. Quantiles are read from the buckets with a relative error of at
// most 0.78 % (exact below 0.256 for millisecond values). Negative values count as 0.
//
// The zero value is an empty histogram ready to use. Freeze stores a histogram that no longer
// receives values compactly (histfrozen.go); every method reads both forms alike.
type Histogram struct {
	// buckets is the live form; packed the frozen one (see Freeze). At most one is non-nil.
	buckets map[int]uint64
	packed  []byte
	count   uint64
	sum     float64
	min     float64
	max     float64
}

// bucketOf returns the bucket index of u units.
func bucketOf(u uint64) int {
	const exact = 1 << (subBucketBits + 1)
	if u < exact {
		return int(u)
	}
	shift := bits.Len64(u) - (subBucketBits + 1)
	m := u >> uint(shift) // in [2^subBucketBits, 2^(subBucketBits+1))
	return exact + (shift-1)<<subBucketBits + int(m-(1<<subBucketBits))
}

// bucketBounds returns the smallest and largest unit count of bucket i.
func bucketBounds(i int) (lo, hi uint64) {
	const exact = 1 << (subBucketBits + 1)
	if i < exact {
		return uint64(i), uint64(i)
	}
	j := i - exact
	shift := j>>subBucketBits + 1
	m := uint64(j&(1<<subBucketBits-1)) + 1<<subBucketBits
	return m << uint(shift), (m+1)<<uint(shift) - 1
}

func toUnits(v float64) uint64 {
	if !(v > 0) { // also NaN
		return 0
	}
	u := v*unitsPerValue + 0.5
	if u >= math.MaxUint64/2 {
		return math.MaxUint64 / 2
	}
	return uint64(u)
}

// Record adds one value.
func (h *Histogram) Record(v float64) {
	if math.IsNaN(v) || v < 0 {
		v = 0
	}
	h.thaw()
	if h.buckets == nil {
		h.buckets = make(map[int]uint64)
	}
	h.buckets[bucketOf(toUnits(v))]++
	if h.count == 0 || v < h.min {
		h.min = v
	}
	if h.count == 0 || v > h.max {
		h.max = v
	}
	h.count++
	h.sum += v
}

// Merge adds every value of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.count == 0 {
		return
	}
	h.thaw()
	if h.buckets == nil {
		h.buckets = make(map[int]uint64, o.numBuckets())
	}
	o.each(func(i int, c uint64) bool {
		h.buckets[i] += c
		return true
	})
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	if h.count == 0 || o.max > h.max {
		h.max = o.max
	}
	h.count += o.count
	h.sum += o.sum
}

// Count returns the number of values recorded.
func (h *Histogram) Count() uint64 { return h.count }

// Min, Max and Mean return the exact minimum, maximum and mean (0 when empty).
func (h *Histogram) Min() float64 { return h.min }

// Max returns the largest value recorded.
func (h *Histogram) Max() float64 { return h.max }

// Mean returns the mean of the values recorded.
func (h *Histogram) Mean() float64 {
	if h.count == 0 {
		return 0
	}
	return h.sum / float64(h.count)
}

// Quantile returns the q-quantile (q in [0,1]) by the nearest-rank method: the midpoint of
// the bucket holding the value of rank ceil(q·count), clamped to [Min, Max]. It returns 0 for
// an empty histogram.
func (h *Histogram) Quantile(q float64) float64 {
	if h.count == 0 {
		return 0
	}
	if q <= 0 {
		return h.min
	}
	if q >= 1 {
		return h.max
	}
	rank := uint64(math.Ceil(q * float64(h.count)))
	if rank < 1 {
		rank = 1
	}
	v, seen := h.max, uint64(0)
	h.each(func(k int, c uint64) bool {
		seen += c
		if seen < rank {
			return true
		}
		lo, hi := bucketBounds(k)
		v = math.Min(math.Max((float64(lo)+float64(hi))/2/unitsPerValue, h.min), h.max)
		return false
	})
	return v
}

// histogramJSON is the stored form: buckets as sorted [index, count] pairs.
type histogramJSON struct {
	Count   uint64      `json:"count"`
	Sum     float64     `json:"sum"`
	Min     float64     `json:"min"`
	Max     float64     `json:"max"`
	Buckets [][2]uint64 `json:"buckets"`
}

// MarshalJSON stores the histogram losslessly.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	j := histogramJSON{Count: h.count, Sum: h.sum, Min: h.min, Max: h.max, Buckets: [][2]uint64{}}
	h.each(func(k int, c uint64) bool {
		j.Buckets = append(j.Buckets, [2]uint64{uint64(k), c})
		return true
	})
	return json.Marshal(j)
}

// UnmarshalJSON reads the stored form and checks that the bucket counts add up.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var j histogramJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var total uint64
	buckets := make(map[int]uint64, len(j.Buckets))
	for _, p := range j.Buckets {
		if p[0] > math.MaxInt32 {
			return fmt.Errorf("histogram: bucket index %d out of range", p[0])
		}
		buckets[int(p[0])] += p[1]
		total += p[1]
	}
	if total != j.Count {
		return fmt.Errorf("histogram: buckets hold %d values, count says %d", total, j.Count)
	}
	*h = Histogram{buckets: buckets, count: j.Count, sum: j.Sum, min: j.Min, max: j.Max}
	return nil
}
