package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func f64(v float64) *float64 { return &v }

// TestAttackVerdict: each scenario's rules turn its figures into DEFENDED or ATTACK
// SUCCEEDED with the reasons.
func TestAttackVerdict(t *testing.T) {
	attacker := func(name string, targets, won int64) AttackVector {
		return AttackVector{Name: name, Role: RoleAttacker, Targets: targets, Compromised: won}
	}
	normal, slow := 4.0, 8.0
	pol := AttackPolicy{MaxFailedLogins: 5}
	tests := []struct {
		name    string
		a       Attack
		reasons []string // nil: DEFENDED
	}{
		{"otp defended", Attack{Scenario: "otp-bruteforce", Vectors: []AttackVector{attacker("guess", 36, 0), attacker("sim_inbox", 5, 0)}}, nil},
		{"otp sim inbox", Attack{Scenario: "otp-bruteforce", Vectors: []AttackVector{attacker("guess", 36, 0), attacker("sim_inbox", 5, 5)}},
			[]string{"sim_inbox: 5 of 5 victims taken over by reading their OTP from /sim/"}},
		{"victim vectors are not judged", Attack{Scenario: "otp-bruteforce", Vectors: []AttackVector{{Name: "guess", Role: RoleVictim, Targets: 2, Compromised: 2}}}, nil},
		{"stuffing hits are not judged", Attack{Scenario: "credential-stuffing", Vectors: []AttackVector{
			attacker("stuffing", 178, 21), attacker("spraying", 189, 19),
			{Name: "burst", Role: RoleAttacker, Targets: 3, EvaluatedPerTarget: f64(5)}}}, nil},
		{"burst let in", Attack{Scenario: "credential-stuffing", Vectors: []AttackVector{
			{Name: "burst", Role: RoleAttacker, Targets: 3, Compromised: 2, EvaluatedPerTarget: f64(4.7)}}},
			[]string{"burst: 2 of 3 accounts let in with the right password during a concurrent burst"}},
		{"burst evaluated beyond the limit", Attack{Scenario: "credential-stuffing", Vectors: []AttackVector{
			{Name: "burst", Role: RoleAttacker, Targets: 3, EvaluatedPerTarget: f64(40)}}},
			[]string{"burst: 40.0 passwords evaluated per account, more than max_failed_logins 5"}},
		{"sms own numbers are not pumping", Attack{Scenario: "sms-pumping", Vectors: []AttackVector{
			attacker("registration_own_number", 23, 20), attacker("registration_stranger_number", 85, 0), attacker("recovery_stranger_number", 73, 0)}}, nil},
		{"sms to strangers", Attack{Scenario: "sms-pumping", Vectors: []AttackVector{attacker("recovery_stranger_number", 73, 3)}},
			[]string{"recovery_stranger_number: 3 of 73 strangers' numbers sent an SMS by recovery"}},
		{"lockout dos", Attack{Scenario: "lockout-dos", Vectors: []AttackVector{attacker("lock", 71, 71), attacker("silence", 30, 0)}},
			[]string{"lock: 71 of 71 victims refused a login with their right password"}},
		{"enumeration defended", Attack{Scenario: "enumeration", Enumeration: []EnumProbe{
			{Name: "lock_status", Accuracy: f64(0.5)}, {Name: "login_timing", Accuracy: f64(0.5), Timing: &EnumTiming{KS: 0.2, KSCritical: 0.42}}}}, nil},
		{"enumeration leaks", Attack{Scenario: "enumeration", Enumeration: []EnumProbe{
			{Name: "register_status", Accuracy: f64(1)}, {Name: "lock_timing", Timing: &EnumTiming{KS: 0.46, KSCritical: 0.42, Leaks: true}}}},
			[]string{"register_status tells who has an account (accuracy 1.00)", "lock_timing timing tells who has an account (KS 0.46 > 0.42)"}},
		{"overload defended", Attack{Scenario: "overload", Overload: &Overload{
			During: OverloadPhase{Share503: 0.77, ShareRetryAfter: 1}, BackToNormalS: &normal}}, nil},
		{"overload timeouts, bare refusals, slow recovery", Attack{Scenario: "overload", Overload: &Overload{
			During: OverloadPhase{ShareTimeout: 0.605, Share429: 0.1, ShareRetryAfter: 0.5}, BackToNormalS: &slow}},
			[]string{"60.5% of the logins timed out", "50.0% of the 429/503 without Retry-After", "back to normal 8 s after the load stopped (more than 5 s)"}},
		{"overload never normal", Attack{Scenario: "overload", Overload: &Overload{}}, []string{"not back to normal after the load stopped"}},
		{"unknown scenario", Attack{Scenario: "smoke", Vectors: []AttackVector{attacker("x", 1, 1)}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.a.judge(pol)
			assert.Equal(t, tc.reasons != nil, v.Succeeded)
			assert.Equal(t, tc.reasons, v.Reasons)
			if tc.reasons == nil {
				assert.Equal(t, "DEFENDED", v.String())
			} else {
				assert.Contains(t, v.String(), "ATTACK SUCCEEDED: "+tc.reasons[0])
			}
		})
	}
}
