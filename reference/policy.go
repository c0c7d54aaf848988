package reference

import (
	"errors"
	"fmt"
	"time"
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
	// 8..20); CheckPassword holds the rest of the password rule.
	PasswordMinLen int `json:"password_min_len"`
	PasswordMaxLen int `json:"password_max_len"`
	// PasscodeLen is the number of digits of the passcode (default 6; at least 4).
	PasscodeLen int `json:"passcode_len"`
	// MaxFailedLogins is how many consecutive wrong passwords lock an account (default 5).
	MaxFailedLogins int `json:"max_failed_logins"`
	// LockDuration is how long that lock lasts (default 30 minutes).
	LockDuration time.Duration `json:"lock_duration"`
	// TokenTTL is the lifetime of an access token (default 1 hour).
	TokenTTL time.Duration `json:"token_ttl"`
	// BiometricMinScore is the least capture match score a police counter accepts (default
	// 0.5; in [0,1]).
	BiometricMinScore float64 `json:"biometric_min_score"`
}

// DefaultPolicy returns the default rules: OTP of 6 digits valid 180 s, at most 5 wrong
// entries, resend after 60 s and at most 3 times, at most 5 sends per phone per 10 minutes;
// passwords of 8–20 characters with a digit, upper- and lower-case letters and a special
// character; a 6-digit passcode; 5 wrong passwords lock the account for 30 minutes.
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
	}
	return nil
}
