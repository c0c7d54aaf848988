package reference

import "time"

// DefaultHashBudget is the default number of distinct passwords an import hashes with a slow
// hasher: about 25 s of argon2id (default cost) on two cores.
const DefaultHashBudget = 1000

// ImportOptions tune Service.Import.
type ImportOptions struct {
	// Name names the source (a file's path) in errors, the log and the import's record.
	Name string
	// SHA256 is the hex digest of the source's content. When set, the import is recorded
	// under it and a source imported before (same digest) is skipped unless Force; "" records
	// and skips nothing (an in-memory population).
	SHA256 string
	// BatchSize is the number of citizens written per transaction (default 20,000).
	BatchSize int
	// Force imports the source even when one with the same SHA256 was imported before.
	Force bool
	// HashBudget is how many distinct passwords a slow hasher (argon2id) hashes during the
	// import (0: DefaultHashBudget; negative: all); see Service.Import.
	HashBudget int
	// Progress, if set, is called after every committed batch with the citizens read so far.
	Progress func(citizens int64)
}

// ImportStats describe one import of a population file.
type ImportStats struct {
	// Skipped is true when the same file (by SHA-256) had been imported before and nothing
	// was written.
	Skipped  bool  `json:"skipped"`
	Citizens int64 `json:"citizens"`
	Accounts int64 `json:"accounts"`
	// Subscribers counts the SIMs in citizens' handsets.
	Subscribers int64 `json:"subscribers"`
	// OldNumbers counts account phones that differ from the citizen's SIM (numbers cut off or
	// recycled since the account was registered); each has a subscriber record too.
	OldNumbers int64 `json:"old_numbers"`
	// PasswordPoolSize is the number of distinct password hashes computed: accounts that share
	// a password share its hash.
	PasswordPoolSize int `json:"password_pool_size"`
	// DeferredPasswordHashes counts distinct passwords beyond the hash budget, stored with a
	// fast import hash until their first login rehashes them.
	DeferredPasswordHashes int           `json:"deferred_password_hashes"`
	SHA256                 string        `json:"sha256"`
	Duration               time.Duration `json:"duration"`
}
