package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/eidsim/eidsim/results"
)

// attackSummary reduces the raw k6 output of an adversarial scenario (load.Scenario.Attack)
// to attack.json in the run directory and, when out is not nil, prints it: the attacker's
// odds per vector, the defences that fired and the scenario's own figures. The target's
// policy (OTP length, send window) comes from the settings recorded in the manifest, or,
// when the target gave none without a token, from GET /sim/settings with the operator token.
//
// It returns the summary (nil for a scenario that is not adversarial); its Verdict decides
// eidsim load's exit code (exitThreshold when the attack succeeded).
func attackSummary(ctx context.Context, run *results.Run, cfg *loadConfig, raw string, out io.Writer) (*results.Attack, error) {
	if !cfg.scenario.Attack {
		return nil, nil
	}
	settings := run.Manifest.TargetSettings
	if len(settings) == 0 && cfg.token != "" {
		settings = operatorSettings(ctx, cfg.target, cfg.token)
	}
	a, err := results.ReadAttackFile(raw, cfg.scenario.Name, results.AttackPolicyFrom(settings))
	if err != nil {
		return nil, err
	}
	if err := results.WriteAttack(run.Dir, a); err != nil {
		return nil, err
	}
	if out != nil {
		a.Print(out)
	}
	return a, nil
}

// operatorSettings returns GET /sim/settings asked with the operator token, or nil.
func operatorSettings(ctx context.Context, target, token string) json.RawMessage {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(target, "/")+"/sim/settings", nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK || !json.Valid(b) {
		return nil
	}
	return b
}
