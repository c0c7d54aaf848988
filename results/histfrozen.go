package results

import (
	"encoding/binary"
	"sort"
)

// Freeze stores h compactly for as long as it receives no value: its buckets become one
// byte string (the number of buckets, then per bucket in ascending order the gap from the
// previous bucket index and the count, as uvarints: about 2 bytes a bucket where the map
// takes some 40). Count, Min, Max, Mean, Quantile, MarshalJSON and Merge (both ways) read
// the frozen form as they read the live one, with identical results; Record, Merge into h
// and UnmarshalJSON turn it back into the live form first. Freezing a frozen or empty
// histogram does nothing.
func (h *Histogram) Freeze() {
	if h.buckets == nil {
		return
	}
	if len(h.buckets) == 0 {
		h.buckets = nil
		return
	}
	keys := h.sortedKeys()
	buf := make([]byte, 0, binary.MaxVarintLen64+len(keys)*3)
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	prev := 0
	for _, k := range keys {
		buf = binary.AppendUvarint(buf, uint64(k-prev))
		buf = binary.AppendUvarint(buf, h.buckets[k])
		prev = k
	}
	h.packed = append([]byte(nil), buf...) // exact size: the spare capacity is what we save
	h.buckets = nil
}

// Frozen reports whether h is in the frozen form.
func (h *Histogram) Frozen() bool { return h.packed != nil }

// thaw turns a frozen h back into the live form.
func (h *Histogram) thaw() {
	if h.packed == nil {
		return
	}
	m := make(map[int]uint64, h.numBuckets())
	h.each(func(k int, c uint64) bool {
		m[k] = c
		return true
	})
	h.buckets, h.packed = m, nil
}

// numBuckets returns the number of buckets h holds (zero counts included).
func (h *Histogram) numBuckets() int {
	if h.packed == nil {
		return len(h.buckets)
	}
	n, _ := binary.Uvarint(h.packed)
	return int(n)
}

// each calls fn with every bucket index and count in ascending order of index until fn
// returns false.
func (h *Histogram) each(fn func(k int, c uint64) bool) {
	if h.packed == nil {
		for _, k := range h.sortedKeys() {
			if !fn(k, h.buckets[k]) {
				return
			}
		}
		return
	}
	b := h.packed
	n, w := binary.Uvarint(b)
	b = b[w:]
	k := 0
	for range n {
		d, w1 := binary.Uvarint(b)
		c, w2 := binary.Uvarint(b[w1:])
		b = b[w1+w2:]
		k += int(d)
		if !fn(k, c) {
			return
		}
	}
}

func (h *Histogram) sortedKeys() []int {
	keys := make([]int, 0, len(h.buckets))
	for k := range h.buckets {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
