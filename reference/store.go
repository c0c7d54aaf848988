package reference

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store errors. Implementations return them (possibly wrapped); callers test with errors.Is.
var (
	// ErrNotFound: the entity does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: an entity with that key exists already (challenge id, key name, import).
	ErrExists = errors.New("already exists")
	// ErrAccountExists: the citizen has an account already (one account per citizen).
	ErrAccountExists = errors.New("citizen has an account already")
	// ErrPhoneInUse: the phone is registered on another citizen's account (one phone, one
	// account).
	ErrPhoneInUse = errors.New("phone is on another account")
	// ErrReadOnly: a write was attempted in a View transaction.
	ErrReadOnly = errors.New("write in a read-only transaction")
)

// Store persists all state that must hold across several service instances: the registry of
// citizens, the carriers' subscriber records, accounts with their lockout counters, OTP
// challenges with their attempt counts, per-phone send records, dated events for longer limits,
// secret keys and the record of imported population files.
//
// Update runs fn in one read-write transaction: every change fn makes is committed atomically
// when fn returns nil and discarded when it returns an error (which Update returns). Concurrent
// Updates behave as if run one after another (serialisable), so read-modify-write inside fn
// never loses an update. View runs fn in a read-only transaction that sees one consistent
// snapshot; write methods of its Tx return ErrReadOnly. fn must not keep the Tx after it
// returns, must not call View or Update itself, and should be short: slow work (password
// hashing, sending SMS) belongs outside.
//
// All times are stored with nanosecond precision and returned in UTC.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
	// Ready reports whether the store answers.
	Ready(ctx context.Context) error
	// Name names the implementation and where its data lives, for run manifests.
	Name() string
}

// Tx is one transaction of a Store. Getters return ErrNotFound for a missing entity and a
// fresh copy the caller may modify.
type Tx interface {
	// Citizen returns a citizen of the registry.
	Citizen(id string) (*Citizen, error)
	// PutCitizen inserts a citizen or replaces its fields, keeping the capture counter of an
	// existing one.
	PutCitizen(c *Citizen) error
	// NextCapture increments the citizen's capture counter and returns the new value (1 for
	// the first capture); ErrNotFound for an unknown citizen.
	NextCapture(citizenID string) (uint64, error)
	// CountCitizens returns the number of citizens.
	CountCitizens() (int64, error)

	// Subscriber returns the carrier record of a phone number.
	Subscriber(phone string) (*Subscriber, error)
	// PutSubscriber inserts a subscriber record or replaces it.
	PutSubscriber(s *Subscriber) error
	// AddSubscriber inserts a subscriber record if the phone has none and reports whether it
	// did; an existing record is left unchanged.
	AddSubscriber(s *Subscriber) (bool, error)

	// Account returns the account of a citizen.
	Account(citizenID string) (*Account, error)
	// AccountByPhone returns the account registered on a phone.
	AccountByPhone(phone string) (*Account, error)
	// CreateAccount inserts a new account: ErrAccountExists when the citizen has one,
	// ErrPhoneInUse when another account has the phone.
	CreateAccount(a *Account) error
	// UpdateAccount replaces an existing account's fields: ErrNotFound when there is none,
	// ErrPhoneInUse when another account has the phone.
	UpdateAccount(a *Account) error
	// PutAccount inserts or replaces the citizen's account (population import); ErrPhoneInUse
	// when another citizen's account has the phone.
	PutAccount(a *Account) error
	// CountAccounts returns the number of accounts.
	CountAccounts() (int64, error)
	// CountAccountsChangedSince returns the number of accounts created or changed after t
	// (UpdatedAt > t): whether flows have run since a population was imported.
	CountAccountsChangedSince(t time.Time) (int64, error)

	// Challenge returns an OTP challenge.
	Challenge(id string) (*Challenge, error)
	// CreateChallenge inserts a challenge; ErrExists when the id is taken.
	CreateChallenge(c *Challenge) error
	// UpdateChallenge replaces an existing challenge's fields; ErrNotFound when there is none.
	UpdateChallenge(c *Challenge) error
	// DeleteChallenge removes a challenge and its send records; ErrNotFound when there is none.
	DeleteChallenge(id string) error
	// DeleteExpiredChallenges removes challenges (and their send records) that expired before
	// t and returns how many it removed.
	DeleteExpiredChallenges(before time.Time) (int64, error)

	// AddSend records an OTP send to a phone at a time for a challenge.
	AddSend(phone string, at time.Time, challengeID string) error
	// CountSends returns the number of sends to phone at or after since.
	CountSends(phone string, since time.Time) (int, error)
	// DeleteSend removes the send records of a challenge at exactly at (undoing AddSend when
	// the gateway refused the message) and reports how many it removed.
	DeleteSend(challengeID string, at time.Time) (int64, error)

	// AddEvent records that something happened under key at a time (a failed OTP challenge of
	// an account, the service's write probe), for limits over windows longer than a challenge
	// lives.
	AddEvent(key string, at time.Time) error
	// CountEvents returns the number of events of key at or after since.
	CountEvents(key string, since time.Time) (int, error)
	// DeleteEvents removes the events of key before t (of every key when key is "") and
	// returns how many it removed.
	DeleteEvents(key string, before time.Time) (int64, error)

	// Key returns a named secret key.
	Key(name string) ([]byte, error)
	// PutKey stores a named secret key; ErrExists when the name is taken (keys never change).
	PutKey(name string, value []byte) error

	// Import returns the record of an imported population file by its SHA-256 (hex).
	Import(sha256 string) (*ImportRecord, error)
	// PutImport records (or re-records) an imported population file.
	PutImport(r *ImportRecord) error
	// Imports returns all import records, oldest first.
	Imports() ([]ImportRecord, error)
}

// Citizen is a person in the population registry.
type Citizen struct {
	ID           string
	FullName     string
	Sex          string
	BirthDate    string // YYYY-MM-DD
	ProvinceCode string
	Ethnicity    string
	VillageID    string
	// Coverage is the mobile coverage of the citizen's village: "none", "2g", "4g".
	Coverage string
	// Handset is "smartphone", "feature" or "none".
	Handset string
	// BiometricQuality in [0,1] is the match score the person reaches at a scanner.
	BiometricQuality float64
	// Captures counts scanner captures taken of the person (the seed of the next one).
	Captures uint64
}

// Subscriber is a carrier's record of a phone number.
type Subscriber struct {
	Phone   string
	Carrier string
	// OwnerID is the citizen in whose name the SIM is registered, or "" (someone else's name).
	OwnerID string
	// HolderID is the citizen who holds the SIM now (and receives its SMS), or "" for a handset
	// outside the population (a recycled number, a SIM in a drawer).
	HolderID string
}

// Account states.
const (
	StatusActive            = "active"
	StatusPendingActivation = "pending_activation"
	// StatusLocked is an administrative lock (only a counter Unlock lifts it), as opposed to
	// the temporary lock of Account.LockedUntil after wrong passwords.
	StatusLocked = "locked"
)

// Account is a citizen's e-ID account.
type Account struct {
	CitizenID string
	Level     int
	Phone     string
	Status    string
	// PasswordHash is the Hasher's encoding, or "" when no password was ever set.
	PasswordHash string
	// PasscodeMAC is a keyed MAC of the 6-digit passcode, or nil.
	PasscodeMAC []byte
	// DeviceID is the one bound device, or "".
	DeviceID string
	// FailedLogins counts consecutive wrong passwords.
	FailedLogins int
	// LockedUntil is the end of a temporary lock; zero when not locked.
	LockedUntil time.Time
	// Epoch changes whenever every issued token must stop working (password reset, phone
	// change); tokens carry it.
	Epoch     int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Challenge purposes; they are also SMS.Purpose values.
const (
	PurposeRegistration = "registration"
	PurposeLogin        = "login"
	PurposeRecovery     = "recovery"
	PurposeActivation   = "activation"
	PurposeNotice       = "notice"
)

// Challenge is an OTP challenge of one flow.
type Challenge struct {
	ID        string
	Purpose   string
	CitizenID string
	// Phone is where the OTP goes (and whose send limit it counts against).
	Phone    string
	DeviceID string
	// CodeMAC is HMAC-SHA256(key, id|code) of the current code, or nil when no code can match
	// (a recovery whose data did not match).
	CodeMAC []byte
	// Attempts counts wrong entries.
	Attempts int
	// Resends counts resends.
	Resends   int
	CreatedAt time.Time
	// SentAt is when the current code was sent.
	SentAt    time.Time
	ExpiresAt time.Time
	// ConsumedAt is when a correct code was used; zero while unused.
	ConsumedAt time.Time
}

// ImportRecord records an imported population file.
type ImportRecord struct {
	SHA256     string
	Path       string
	ImportedAt time.Time
	Stats      ImportStats
}

// BulkTx is optionally implemented by a Tx that writes many rows faster in one call than in
// one call per row. Import uses it when the store's Tx has it; each method means exactly the
// same as calling its one-row counterpart for every element in order.
type BulkTx interface {
	PutCitizens(cs []Citizen) error
	PutSubscribers(ss []Subscriber) error
	AddSubscribers(ss []Subscriber) error
	// PutAccounts returns a *BulkError naming the first element that failed.
	PutAccounts(as []Account) error
}

// BulkError is the failure of one element of a BulkTx call.
type BulkError struct {
	Index int
	Err   error
}

func (e *BulkError) Error() string { return fmt.Sprintf("element %d: %v", e.Index, e.Err) }

func (e *BulkError) Unwrap() error { return e.Err }
