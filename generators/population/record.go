// Package population defines the population record — one synthetic citizen per line of a JSON
// Lines file — and streaming readers and writers for it.
//
// The population file is the single source of truth for the simulated world: the reference
// service imports it, the load scenarios draw their virtual users from it and the campaign
// simulation evolves it. The field names of Record are an outward contract (see the README);
// fields may be added, never renamed.
package population

// Handset kinds.
const (
	HandsetSmartphone = "smartphone"
	HandsetFeature    = "feature"
	HandsetNone       = "none"
)

// Coverage classes of a village.
const (
	CoverageNone = "none"
	Coverage2G   = "2g"
	Coverage4G   = "4g"
)

// Poverty classes of a household.
const (
	PovertyNone     = "none"
	PovertyNearPoor = "near_poor"
	PovertyPoor     = "poor"
)

// Account states at the snapshot.
const (
	AccountActive            = "active"
	AccountPendingActivation = "pending_activation"
	AccountLocked            = "locked"
)

// Record is one citizen. Zero values of the optional fields mean "not given"; Validate states
// which fields are required.
type Record struct {
	CitizenID    string `json:"citizen_id"`
	FullName     string `json:"full_name"`
	Sex          string `json:"sex"`
	BirthDate    string `json:"birth_date"`
	ProvinceCode string `json:"province_code"`
	Ethnicity    string `json:"ethnicity"`
	Handset      string `json:"handset"`
	SIM          SIM    `json:"sim"`
	Coverage     string `json:"coverage"`
	// Account is the citizen's e-ID account at the snapshot date, or nil.
	Account *Account `json:"account"`

	// Fields below extend the contract; readers accept records without them.

	// VillageID names the village the citizen lives in; coverage and power are properties of it.
	VillageID string `json:"village_id,omitempty"`
	// Power is true when the village has grid electricity.
	Power *bool `json:"power,omitempty"`
	// Urban is true for residents of an urban ward.
	Urban bool `json:"urban,omitempty"`
	// Poverty is "none", "near_poor" or "poor".
	Poverty string `json:"poverty,omitempty"`
	// NFC is true when the handset can read the chip ID card.
	NFC bool `json:"nfc,omitempty"`
	// ChipCard is true when the citizen holds a chip ID card.
	ChipCard bool `json:"chip_card,omitempty"`
	// Occupation is "student", "farmer", "manual", "office" or "retired" (it shapes
	// biometric quality: manual work wears fingerprints).
	Occupation string `json:"occupation,omitempty"`
	// Traits are behaviour parameters; nil means defaults.
	Traits *Traits `json:"traits,omitempty"`
}

// SIM is the SIM card in the citizen's handset now.
type SIM struct {
	// Phone is the 10-digit number, or "" when the citizen has no SIM.
	Phone string `json:"phone"`
	// OwnerRegistered is true when the carrier's subscriber record for the SIM is in the
	// citizen's own name.
	OwnerRegistered bool `json:"owner_registered"`
	// Carrier is the network operator, derived from the prefix when empty.
	Carrier string `json:"carrier,omitempty"`
	// SwapsPerYear is how often the citizen changes SIM (promotion churn).
	SwapsPerYear float64 `json:"swaps_per_year,omitempty"`
}

// Account is a citizen's e-ID account at the snapshot date.
type Account struct {
	Level    int    `json:"level"`
	Phone    string `json:"phone"`
	Password string `json:"password"`
	DeviceID string `json:"device_id"`
	// Status is "active" (default when empty), "pending_activation" or "locked".
	Status string `json:"status,omitempty"`
}

// Traits are per-citizen behaviour parameters, each in a stated unit.
type Traits struct {
	// ForgetPerYear is the expected number of times a year the citizen forgets the password.
	ForgetPerYear float64 `json:"forget_per_year"`
	// TypoRate is the probability that one typed entry (password or OTP) has a mistake.
	TypoRate float64 `json:"typo_rate"`
	// Patience is how many failed tries the citizen makes before giving up a flow.
	Patience int `json:"patience"`
	// BiometricQuality in [0,1] is the match score the person's fingerprints and portrait reach
	// at a police scanner; worn fingerprints (old age, manual work) lower it.
	BiometricQuality float64 `json:"biometric_quality"`
}

// AccountStatus returns the account's status with the default applied.
func (a *Account) AccountStatus() string {
	if a == nil {
		return ""
	}
	if a.Status == "" {
		return AccountActive
	}
	return a.Status
}
