package campaign

import (
	"fmt"
	"math"
)

// Prior is a calibration prior of one behaviour parameter, written in a campaign file's
// priors block: uniform or log-uniform on [Lo, Hi], inside the parameter's hard bounds
// (ParamSpace). Source says where the range comes from (a key of docs/sources.md or why).
type Prior struct {
	Param  string  `yaml:"param"`
	Dist   string  `yaml:"dist"`
	Lo     float64 `yaml:"lo"`
	Hi     float64 `yaml:"hi"`
	Source string  `yaml:"source"`
}

// Prior distributions.
const (
	DistUniform    = "uniform"
	DistLogUniform = "log_uniform"
)

// Median is the prior's median: the midpoint, or the geometric midpoint for log-uniform.
func (p Prior) Median() float64 {
	if p.Dist == DistLogUniform {
		return math.Sqrt(p.Lo * p.Hi)
	}
	return (p.Lo + p.Hi) / 2
}

// Quantile is the prior's u-quantile (u in [0,1]).
func (p Prior) Quantile(u float64) float64 {
	if p.Dist == DistLogUniform {
		return math.Exp(math.Log(p.Lo) + u*(math.Log(p.Hi)-math.Log(p.Lo)))
	}
	return p.Lo + u*(p.Hi-p.Lo)
}

// checkPriors checks the priors block: known parameter (once), a known distribution,
// lo < hi inside the hard bounds, lo > 0 for log-uniform, a source.
func (c *Campaign) checkPriors() error {
	seen := map[string]bool{}
	for i, p := range c.Priors {
		f := fmt.Sprintf("priors[%d]", i)
		spec, ok := paramByName(p.Param)
		switch {
		case !ok:
			return ferr(f+".param", "%q is not a calibratable parameter (want one of %s)", p.Param, joinNames())
		case seen[p.Param]:
			return ferr(f+".param", "%s has a prior already", p.Param)
		case p.Dist != DistUniform && p.Dist != DistLogUniform:
			return ferr(f+".dist", "%q is not one of uniform, log_uniform", p.Dist)
		case !(p.Lo < p.Hi):
			return ferr(f+".hi", "lo %v must be below hi %v", p.Lo, p.Hi)
		case p.Lo < spec.Lo:
			return ferr(f+".lo", "%v is below %s's hard bound %v", p.Lo, p.Param, spec.Lo)
		case p.Hi > spec.Hi:
			return ferr(f+".hi", "%v is above %s's hard bound %v", p.Hi, p.Param, spec.Hi)
		case p.Dist == DistLogUniform && p.Lo <= 0:
			return ferr(f+".lo", "a log_uniform prior needs lo > 0")
		case p.Source == "":
			return ferr(f+".source", "say where the range comes from (a [key] of docs/sources.md, or assumption: why)")
		}
		seen[p.Param] = true
	}
	return nil
}

// checkParams checks every calibratable parameter's value against its hard bounds.
func (c *Campaign) checkParams() error {
	for _, p := range paramSpace {
		v := p.get(&c.Behaviour)
		if math.IsNaN(v) || v < p.Lo || v > p.Hi {
			return ferr("behaviour."+p.Name, "%v is outside its bounds [%v, %v]", v, p.Lo, p.Hi)
		}
	}
	return nil
}

func joinNames() string {
	s := ""
	for i, n := range ParamNames() {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
