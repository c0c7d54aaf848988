package campaign

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"

	"github.com/eidsim/eidsim/results"
)

// Contrast is the activation share of one segment in two arms of a counterfactual run with
// the same seeds (replica r of each arm sees the same population and draws), and the paired
// difference base − alternative.
type Contrast struct {
	Dimension, Value string
	Metric           string
	Base, Alt, Diff  results.Band
	// Separated is true when the 95% confidence intervals of the two arms do not overlap.
	Separated bool
	// DiffExcludesZero is true when the paired difference's 95% CI excludes zero.
	DiffExcludesZero bool
}

// Compare contrasts two arms segment by segment for the shares activated, activated at
// level 2 and with a level-2 profile.
func Compare(base, alt []*Result) []Contrast {
	type key struct{ dim, val string }
	get := func(rs []*Result) map[key][3][]float64 {
		m := map[key][3][]float64{}
		for _, r := range rs {
			for _, s := range r.Segments {
				k := key{s.Dimension, s.Value}
				v := m[k]
				n := float64(max(s.Citizens, 1))
				v[0] = append(v[0], float64(s.Activated)/n)
				v[1] = append(v[1], float64(s.Level2)/n)
				v[2] = append(v[2], float64(s.Profiles)/n)
				m[k] = v
			}
		}
		return m
	}
	mb, ma := get(base), get(alt)
	var out []Contrast
	names := [3]string{"activated_share", "level2_share", "profile_share"}
	for k, vb := range mb {
		va, ok := ma[k]
		if !ok {
			continue
		}
		for m := range 3 {
			if len(vb[m]) != len(va[m]) {
				continue
			}
			d := make([]float64, len(vb[m]))
			for i := range d {
				d[i] = vb[m][i] - va[m][i]
			}
			c := Contrast{Dimension: k.dim, Value: k.val, Metric: names[m], Base: results.BandOf(vb[m]), Alt: results.BandOf(va[m]), Diff: results.BandOf(d)}
			c.Separated = c.Base.CILow > c.Alt.CIHigh || c.Alt.CILow > c.Base.CIHigh
			c.DiffExcludesZero = c.Diff.CILow > 0 || c.Diff.CIHigh < 0
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Dimension != b.Dimension {
			return a.Dimension < b.Dimension
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.Metric < b.Metric
	})
	return out
}

// WriteContrasts writes a counterfactual comparison.
func WriteContrasts(w io.Writer, cs []Contrast) error {
	cw := csv.NewWriter(w)
	p := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	if err := cw.Write(results.CounterfactualHeader); err != nil {
		return err
	}
	for _, c := range cs {
		if err := cw.Write([]string{c.Dimension, c.Value, c.Metric, p(c.Base.Mean), p(c.Base.CILow), p(c.Base.CIHigh),
			p(c.Alt.Mean), p(c.Alt.CILow), p(c.Alt.CIHigh), p(c.Diff.Mean), p(c.Diff.CILow), p(c.Diff.CIHigh),
			strconv.FormatBool(c.Separated), strconv.FormatBool(c.DiffExcludesZero)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
