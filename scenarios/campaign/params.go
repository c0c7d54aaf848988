package campaign

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// ParamSpec is one behaviour parameter the calibration may move: its name (as in a campaign
// file's behaviour block and priors), hard bounds (a value outside them is refused), whether
// it is a share in [0,1], and what it means.
type ParamSpec struct {
	Name    string
	Lo, Hi  float64
	Share   bool
	Meaning string
	get     func(*Behaviour) float64
	set     func(*Behaviour, float64)
}

func fparam(name string, lo, hi float64, share bool, meaning string, f func(*Behaviour) *float64) ParamSpec {
	return ParamSpec{Name: name, Lo: lo, Hi: hi, Share: share, Meaning: meaning,
		get: func(b *Behaviour) float64 { return *f(b) }, set: func(b *Behaviour, v float64) { *f(b) = v }}
}

// paramSpace is the model's parameter space, in a fixed order (see docs/model.md).
var paramSpace = []ParamSpec{
	fparam("bass_p", 0, 10, false, "decision hazard: external (campaign) coefficient, per year", func(b *Behaviour) *float64 { return &b.BassP }),
	fparam("bass_q", 0, 20, false, "decision hazard: imitation coefficient, per year", func(b *Behaviour) *float64 { return &b.BassQ }),
	fparam("self_register_share", 0, 1, true, "level-1 route: share of able deciders (smartphone, SIM in their name) who register in the app", func(b *Behaviour) *float64 { return &b.SelfRegisterShare }),
	fparam("upgrade_share", 0, 1, true, "share of level-1 holders who later go to a counter for level 2", func(b *Behaviour) *float64 { return &b.UpgradeShare }),
	fparam("counter_activation_share", 0, 1, true, "share of approved smartphone holders activated on the spot at the counter (approval the same day)", func(b *Behaviour) *float64 { return &b.CounterActivationShare }),
	fparam("standardise_share", 0, 1, true, "share of people told phone_not_owner who register their SIM in their name", func(b *Behaviour) *float64 { return &b.StandardiseShare }),
	fparam("activation_rate", 0.01, 50, false, "activation hazard of an approved, not yet activated account, per year (before need and pressure)", func(b *Behaviour) *float64 { return &b.ActivationRate }),
	fparam("need_urban", 0.1, 10, false, "activation hazard multiplier for urban residents", func(b *Behaviour) *float64 { return &b.NeedUrban }),
	fparam("need_old", 0.05, 10, false, "activation hazard multiplier for people aged 60+", func(b *Behaviour) *float64 { return &b.NeedOld }),
	fparam("approval_per_day", 1e4, 1e8, false, "national approval capacity of the ministry at the launch, dossiers a day (full scale)", func(b *Behaviour) *float64 { return &b.ApprovalPerDay }),
	fparam("approval_growth_per_year", 0, 20, false, "growth of the approval capacity: capacity = approval_per_day × (1 + growth × years since 2022-07-18)", func(b *Behaviour) *float64 { return &b.ApprovalGrowthPerYear }),
	fparam("rejection_share", 0, 0.2, true, "share of dossiers the ministry rejects (the citizen must enrol again)", func(b *Behaviour) *float64 { return &b.RejectionShare }),
	fparam("need_growth_per_year", 0, 10, false, "growth of everyone's need as services move onto the account: hazards × (1 + growth × years since the launch)", func(b *Behaviour) *float64 { return &b.NeedGrowthPerYear }),
	fparam("pressure_half_life_days", 0, 720, false, "half-life of a dated drive's pressure after its end date (0: it stops at once)", func(b *Behaviour) *float64 { return &b.PressureHalfLifeDays }),
	fparam("pressure_on_decision", 0, 1, true, "share of the national events' pressure that also drives the decision to apply (the rest only drives activation)", func(b *Behaviour) *float64 { return &b.PressureOnDecision }),
	fparam("pressure_directive05", 0, 50, false, "hazard multiplier added by Directive 05/CT-TTg (23 Feb – 30 Jun 2023)", func(b *Behaviour) *float64 { return &b.PressureDirective05 }),
	fparam("pressure_single_login", 0, 50, false, "hazard multiplier added from 1 Jul 2024 (VNeID the single login for public services)", func(b *Behaviour) *float64 { return &b.PressureSingleLogin }),
	fparam("pressure_level2_required", 0, 50, false, "hazard multiplier added from 1 Jan 2025 for level 2 (vehicle registration, bank biometrics)", func(b *Behaviour) *float64 { return &b.PressureLevel2Required }),
}

// ParamSpace returns the model's calibratable parameters in a fixed order (a copy).
func ParamSpace() []ParamSpec {
	return append([]ParamSpec(nil), paramSpace...)
}

// ParamNames returns the parameter names in ParamSpace order.
func ParamNames() []string {
	out := make([]string, len(paramSpace))
	for i, p := range paramSpace {
		out[i] = p.Name
	}
	return out
}

func paramByName(name string) (ParamSpec, bool) {
	for _, p := range paramSpace {
		if p.Name == name {
			return p, true
		}
	}
	return ParamSpec{}, false
}

// Get returns the parameter's value in a behaviour.
func (p ParamSpec) Get(b *Behaviour) float64 { return p.get(b) }

// Params returns the campaign's current values of every parameter of ParamSpace.
func (c *Campaign) Params() map[string]float64 {
	out := make(map[string]float64, len(paramSpace))
	for _, p := range paramSpace {
		out[p.Name] = p.get(&c.Behaviour)
	}
	return out
}

// WithParams returns a copy of the campaign with those parameters set; an unknown name or a
// value outside the parameter's hard bounds (or not a finite number) is an error naming it.
// The campaign itself is not modified.
func (c *Campaign) WithParams(p map[string]float64) (*Campaign, error) {
	cp := *c
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names) // the first bad one reported is the same every time
	for _, n := range names {
		spec, ok := paramByName(n)
		if !ok {
			return nil, fmt.Errorf("parameter %q is unknown (want one of %s)", n, strings.Join(ParamNames(), ", "))
		}
		v := p[n]
		if math.IsNaN(v) || math.IsInf(v, 0) || v < spec.Lo || v > spec.Hi {
			return nil, fmt.Errorf("parameter %s: %v is outside its bounds [%v, %v]", n, v, spec.Lo, spec.Hi)
		}
		spec.set(&cp.Behaviour, v)
	}
	return &cp, nil
}
