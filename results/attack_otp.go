package results

import (
	"fmt"
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
	// LiveGuessesPerTarget is GuessesPerTarget capped at the policy's failed-challenge budget
	// (otp_max_attempts × max_failed_challenges per failed_challenge_window): beyond it the
	// service sends no code, so the further guesses it answers cannot match. Equal to
	// GuessesPerTarget when the target reports no such cap.
	LiveGuessesPerTarget float64 `json:"live_guesses_per_target"`
	// OddsPerTarget is 1 − (1 − 10^−Length)^LiveGuessesPerTarget: one target's odds in this run.
	OddsPerTarget float64 `json:"odds_per_target"`
	// Exhausted is true when the service refused a recovery start to some target (the
	// per-phone send limit, or any other cap): the run then saw the whole budget of a window.
	Exhausted bool `json:"budget_exhausted"`
	// Projected30d is one target's odds over 30 days if that budget renews every send window
	// (policy.send_window), at most the failed-challenge budget per failed_challenge_window;
	// absent when the budget was not exhausted or the window unknown.
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
	o.LiveGuessesPerTarget = o.GuessesPerTarget
	capped := p.OTPMaxAttempts > 0 && p.MaxFailedChallenges > 0 && p.FailedChallengeWindow > 0
	perCapWindow := float64(p.OTPMaxAttempts * p.MaxFailedChallenges)
	if capped {
		o.LiveGuessesPerTarget = math.Min(o.GuessesPerTarget, perCapWindow)
	}
	q := math.Pow(10, -float64(o.Length))
	o.OddsPerTarget = oddsOf(q, o.LiveGuessesPerTarget)
	for _, a := range g.Answers {
		if a.Status == 429 && a.Code != "otp_attempts_exceeded" || a.Status == 423 || a.Status == 403 {
			o.Exhausted = true
		}
	}
	if o.Exhausted && p.SendWindow > 0 {
		const month = 30 * 24 * time.Hour
		n := o.GuessesPerTarget * float64(month) / float64(p.SendWindow)
		o.Basis = "the guesses per target of this run, renewed every policy.send_window (" + p.SendWindow.String() + ") for 30 days"
		if capped {
			if c := perCapWindow * float64(month) / float64(p.FailedChallengeWindow); c < n {
				n = c
				o.Basis = fmt.Sprintf("policy.max_failed_challenges: %d challenges × %d codes per %s for 30 days",
					p.MaxFailedChallenges, p.OTPMaxAttempts, p.FailedChallengeWindow)
			}
		}
		v := oddsOf(q, n)
		o.Projected30d = &v
	}
	return o
}

// oddsOf is 1 − (1 − q)^n, computed stably.
func oddsOf(q, n float64) float64 { return -math.Expm1(n * math.Log1p(-q)) }
