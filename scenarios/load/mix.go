package load

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// MixSpec says which flow shares a scenario's --mix may set and how they must add up. The
// scripts read the same names from EIDSIM_MIX (scenarios/k6/*.js); TestMixSpecsMatchScripts
// keeps the two in step.
type MixSpec struct {
	// Defaults are the script's shares.
	Defaults map[string]float64
	// Whole names the shares that divide all iterations between them: after the override
	// they must sum to 1.
	Whole []string
	// Part names shares of the remaining flow (the rest is the default flow): after the
	// override their sum must not exceed 1.
	Part []string
	// Switches are 0-or-1 settings rather than shares.
	Switches []string
}

// mixes is the --mix vocabulary of each scenario that has one.
var mixes = map[string]MixSpec{
	"login-throughput": {Defaults: map[string]float64{"new_device": 0.10, "wrong_password": 0.0185},
		Part: []string{"new_device", "wrong_password"}},
	"deadline-surge": {Defaults: map[string]float64{"login": 0.70, "wrong_password": 0.02, "registration": 0.12,
		"activation": 0.06, "recovery": 0.10, "new_device_share": 0.10},
		Whole: []string{"login", "wrong_password", "registration", "activation", "recovery"},
		Part:  []string{"new_device_share"}},
	"rp-login": {Defaults: map[string]float64{"new_device": 0.10, "compare": 0},
		Part: []string{"new_device"}, Switches: []string{"compare"}},
}

// Mix returns the --mix vocabulary of the scenario, or false when it has none.
func Mix(scenario string) (MixSpec, bool) {
	m, ok := mixes[scenario]
	return m, ok
}

// CheckMix checks a --mix override against the scenario's vocabulary: every name known, a
// switch 0 or 1, the shares that divide all iterations still summing to 1 and the partial
// shares to at most 1. Its errors say what to change.
func CheckMix(scenario string, override map[string]float64) error {
	if len(override) == 0 {
		return nil
	}
	spec, ok := mixes[scenario]
	if !ok {
		return fmt.Errorf("scenario %s has no flow mix to change (scenarios with one: %s)", scenario, strings.Join(mixScenarios(), ", "))
	}
	known := make([]string, 0, len(spec.Defaults))
	for k := range spec.Defaults {
		known = append(known, k)
	}
	sort.Strings(known)
	merged := map[string]float64{}
	for k, v := range spec.Defaults {
		merged[k] = v
	}
	for _, k := range sortedKeys(override) {
		if _, ok := spec.Defaults[k]; !ok {
			return fmt.Errorf("%q is not a flow of %s (its flows: %s)", k, scenario, strings.Join(known, ", "))
		}
		merged[k] = override[k]
	}
	for _, k := range spec.Switches {
		if v := merged[k]; v != 0 && v != 1 {
			return fmt.Errorf("%s=%v: a switch, want 0 or 1", k, v)
		}
	}
	if len(spec.Whole) > 0 {
		sum, parts := 0.0, make([]string, 0, len(spec.Whole))
		for _, k := range spec.Whole {
			sum += merged[k]
			parts = append(parts, fmt.Sprintf("%s=%g", k, merged[k]))
		}
		if math.Abs(sum-1) > 1e-6 {
			return fmt.Errorf("the shares of %s must sum to 1, got %.4g (%s); change the others too", scenario, sum, strings.Join(parts, ","))
		}
	}
	if len(spec.Part) > 1 {
		sum := 0.0
		for _, k := range spec.Part {
			sum += merged[k]
		}
		if sum > 1+1e-9 {
			return fmt.Errorf("%s add up to %g, more than all iterations", strings.Join(spec.Part, " + "), sum)
		}
	}
	return nil
}

func mixScenarios() []string {
	var out []string
	for k := range mixes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
