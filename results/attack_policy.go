package results

import (
	"encoding/json"
	"io"
	"path/filepath"
	"time"
)

// AttackPolicy is what the summary needs to know of the target's policy (GET /sim/settings).
type AttackPolicy struct {
	OTPLength  int
	SendWindow time.Duration
	// OTPMaxAttempts, MaxFailedChallenges and FailedChallengeWindow are the per-citizen cap
	// on failed OTP challenges (policy max_failed_challenges): beyond it a recovery sends no
	// code, so further guesses cannot match. Zero when the target does not report them.
	OTPMaxAttempts        int
	MaxFailedChallenges   int
	FailedChallengeWindow time.Duration
	// MaxFailedLogins is policy max_failed_logins (zero when unknown).
	MaxFailedLogins int
}

// AttackPolicyFrom reads the policy from a /sim/settings document; missing fields stay zero.
func AttackPolicyFrom(settings json.RawMessage) AttackPolicy {
	var s struct {
		Policy struct {
			OTPLength             int   `json:"otp_length"`
			SendWindow            int64 `json:"send_window"`
			OTPMaxAttempts        int   `json:"otp_max_attempts"`
			MaxFailedChallenges   int   `json:"max_failed_challenges"`
			FailedChallengeWindow int64 `json:"failed_challenge_window"`
			MaxFailedLogins       int   `json:"max_failed_logins"`
		} `json:"policy"`
	}
	if len(settings) == 0 || json.Unmarshal(settings, &s) != nil {
		return AttackPolicy{}
	}
	return AttackPolicy{OTPLength: s.Policy.OTPLength, SendWindow: time.Duration(s.Policy.SendWindow),
		OTPMaxAttempts: s.Policy.OTPMaxAttempts, MaxFailedChallenges: s.Policy.MaxFailedChallenges,
		FailedChallengeWindow: time.Duration(s.Policy.FailedChallengeWindow), MaxFailedLogins: s.Policy.MaxFailedLogins}
}

// ReadAttack reduces the eidsim_attack_* and eidsim_enum_* points of a raw k6 output (gzip or
// plain JSON lines) to the Attack of scenario (ReadK6, then K6Output.Attack). name is used in
// error messages.
func ReadAttack(r io.Reader, name, scenario string, p AttackPolicy) (*Attack, error) {
	o, err := ReadK6(r, name)
	if err != nil {
		return nil, err
	}
	return o.Attack(scenario, p), nil
}

// WriteAttack stores a in dir/attack.json (atomically).
func WriteAttack(dir string, a *Attack) error {
	b, err := json.MarshalIndent(a, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, AttackFile), append(b, '\n'))
}
