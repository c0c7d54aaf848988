// Package ipf fits a multi-way table to marginal controls by iterative proportional fitting
// (raking): starting from a seed table that encodes the assumed associations, it rescales the
// cells of each control's categories in turn until every control total is matched. The
// fitted table keeps the seed's interaction structure (its partial odds ratios) and the
// seed's structural zeros.
//
// A control is a partition of some cells (its universe) into categories with target totals;
// cells outside the universe are not touched by it. This covers ordinary one-way margins,
// joint margins (several dimensions at once) and conditional margins (e.g. SIM ownership
// among the people who have a phone).
package ipf

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Table is a dense table over dimensions of the given sizes, last dimension fastest.
type Table struct {
	Dims  []int
	Cells []float64
}

// NewTable returns a table of zeros.
func NewTable(dims ...int) *Table {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return &Table{Dims: append([]int(nil), dims...), Cells: make([]float64, n)}
}

// Index returns the cell index of coordinates.
func (t *Table) Index(coord ...int) int {
	i := 0
	for k, c := range coord {
		i = i*t.Dims[k] + c
	}
	return i
}

// Coord writes the coordinates of cell i into c (len(c) == len(Dims)).
func (t *Table) Coord(i int, c []int) {
	for k := len(t.Dims) - 1; k >= 0; k-- {
		c[k] = i % t.Dims[k]
		i /= t.Dims[k]
	}
}

// Control is one marginal constraint.
type Control struct {
	Name string
	// Labels name the categories (for reports).
	Labels []string
	// Group returns the category of a cell given its coordinates, or -1 when the cell is
	// outside the control's universe.
	Group func(coord []int) int
	// Targets are the category totals.
	Targets []float64
}

// Result reports a fit.
type Result struct {
	Iterations int
	// MaxError is the largest |fitted − target| / target over all control categories with a
	// positive target (or the absolute value for zero targets).
	MaxError  float64
	Converged bool
}

// Fit rakes seed (modified in place) to the controls. It stops when MaxError < tol or after
// maxIter sweeps. A category with a positive target but no positive cell is an error: the
// controls are impossible given the seed's structural zeros.
func Fit(seed *Table, controls []Control, maxIter int, tol float64) (Result, error) {
	n := len(seed.Cells)
	groups := make([][]int32, len(controls))
	coord := make([]int, len(seed.Dims))
	for ci, c := range controls {
		g := make([]int32, n)
		for i := 0; i < n; i++ {
			seed.Coord(i, coord)
			k := c.Group(coord)
			if k >= len(c.Targets) {
				return Result{}, fmt.Errorf("ipf: control %s: category %d out of range", c.Name, k)
			}
			g[i] = int32(k)
		}
		groups[ci] = g
		for k, tgt := range c.Targets {
			if tgt < 0 || math.IsNaN(tgt) {
				return Result{}, fmt.Errorf("ipf: control %s: target %d is %v", c.Name, k, tgt)
			}
		}
	}
	for i, v := range seed.Cells {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, fmt.Errorf("ipf: seed cell %d is %v", i, v)
		}
	}
	var res Result
	sums := make([]float64, 0, 16)
	for it := 1; it <= maxIter; it++ {
		res.Iterations = it
		for ci, c := range controls {
			sums = sums[:0]
			for range c.Targets {
				sums = append(sums, 0)
			}
			g := groups[ci]
			for i, v := range seed.Cells {
				if k := g[i]; k >= 0 {
					sums[k] += v
				}
			}
			for k, s := range sums {
				if s == 0 && c.Targets[k] > 0 {
					return res, fmt.Errorf("ipf: control %s category %s: target %.6g but no cell can hold it (structural zeros)", c.Name, label(c, k), c.Targets[k])
				}
				if s > 0 {
					sums[k] = c.Targets[k] / s
				}
			}
			for i := range seed.Cells {
				if k := g[i]; k >= 0 {
					seed.Cells[i] *= sums[k]
				}
			}
		}
		res.MaxError = maxError(seed, controls, groups)
		if res.MaxError < tol {
			res.Converged = true
			return res, nil
		}
	}
	return res, nil
}

func label(c Control, k int) string {
	if k < len(c.Labels) {
		return c.Labels[k]
	}
	return fmt.Sprint(k)
}

// Margins returns the fitted totals of a control's categories.
func Margins(t *Table, c Control) []float64 {
	out := make([]float64, len(c.Targets))
	coord := make([]int, len(t.Dims))
	for i, v := range t.Cells {
		t.Coord(i, coord)
		if k := c.Group(coord); k >= 0 {
			out[k] += v
		}
	}
	return out
}

func maxError(t *Table, controls []Control, groups [][]int32) float64 {
	worst := 0.0
	for ci, c := range controls {
		sums := make([]float64, len(c.Targets))
		for i, v := range t.Cells {
			if k := groups[ci][i]; k >= 0 {
				sums[k] += v
			}
		}
		for k, s := range sums {
			d := math.Abs(s - c.Targets[k])
			if c.Targets[k] > 0 {
				d /= c.Targets[k]
			}
			worst = math.Max(worst, d)
		}
	}
	return worst
}

// Normalize scales the table to sum to 1 and returns the previous sum.
func (t *Table) Normalize() float64 {
	s := floats.Sum(t.Cells)
	if s > 0 {
		floats.Scale(1/s, t.Cells)
	}
	return s
}
