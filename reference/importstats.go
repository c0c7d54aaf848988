package reference

import "time"

// ImportOptions tune Service.Import.
type ImportOptions struct {
	// BatchSize is the number of citizens written per transaction (default 20,000).
	BatchSize int
	// Force imports the file even when a file with the same SHA-256 was imported before.
	Force bool
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
	PasswordPoolSize int           `json:"password_pool_size"`
	SHA256           string        `json:"sha256"`
	Duration         time.Duration `json:"duration"`
}
