package results

import (
	"math"
	"time"
)

// OTPOdds is the OTP-guessing budget otp-bruteforce measured: the guesses the service
// evaluated per target and the odds they give an attacker who guesses at random.
type OTPOdds struct {
	// Length is the OTP length the odds assume (the target's policy, else 6).
	Length  int   `json:"length"`
	Targets int64 `json:"targets"`
	// Guesses counts the guesses the service evaluated (answered right or wrong).
	Guesses          int64   `json:"guesses"`
	GuessesPerTarget float64 `json:"guesses_per_target"`
	// OddsPerTarget is 1 − (1 − 10^−Length)^GuessesPerTarget: one target's odds in this run.
	OddsPerTarget float64 `json:"odds_per_target"`
	// Exhausted is true when the service refused a recovery start to some target (the
	// per-phone send limit, or any other cap): the run then saw the whole budget of a window.
	Exhausted bool `json:"budget_exhausted"`
	// Projected30d is one target's odds over 30 days if that budget renews every send window
	// (policy.send_window); absent when the budget was not exhausted or the window unknown.
	Projected30d *float64 `json:"projected_30d_odds,omitempty"`
	Basis        string   `json:"projection_basis,omitempty"`
}

// otpOdds returns the guessing figures when the run has a "guess" vector.
func otpOdds(vs []AttackVector, p AttackPolicy) *OTPOdds {
	var g *AttackVector
	for i := range vs {
		if vs[i].Name == "guess" && vs[i].Role == RoleAttacker {
			g = &vs[i]
		}
	}
	if g == nil || g.Targets == 0 {
		return nil
	}
	o := &OTPOdds{Length: p.OTPLength, Targets: g.Targets, Guesses: g.Attempts["success"] + g.Attempts["fail"]}
	if o.Length <= 0 {
		o.Length = 6
	}
	o.GuessesPerTarget = float64(o.Guesses) / float64(o.Targets)
	q := math.Pow(10, -float64(o.Length))
	o.OddsPerTarget = oddsOf(q, o.GuessesPerTarget)
	for _, a := range g.Answers {
		if a.Status == 429 && a.Code != "otp_attempts_exceeded" || a.Status == 423 || a.Status == 403 {
			o.Exhausted = true
		}
	}
	if o.Exhausted && p.SendWindow > 0 {
		windows := float64(30*24*time.Hour) / float64(p.SendWindow)
		v := oddsOf(q, o.GuessesPerTarget*windows)
		o.Projected30d = &v
		o.Basis = "the guesses per target of this run, renewed every policy.send_window (" + p.SendWindow.String() + ") for 30 days"
	}
	return o
}

// oddsOf is 1 − (1 − q)^n, computed stably.
func oddsOf(q, n float64) float64 { return -math.Expm1(n * math.Log1p(-q)) }
