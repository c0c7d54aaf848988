package main

import (
	"io"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/load"
)

// attackSummary reduces the raw k6 output of an adversarial scenario (load.Scenario.Attack)
// to attack.json in the run directory and, when out is not nil, prints it: the attacker's
// odds per vector, the defences that fired and the scenario's own figures. The target's
// policy (OTP length, send window) comes from the settings recorded in the manifest.
func attackSummary(run *results.Run, sc *load.Scenario, raw string, out io.Writer) error {
	if !sc.Attack {
		return nil
	}
	a, err := results.ReadAttackFile(raw, sc.Name, results.AttackPolicyFrom(run.Manifest.TargetSettings))
	if err != nil {
		return err
	}
	if err := results.WriteAttack(run.Dir, a); err != nil {
		return err
	}
	if out != nil {
		a.Print(out)
	}
	return nil
}
