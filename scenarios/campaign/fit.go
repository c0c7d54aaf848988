package campaign

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// fittable is ParamSpace as Fit uses it (ParamSpace replaces this map: h3-calib owns this
// file and its successor; see params.go).
var fittable = func() map[string]struct {
	get   func(*Behaviour) float64
	set   func(*Behaviour, float64)
	share bool
} {
	m := map[string]struct {
		get   func(*Behaviour) float64
		set   func(*Behaviour, float64)
		share bool
	}{}
	for _, p := range paramSpace {
		m[p.Name] = struct {
			get   func(*Behaviour) float64
			set   func(*Behaviour, float64)
			share bool
		}{p.get, p.set, p.Share}
	}
	return m
}()

// FittableParams lists the parameters Fit can move.
func FittableParams() []string {
	var out []string
	for k := range fittable {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FitStep is one evaluation of a fit.
type FitStep struct {
	Params map[string]float64 `json:"params"`
	Loss   float64            `json:"loss"`
}

// FitResult is the outcome of Fit.
type FitResult struct {
	Campaign string             `json:"campaign"`
	Fitted   map[string]float64 `json:"fitted"`
	Loss     float64            `json:"loss"`
	// Targets are the reported figures marked fit: true.
	Targets []string  `json:"targets"`
	Trace   []FitStep `json:"trace"`
}

// Fit moves the named behaviour parameters to minimise the sum of squared relative errors
// against the campaign's reported figures marked fit: true (mean over the replicas), by a
// bounded coordinate search: each round tries every parameter ×/÷ a factor (shares ± a step),
// keeps improvements, and halves the step after a round without one; at most rounds rounds.
// It returns the best parameters; the campaign is not modified.
func Fit(ctx context.Context, c *Campaign, w *World, seed uint64, replicas, workers int, params []string, rounds int,
	progress func(FitStep)) (*FitResult, error) {
	var targets []Reported
	res := &FitResult{Campaign: c.Name, Fitted: map[string]float64{}}
	for _, r := range c.Reported {
		if r.Fit {
			targets = append(targets, r)
			res.Targets = append(res.Targets, fmt.Sprintf("%s %s %d", r.Date, r.Metric, r.Value))
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("fit: campaign %s has no reported figure marked fit: true", c.Name)
	}
	for _, p := range params {
		if _, ok := fittable[p]; !ok {
			return nil, fmt.Errorf("fit: %q is not a fittable parameter (%s)", p, strings.Join(FittableParams(), ", "))
		}
	}
	cur := c.Behaviour
	eval := func(b Behaviour) (float64, error) {
		cp := *c
		cp.Behaviour = b
		rs, err := RunReplicas(ctx, &cp, w, seed, replicas, workers)
		if err != nil {
			return 0, err
		}
		var loss float64
		for _, t := range targets {
			var sum float64
			for _, r := range rs {
				sum += float64(metricOf(&r.Daily[dayIndex(r, t.Date.String())], t.Metric)) / r.Scale
			}
			e := (sum/float64(len(rs)) - float64(t.Value)) / float64(t.Value)
			loss += e * e
		}
		st := FitStep{Params: map[string]float64{}, Loss: loss}
		for _, p := range params {
			st.Params[p] = fittable[p].get(&b)
		}
		res.Trace = append(res.Trace, st)
		if progress != nil {
			progress(st)
		}
		return loss, nil
	}
	best, err := eval(cur)
	if err != nil {
		return nil, err
	}
	factor, step := 1.5, 0.15
	for round := 0; round < rounds; round++ {
		improved := false
		for _, p := range params {
			f := fittable[p]
			v := f.get(&cur)
			var cands []float64
			if f.share {
				cands = []float64{math.Min(1, v+step), math.Max(0, v-step)}
			} else {
				cands = []float64{v * factor, v / factor}
			}
			for _, x := range cands {
				if x == v {
					continue
				}
				b := cur
				f.set(&b, x)
				l, err := eval(b)
				if err != nil {
					return nil, err
				}
				if l < best {
					best, cur, improved = l, b, true
					break
				}
			}
		}
		if !improved {
			factor, step = math.Sqrt(factor), step/2
		}
	}
	for _, p := range params {
		res.Fitted[p] = fittable[p].get(&cur)
	}
	res.Loss = best
	return res, nil
}
