package reference

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Policy holds every configurable rule of the service, one field per rule. DefaultPolicy
// gives the documented defaults and Validate the accepted ranges; Settings reports the
// policy in force, so a run manifest records it. To find a rule, grep its field or JSON
// name: this file is the only place where rules and their defaults are defined.
type Policy struct {
	// OTPLength is the number of digits of an OTP (default 6; 4..9).
	OTPLength int `json:"otp_length"`
	// OTPValidity is how long an OTP can be used after it was sent (default 180 s).
	OTPValidity time.Duration `json:"otp_validity"`
	// OTPMaxAttempts is how many wrong entries a challenge takes before it answers
	// otp_attempts_exceeded (default 5).
	OTPMaxAttempts int `json:"otp_max_attempts"`
	// ResendAfter is the least time between two sends of one challenge (default 60 s).
	ResendAfter time.Duration `json:"resend_after"`
	// MaxResends is how many times one challenge can be resent (default 3).
	MaxResends int `json:"max_resends"`
	// SendsPerPhone is how many OTPs one phone receives per SendWindow before further flows
	// to it answer rate_limited (default 5).
	SendsPerPhone int `json:"sends_per_phone"`
	// SendWindow is the sliding window of SendsPerPhone (default 10 minutes).
	SendWindow time.Duration `json:"send_window"`
	// PasswordMinLen and PasswordMaxLen bound a password's length in characters (default
	// 8..20); CheckPassword, below, holds the rest of the password rule.
	PasswordMinLen int `json:"password_min_len"`
	PasswordMaxLen int `json:"password_max_len"`
	// PasscodeLen is the number of digits of the passcode (default 6; at least 4).
	PasscodeLen int `json:"passcode_len"`
	// MaxFailedLogins is how many consecutive wrong passwords lock an account (Lockout
	// "lock"), or pass before throttling starts (Lockout "throttle") (default 5). Whatever the
	// concurrency, at most this many password hashes run per lock window: every attempt is
	// counted before its hash runs, and none is let through while failures and attempts in
	// flight are at the limit (rate_limited); only a wrong password locks.
	MaxFailedLogins int `json:"max_failed_logins"`
	// LockDuration is how long that lock lasts (default 30 minutes).
	LockDuration time.Duration `json:"lock_duration"`
	// Lockout is what consecutive wrong passwords do (default LockoutLock, as VNeID):
	// LockoutLock locks the account for LockDuration at the MaxFailedLogins-th, so anyone who
	// knows a citizen ID can lock it (lockout denial of service); LockoutThrottle, in the
	// manner of NIST SP 800-63B §5.2.2, lets MaxFailedLogins through and then makes each
	// further attempt wait ThrottleDelay, doubled per failure up to ThrottleMaxDelay, and after
	// ThrottleMaxFailures consecutive failures refuses until the owner recovers the password
	// (or a counter unlocks it). Both are described in docs/security.md.
	Lockout string `json:"lockout"`
	// ThrottleDelay is the wait after the MaxFailedLogins-th consecutive failure under
	// LockoutThrottle (default 1 s); each further failure doubles it.
	ThrottleDelay time.Duration `json:"throttle_delay"`
	// ThrottleMaxDelay caps that wait (default 1 hour).
	ThrottleMaxDelay time.Duration `json:"throttle_max_delay"`
	// ThrottleMaxFailures is the most consecutive failures LockoutThrottle allows before the
	// account needs recovery (default 100, the most NIST SP 800-63B allows; more than
	// MaxFailedLogins). With the defaults an attacker needs about 84 hours of uninterrupted
	// guessing to get there.
	ThrottleMaxFailures int `json:"throttle_max_failures"`
	// LoginAnswers is what a refused password login tells (default AnswersExplicit, as VNeID):
	// AnswersExplicit answers account_locked (423) or rate_limited (429) for a locked or
	// throttled account, which tells that the citizen ID has an account; AnswersUniform
	// answers invalid_credentials (401) for every refusal, so status, body and timing are the
	// same whether or not the ID has an account, at the price of not telling the owner why.
	LoginAnswers string `json:"login_answers"`
	// MaxFailedChallenges is how many OTP challenges of one citizen may end in
	// otp_attempts_exceeded per FailedChallengeWindow; beyond it new challenges answer
	// otp_challenges_exceeded (a recovery silently sends no code) (default 3, so at most
	// OTPMaxAttempts × 3 = 15 OTP guesses per citizen per day).
	MaxFailedChallenges int `json:"max_failed_challenges"`
	// FailedChallengeWindow is the sliding window of MaxFailedChallenges (default 24 hours).
	FailedChallengeWindow time.Duration `json:"failed_challenge_window"`
	// HashQueue is how many password hashes may wait per hashing slot (one slot per core)
	// before further ones are refused at once with overloaded (503 and Retry-After)
	// (default 32, so 64 closed-loop clients on 2 cores are not shed; 0 refuses whenever
	// every slot is busy).
	HashQueue int `json:"hash_queue"`
	// HashQueueWait is the longest a request waits for a hashing slot before it is refused
	// with overloaded (default 1 s). Flows finishing with an OTP (registration,
	// activation, recovery) get a slot before new password logins; an OTP check without a
	// password (new-device login) never waits for one.
	HashQueueWait time.Duration `json:"hash_queue_wait"`
	// TokenTTL is the lifetime of an access token (default 1 hour).
	TokenTTL time.Duration `json:"token_ttl"`
	// BiometricMinScore is the least capture match score a police counter accepts (default
	// 0.5; in [0,1]).
	BiometricMinScore float64 `json:"biometric_min_score"`
}

// DefaultPolicy returns the default rules: OTP of 6 digits valid 180 s, at most 5 wrong
// entries, resend after 60 s and at most 3 times, at most 5 sends per phone per 10 minutes;
// passwords of 8–20 characters with a digit, upper- and lower-case letters and a special
// character; a 6-digit passcode; 5 wrong passwords lock the account for 30 minutes, and the
// lock is told (423); at most 3 failed OTP challenges per citizen per 24 hours; 32 waiting
// password hashes per core, none waiting more than 1 s.
func DefaultPolicy() Policy {
	return Policy{
		OTPLength:         6,
		OTPValidity:       180 * time.Second,
		OTPMaxAttempts:    5,
		ResendAfter:       60 * time.Second,
		MaxResends:        3,
		SendsPerPhone:     5,
		SendWindow:        10 * time.Minute,
		PasswordMinLen:    8,
		PasswordMaxLen:    20,
		PasscodeLen:       6,
		MaxFailedLogins:   5,
		LockDuration:      30 * time.Minute,
		TokenTTL:          time.Hour,
		BiometricMinScore: 0.5,

		Lockout:               LockoutLock,
		ThrottleDelay:         time.Second,
		ThrottleMaxDelay:      time.Hour,
		ThrottleMaxFailures:   100,
		LoginAnswers:          AnswersExplicit,
		MaxFailedChallenges:   3,
		FailedChallengeWindow: 24 * time.Hour,
		HashQueue:             32,
		HashQueueWait:         time.Second,
	}
}

// Validate checks that every rule of p is usable.
func (p Policy) Validate() error {
	switch {
	case p.OTPLength < 4 || p.OTPLength > 9:
		return fmt.Errorf("policy: otp_length %d out of 4..9", p.OTPLength)
	case p.OTPValidity <= 0, p.ResendAfter < 0, p.SendWindow <= 0, p.LockDuration <= 0, p.TokenTTL <= 0:
		return errors.New("policy: durations must be positive")
	case p.OTPMaxAttempts < 1, p.MaxResends < 0, p.SendsPerPhone < 1, p.MaxFailedLogins < 1:
		return errors.New("policy: attempt and send limits must be positive")
	case p.PasswordMinLen < 4 || p.PasswordMaxLen < p.PasswordMinLen:
		return fmt.Errorf("policy: password length %d..%d", p.PasswordMinLen, p.PasswordMaxLen)
	case p.PasscodeLen < 4:
		return fmt.Errorf("policy: passcode_len %d < 4", p.PasscodeLen)
	case p.BiometricMinScore < 0 || p.BiometricMinScore > 1:
		return fmt.Errorf("policy: biometric_min_score %v out of [0,1]", p.BiometricMinScore)
	case p.Lockout != LockoutLock && p.Lockout != LockoutThrottle:
		return fmt.Errorf("policy: lockout %q (want %q or %q)", p.Lockout, LockoutLock, LockoutThrottle)
	case p.ThrottleDelay <= 0 || p.ThrottleMaxDelay < p.ThrottleDelay:
		return fmt.Errorf("policy: throttle_delay %v and throttle_max_delay %v must be positive and in order",
			p.ThrottleDelay, p.ThrottleMaxDelay)
	case p.ThrottleMaxFailures <= p.MaxFailedLogins || p.ThrottleMaxFailures > 100:
		return fmt.Errorf("policy: throttle_max_failures %d out of %d..100 (NIST SP 800-63B allows at most 100)",
			p.ThrottleMaxFailures, p.MaxFailedLogins+1)
	case p.LoginAnswers != AnswersExplicit && p.LoginAnswers != AnswersUniform:
		return fmt.Errorf("policy: login_answers %q (want %q or %q)", p.LoginAnswers, AnswersExplicit, AnswersUniform)
	case p.MaxFailedChallenges < 1:
		return fmt.Errorf("policy: max_failed_challenges %d < 1", p.MaxFailedChallenges)
	case p.FailedChallengeWindow <= 0:
		return fmt.Errorf("policy: failed_challenge_window %v must be positive", p.FailedChallengeWindow)
	case p.HashQueue < 0:
		return fmt.Errorf("policy: hash_queue %d < 0", p.HashQueue)
	case p.HashQueueWait <= 0:
		return fmt.Errorf("policy: hash_queue_wait %v must be positive", p.HashQueueWait)
	}
	return nil
}

// PasswordSpecials are the special characters the VNeID password rule lists; any other
// printable character that is neither a letter, a digit nor a space counts too. The
// population generator (generators/synth) draws its passwords' symbol from these.
const PasswordSpecials = "!@#$^*()_"

// CheckPassword applies the password rule of p: PasswordMinLen–PasswordMaxLen characters with
// at least one digit, one upper-case letter, one lower-case letter and one special character
// (printable, neither letter nor digit nor space). It returns a weak_password error naming
// what is missing, with field "password". It is the one password rule: the service applies
// it to every password it is given, and the population generator to every password it makes.
func (p Policy) CheckPassword(pw string) error { return p.checkPassword(pw, "password") }

// checkPassword is CheckPassword for the request field named field ("new_password" in a
// recovery): every error it returns names that field.
func (p Policy) checkPassword(pw, field string) error {
	n := utf8.RuneCountInString(pw)
	if !utf8.ValidString(pw) || n < p.PasswordMinLen || n > p.PasswordMaxLen {
		return Errorf(EWeakPassword, "password must be %d–%d characters", p.PasswordMinLen, p.PasswordMaxLen).
			With("field", field)
	}
	var digit, upper, lower, special bool
	for _, r := range pw {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case strings.ContainsRune(PasswordSpecials, r) || (unicode.IsPrint(r) && !unicode.IsSpace(r) && !unicode.IsLetter(r)):
			special = true
		case unicode.IsSpace(r) || !unicode.IsPrint(r):
			return Errorf(EWeakPassword, "password must not contain spaces or control characters").With("field", field)
		}
	}
	var missing []string
	if !digit {
		missing = append(missing, "a digit")
	}
	if !upper {
		missing = append(missing, "an upper-case letter")
	}
	if !lower {
		missing = append(missing, "a lower-case letter")
	}
	if !special {
		missing = append(missing, "a special character such as "+PasswordSpecials)
	}
	if len(missing) > 0 {
		return Errorf(EWeakPassword, "password needs %s", strings.Join(missing, ", ")).With("field", field)
	}
	return nil
}

// BrowserBindingTTL is how long a web browser stays bound to an account without a login
// (400 days, as long as browsers keep a cookie); a fixed rule, not a Policy field. The
// OpenID Connect provider's own lifetimes (codes, tokens, authorization requests) are in
// reference/oidc/state.go.
const BrowserBindingTTL = 400 * 24 * time.Hour

// Lockout modes (Policy.Lockout).
const (
	// LockoutLock locks the account for LockDuration after MaxFailedLogins wrong passwords.
	LockoutLock = "lock"
	// LockoutThrottle delays attempts exponentially and never locks before
	// ThrottleMaxFailures.
	LockoutThrottle = "throttle"
)

// Login answer modes (Policy.LoginAnswers).
const (
	// AnswersExplicit tells a locked or throttled account (423, 429), as VNeID does.
	AnswersExplicit = "explicit"
	// AnswersUniform answers every refused password login with invalid_credentials.
	AnswersUniform = "uniform"
)
