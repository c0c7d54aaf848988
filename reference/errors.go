package reference

import (
	"errors"
	"fmt"
)

// Error codes. They are stable strings that clients see; the HTTP layer maps each to one
// status in a single table. Add codes here, never rename them.
const (
	EInvalidInput        = "invalid_input"
	EIdentityMismatch    = "identity_mismatch"
	EPhoneNotOwner       = "phone_not_owner"
	EPhoneInUse          = "phone_in_use"
	EAccountExists       = "account_exists"
	EAccountNotActive    = "account_not_active"
	ERateLimited         = "rate_limited"
	EOTPInvalid          = "otp_invalid"
	EOTPExpired          = "otp_expired"
	EOTPAttemptsExceeded = "otp_attempts_exceeded"
	EWeakPassword        = "weak_password"
	EInvalidCredentials  = "invalid_credentials"
	EAccountLocked       = "account_locked"
	EResendTooSoon       = "resend_too_soon"
	EResendLimit         = "resend_limit"
	EUnauthorized        = "unauthorized"
	EForbidden           = "forbidden"
	EBiometricMismatch   = "biometric_mismatch"
	ENotFound            = "not_found"
	EUnavailable         = "unavailable"
	// EOverloaded: the service refused the request before doing any work because its hashing
	// queue is full (see admission.go); retry_after says when to try again.
	EOverloaded = "overloaded"
	// EOTPChallengesExceeded: too many OTP challenges of this citizen ended in
	// otp_attempts_exceeded (Policy.MaxFailedChallenges); retry_after says when one expires.
	EOTPChallengesExceeded = "otp_challenges_exceeded"
	EInternal              = "internal"
)

// Error is the domain's error: a stable code, a human message and optional extra fields that
// clients see next to the code (for example attempts_left, locked_until, retry_after).
type Error struct {
	Code    string
	Message string
	// Fields are extra members of the error object, such as "field" for invalid_input.
	Fields map[string]any
	// Err is an underlying cause, never shown to clients.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// With returns e with an extra field set; it is meant for building errors.
func (e *Error) With(key string, value any) *Error {
	if e.Fields == nil {
		e.Fields = map[string]any{}
	}
	e.Fields[key] = value
	return e
}

// InvalidField returns an invalid_input error naming the field.
func InvalidField(field, format string, args ...any) *Error {
	return Errorf(EInvalidInput, "%s: %s", field, fmt.Sprintf(format, args...)).With("field", field)
}

// ErrorCode returns the code of err: its *Error code, or EInternal for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message a client may see for err: the *Error message, or a generic
// text for internal errors (their details stay in the logs).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
