package results

import "fmt"

// AttackVerdict is an adversarial run's outcome, judged from its figures: Succeeded when the
// attacker achieved what the scenario tries, with one reason per achievement. The rules, per
// scenario (a vector missing from the run is not judged):
//
//   - otp-bruteforce: any victim taken over, by guessing or through the simulated world (/sim/)
//     without the operator token.
//   - credential-stuffing: the right password let in during a burst of concurrent wrong ones
//     (burst), or more wrong passwords evaluated per account than policy.max_failed_logins.
//     Stuffing and spraying hits are reported, not judged: a leaked or common password is
//     the owner's as far as the service can tell.
//   - sms-pumping: any SMS sent to a number that is not the citizen's own.
//   - lockout-dos: any victim locked or throttled out of a login (lock), or any phone
//     silenced (silence).
//   - enumeration: any probe that tells who has an account: an answer-shape accuracy of at
//     least 0.75, or a timing difference beyond the 5 % critical distance.
//   - overload: any client timeout or failure other than 429/503, any 429/503 without
//     Retry-After, or probes not back to normal within 5 s after the load stopped.
type AttackVerdict struct {
	Succeeded bool     `json:"succeeded"`
	Reasons   []string `json:"reasons,omitempty"`
}

// String is "DEFENDED" or "ATTACK SUCCEEDED: reason; reason".
func (v AttackVerdict) String() string {
	if !v.Succeeded {
		return "DEFENDED"
	}
	s := "ATTACK SUCCEEDED: "
	for i, r := range v.Reasons {
		if i > 0 {
			s += "; "
		}
		s += r
	}
	return s
}

// Thresholds of the verdict.
const (
	// verdictEnumAccuracy is the answer-shape accuracy from which a probe enumerates.
	verdictEnumAccuracy = 0.75
	// verdictBackToNormalS is the most seconds the service may take to be normal again.
	verdictBackToNormalS = 5
)

// judge returns the verdict of a (its Scenario names the rules) under policy p.
func (a *Attack) judge(p AttackPolicy) AttackVerdict {
	var v AttackVerdict
	fail := func(format string, args ...any) {
		v.Succeeded = true
		v.Reasons = append(v.Reasons, fmt.Sprintf(format, args...))
	}
	vec := func(name string) *AttackVector {
		for i := range a.Vectors {
			if a.Vectors[i].Name == name && a.Vectors[i].Role == RoleAttacker {
				return &a.Vectors[i]
			}
		}
		return nil
	}
	won := func(name, what string) {
		if x := vec(name); x != nil && x.Compromised > 0 {
			fail("%s: %d of %d %s", name, x.Compromised, x.Targets, what)
		}
	}
	switch a.Scenario {
	case "otp-bruteforce":
		won("guess", "victims taken over by guessing OTPs")
		won("sim_inbox", "victims taken over by reading their OTP from /sim/")
	case "credential-stuffing":
		won("burst", "accounts let in with the right password during a concurrent burst")
		if x := vec("burst"); x != nil && x.EvaluatedPerTarget != nil && p.MaxFailedLogins > 0 &&
			*x.EvaluatedPerTarget > float64(p.MaxFailedLogins) {
			fail("burst: %.1f passwords evaluated per account, more than max_failed_logins %d", *x.EvaluatedPerTarget, p.MaxFailedLogins)
		}
	case "sms-pumping":
		won("registration_stranger_number", "strangers' numbers sent an SMS by registration")
		won("recovery_stranger_number", "strangers' numbers sent an SMS by recovery")
	case "lockout-dos":
		won("lock", "victims refused a login with their right password")
		won("silence", "victims' phones silenced")
	case "enumeration":
		for _, e := range a.Enumeration {
			if e.Accuracy != nil && *e.Accuracy >= verdictEnumAccuracy {
				fail("%s tells who has an account (accuracy %.2f)", e.Name, *e.Accuracy)
			}
			if e.Timing != nil && e.Timing.Leaks {
				fail("%s timing tells who has an account (KS %.2f > %.2f)", e.Name, e.Timing.KS, e.Timing.KSCritical)
			}
		}
	case "overload":
		o := a.Overload
		if o == nil {
			break
		}
		if o.During.ShareTimeout > 0 {
			fail("%.1f%% of the logins timed out", 100*o.During.ShareTimeout)
		}
		if o.During.ShareOther > 0 {
			fail("%.1f%% failed otherwise than 429/503", 100*o.During.ShareOther)
		}
		if o.During.Share429+o.During.Share503 > 0 && o.During.ShareRetryAfter < 1 {
			fail("%.1f%% of the 429/503 without Retry-After", 100*(1-o.During.ShareRetryAfter))
		}
		switch {
		case o.BackToNormalS == nil:
			fail("not back to normal after the load stopped")
		case *o.BackToNormalS > verdictBackToNormalS:
			fail("back to normal %.0f s after the load stopped (more than %d s)", *o.BackToNormalS, verdictBackToNormalS)
		}
	}
	return v
}
