// Package reference is the identity domain of eidsim: the registry of citizens, the carriers'
// subscriber records, e-ID accounts at level 1 and 2, device binding, OTP challenges,
// sessions, lockout, recovery, and the police-counter operations — a reference implementation
// of VNeID-style account flows.
//
// The root package holds the domain types, the flows (Service) and the interfaces of its
// dependencies: Store (persistence), Hasher (passwords), Clock (time) and Gateway (SMS).
// Subpackages implement one dependency each and do not know about one another: the SQLite
// store, the HTTP API, the telco simulator. The HTTP server and the campaign simulation call
// the same Service, so a rule changed here changes both.
package reference

import (
	"context"
	"time"
)

// API is everything the outside world can ask of the identity service: the citizen's app
// flows, the police counter, the simulated world's scanner, and operations. *Service
// implements it; the HTTP layer and the campaign simulation depend only on it.
type API interface {
	// Register starts level-1 self-registration: the identity must match the registry, the
	// phone's subscriber record must be in the citizen's own name, and an OTP goes to phone.
	Register(ctx context.Context, req RegisterRequest) (*Ticket, error)
	// VerifyRegistration checks the OTP, sets password and passcode, and creates an active
	// level-1 account bound to the registering device.
	VerifyRegistration(ctx context.Context, id string, req VerifyRequest) (*AccountInfo, error)

	// Login checks the password. On the bound device it issues a token; on a new device it
	// sends an OTP to the account's phone and returns a challenge.
	Login(ctx context.Context, req LoginRequest) (*LoginResult, error)
	// VerifyLogin checks a new-device OTP, binds the new device (signing out the old one) and
	// issues a token.
	VerifyLogin(ctx context.Context, id string, otp string) (*Token, error)

	// StartRecovery always returns a ticket of the same shape; an OTP is sent to the account's
	// phone only when every field matched.
	StartRecovery(ctx context.Context, req RecoveryRequest) (*Ticket, error)
	// VerifyRecovery checks the OTP and sets the new password (lifting any lock).
	VerifyRecovery(ctx context.Context, id string, req RecoveryVerifyRequest) (citizenID string, err error)

	// StartActivation sends an OTP to the phone of an account created at the counter (or reset
	// there) that is pending activation.
	StartActivation(ctx context.Context, req ActivationRequest) (*Ticket, error)
	// VerifyActivation checks the OTP, sets password and passcode and activates the account.
	VerifyActivation(ctx context.Context, id string, req VerifyRequest) (*AccountInfo, error)

	// Resend sends a fresh OTP for a challenge, subject to the resend rules.
	Resend(ctx context.Context, id string) (expiresAt time.Time, err error)

	// Me returns the profile behind an access token.
	Me(ctx context.Context, accessToken string) (*Profile, error)

	// Enroll is level-2 enrolment at a police counter.
	Enroll(ctx context.Context, req EnrollRequest) (*Enrollment, error)
	// ChangePhone re-binds an account to a new, owner-registered phone after an in-person check.
	ChangePhone(ctx context.Context, req PhoneChangeRequest) (*AccountInfo, error)
	// CounterPasswordReset verifies the person and starts an activation OTP to the account's
	// phone through which the citizen sets a new password.
	CounterPasswordReset(ctx context.Context, req CounterRequest) (*Ticket, error)
	// Unlock lifts a lock after an in-person check.
	Unlock(ctx context.Context, req CounterRequest) (*AccountInfo, error)

	// Capture is what a station's fingerprint/portrait scanner captures from a person now:
	// an opaque string for the counter calls, whose match quality follows the person's traits.
	Capture(ctx context.Context, citizenID string) (string, error)
	// Handset answers who holds a phone number now and what coverage they have; the telco
	// simulator delivers through it.
	Handset(ctx context.Context, phone string) (*Handset, error)

	// Settings reports the service's recorded parameters (hash algorithm and cost, password
	// pool size, policies) for run manifests.
	Settings(ctx context.Context) (*Settings, error)
	// Ready reports whether the store answers and can commit a write (a login whose failure
	// cannot be counted is refused, so a store that cannot write is not ready).
	Ready(ctx context.Context) error
}

// RegisterRequest is the body of a level-1 self-registration.
type RegisterRequest struct {
	CitizenID string `json:"citizen_id"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date"`
	Phone     string `json:"phone"`
	DeviceID  string `json:"device_id"`
}

// VerifyRequest completes registration or activation.
type VerifyRequest struct {
	OTP      string `json:"otp"`
	Password string `json:"password"`
	Passcode string `json:"passcode"`
}

// LoginRequest is a password login from a device.
type LoginRequest struct {
	CitizenID string `json:"citizen_id"`
	Password  string `json:"password"`
	DeviceID  string `json:"device_id"`
}

// OTPRequest carries an OTP only.
type OTPRequest struct {
	OTP string `json:"otp"`
}

// RecoveryRequest starts forgotten-password recovery.
type RecoveryRequest struct {
	CitizenID string `json:"citizen_id"`
	Phone     string `json:"phone"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date"`
}

// RecoveryVerifyRequest completes recovery.
type RecoveryVerifyRequest struct {
	OTP         string `json:"otp"`
	NewPassword string `json:"new_password"`
}

// ActivationRequest starts activation of a counter-created account.
type ActivationRequest struct {
	CitizenID string `json:"citizen_id"`
	Phone     string `json:"phone"`
	DeviceID  string `json:"device_id"`
}

// EnrollRequest is a level-2 enrolment at a police counter.
type EnrollRequest struct {
	CitizenID string `json:"citizen_id"`
	Phone     string `json:"phone"`
	StationID string `json:"station_id"`
	Capture   string `json:"capture"`
}

// PhoneChangeRequest re-binds an account to a new phone at the counter.
type PhoneChangeRequest struct {
	CitizenID string `json:"citizen_id"`
	NewPhone  string `json:"new_phone"`
	Capture   string `json:"capture"`
}

// CounterRequest is a counter operation that needs only the person and a capture.
type CounterRequest struct {
	CitizenID string `json:"citizen_id"`
	Capture   string `json:"capture"`
}

// CaptureRequest asks the simulated scanner for a capture.
type CaptureRequest struct {
	CitizenID string `json:"citizen_id"`
}

// Ticket is a started OTP challenge: its id and when the OTP expires.
type Ticket struct {
	ID        string    `json:"id"`
	ExpiresAt time.Time `json:"otp_expires_at"`
}

// AccountInfo is the citizen ID and level of an account after a flow.
type AccountInfo struct {
	CitizenID string `json:"citizen_id"`
	Level     int    `json:"level"`
}

// Token is an issued access token.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Level       int    `json:"level"`
}

// LoginResult is either a Token (bound device) or a Challenge (new device).
type LoginResult struct {
	Token     *Token
	Challenge *Ticket
}

// Profile is what /v1/me shows.
type Profile struct {
	CitizenID string `json:"citizen_id"`
	FullName  string `json:"full_name"`
	Level     int    `json:"level"`
}

// Enrollment is the result of a level-2 enrolment.
type Enrollment struct {
	ID    string `json:"enrollment_id"`
	Level int    `json:"level"`
	// Status is the account's status after enrolment ("active" when an account was upgraded,
	// "pending_activation" when one was created).
	Status string `json:"status"`
}

// Handset is who holds a SIM now.
type Handset struct {
	Phone   string `json:"phone"`
	Carrier string `json:"carrier"`
	// HolderID is the citizen holding the SIM, or "" for a handset outside the population
	// (a recycled number, a SIM in a drawer).
	HolderID string `json:"holder_id"`
	// Coverage is the holder's village coverage ("none", "2g", "4g"); "4g" for unknown holders.
	Coverage string `json:"coverage"`
}

// Settings are the recorded parameters of a running service.
type Settings struct {
	Hash             HashSettings `json:"hash"`
	PasswordPoolSize int          `json:"password_pool_size"`
	// DeferredPasswordHashes counts imported passwords stored with a fast import hash until
	// their first login rehashes them with Hash (see Service.Import).
	DeferredPasswordHashes int    `json:"deferred_password_hashes"`
	Policy                 Policy `json:"policy"`
	// HashWorkers is the number of password-hashing slots (Config.HashWorkers).
	HashWorkers int    `json:"hash_workers"`
	Store       string `json:"store"`
	Citizens    int64  `json:"citizens"`
	Accounts    int64  `json:"accounts"`
	// Population lists the population files imported into the store, oldest first, so that a
	// load run can check it was given the file the service was started with.
	Population []PopulationFile `json:"population"`
	// ChangedSinceImport counts accounts created or changed after the last import: flows
	// (an earlier load run, a walk-through) have changed the world the file describes.
	ChangedSinceImport int64 `json:"accounts_changed_since_import"`
}

// PopulationFile is one imported population file as Settings reports it.
type PopulationFile struct {
	SHA256     string    `json:"sha256"`
	Path       string    `json:"path"`
	ImportedAt time.Time `json:"imported_at"`
	Citizens   int64     `json:"citizens"`
	Accounts   int64     `json:"accounts"`
}

// HashSettings name a password hasher and its cost parameters.
type HashSettings struct {
	Algorithm string         `json:"algorithm"`
	Params    map[string]any `json:"params"`
}

// Gateway sends SMS. The default gateway is the telco simulator, which delivers each message
// to the handset that holds the number when it arrives.
type Gateway interface {
	// Send submits a message; an error means the gateway refused it (throttled, outage).
	// Delivery is asynchronous.
	Send(ctx context.Context, msg SMS) error
}

// SMS is one text message. OTP carries the code in clear for the simulated handset's inbox;
// it is never stored by the service or logged.
type SMS struct {
	To     string
	Sender string
	Body   string
	OTP    string
	// Purpose is the flow that sent it (registration, login, recovery, activation, notice).
	Purpose string
}
