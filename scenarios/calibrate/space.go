package calibrate

import (
	"fmt"
	"math"
)

// Prior distributions a parameter may have.
const (
	Uniform    = "uniform"     // uniform on [Lo, Hi]
	LogUniform = "log_uniform" // uniform in log on [Lo, Hi] (0 < Lo < Hi)
)

// Param is one calibrated parameter and its prior: independent uniform or log-uniform on
// [Lo, Hi]. The sampler works in the transformed space z (z = θ, or z = ln θ for a
// log-uniform prior), where every prior is uniform on a box, so the prior density is a
// constant inside the box and the perturbation kernel is a Gaussian in z.
type Param struct {
	Name    string  `json:"name"`
	Dist    string  `json:"dist"`
	Lo      float64 `json:"lo"`
	Hi      float64 `json:"hi"`
	Meaning string  `json:"meaning,omitempty"`
}

// Check reports a prior that cannot be sampled.
func (p Param) Check() error {
	switch {
	case p.Name == "":
		return fmt.Errorf("prior without a parameter name")
	case p.Dist != Uniform && p.Dist != LogUniform:
		return fmt.Errorf("prior %s: dist %q is not uniform or log_uniform", p.Name, p.Dist)
	case !(p.Lo < p.Hi) || math.IsInf(p.Lo, 0) || math.IsInf(p.Hi, 0):
		return fmt.Errorf("prior %s: lo %v must be below hi %v (both finite)", p.Name, p.Lo, p.Hi)
	case p.Dist == LogUniform && p.Lo <= 0:
		return fmt.Errorf("prior %s: a log_uniform prior needs lo > 0 (lo is %v)", p.Name, p.Lo)
	}
	return nil
}

// ToZ maps a parameter value to the sampler's space.
func (p Param) ToZ(v float64) float64 {
	if p.Dist == LogUniform {
		return math.Log(v)
	}
	return v
}

// FromZ maps the sampler's space back to the parameter value.
func (p Param) FromZ(z float64) float64 {
	if p.Dist == LogUniform {
		return math.Exp(z)
	}
	return z
}

// ZBounds are the prior box in the sampler's space.
func (p Param) ZBounds() (lo, hi float64) { return p.ToZ(p.Lo), p.ToZ(p.Hi) }

// Space is the parameters of a calibration, in a fixed order.
type Space []Param

// Check checks every prior and that names are unique.
func (s Space) Check() error {
	if len(s) == 0 {
		return fmt.Errorf("no parameters to calibrate")
	}
	seen := map[string]bool{}
	for _, p := range s {
		if err := p.Check(); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("prior %s given twice", p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// Names lists the parameter names in order.
func (s Space) Names() []string {
	out := make([]string, len(s))
	for i, p := range s {
		out[i] = p.Name
	}
	return out
}

// Inside reports whether z lies in the prior box.
func (s Space) Inside(z []float64) bool {
	for i, p := range s {
		lo, hi := p.ZBounds()
		if !(z[i] >= lo && z[i] <= hi) {
			return false
		}
	}
	return true
}

// LogVolume is the log of the prior box's volume in z (the prior density is its negative).
func (s Space) LogVolume() float64 {
	var v float64
	for _, p := range s {
		lo, hi := p.ZBounds()
		v += math.Log(hi - lo)
	}
	return v
}

// Theta maps z to parameter values.
func (s Space) Theta(z []float64) []float64 {
	out := make([]float64, len(z))
	for i, p := range s {
		out[i] = p.FromZ(z[i])
	}
	return out
}

// Values returns the named parameter values of z.
func (s Space) Values(z []float64) map[string]float64 {
	out := make(map[string]float64, len(s))
	for i, p := range s {
		out[p.Name] = p.FromZ(z[i])
	}
	return out
}
