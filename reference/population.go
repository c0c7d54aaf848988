package reference

import "fmt"

// Population is a stream of people for Service.Import. The domain does not read files: the
// caller opens and parses its source and adapts it (reference/assemble adapts population
// files and in-memory generator records).
type Population interface {
	// Next fills p with the next person (every field: p may hold the previous one) and
	// returns io.EOF after the last. Any other error stops the import and is returned as it
	// is, so it should name the source and the position.
	Next(p *Person) error
	// Line is the 1-based position in the source of the person Next filled last; Import names
	// it (with ImportOptions.Name) in the errors it finds itself, such as a phone on two
	// accounts.
	Line() int
}

// Person is one record of a population as the import consumes it: the citizen of the
// registry, the SIM in their handset now and the e-ID account they hold.
type Person struct {
	// Citizen is the registry entry; a BiometricQuality of 0 means DefaultBiometricQuality.
	// Captures is ignored (an existing citizen keeps its counter).
	Citizen Citizen
	// SIM is the SIM in the citizen's handset; Phone "" when they have none.
	SIM PersonSIM
	// Account is the account the citizen holds, or nil.
	Account *PersonAccount
}

// PersonSIM is the SIM card in a person's handset.
type PersonSIM struct {
	Phone string
	// Carrier is the carrier a number outside the prefix table belongs to (CarrierOf wins).
	Carrier string
	// OwnerRegistered is true when the carrier's record of the SIM is in the person's name.
	OwnerRegistered bool
}

// PersonAccount is the e-ID account a person holds at the import.
type PersonAccount struct {
	Level int
	// Phone is the number the account was registered with: it may differ from the SIM (see
	// Service.Import for what that means).
	Phone string
	// Status is StatusActive, StatusPendingActivation or StatusLocked; "" means active.
	Status   string
	Password string
	DeviceID string
}

// status is the account's status, "" taken as active.
func (a *PersonAccount) status() string {
	if a.Status == "" {
		return StatusActive
	}
	return a.Status
}

// RecordError is an error in one record of a population source.
type RecordError struct {
	Name string // the source (a file name), or "" for an unnamed stream
	Line int    // 1-based position of the record
	Err  error
}

func (e *RecordError) Error() string {
	name := e.Name
	if name == "" {
		name = "population"
	}
	return fmt.Sprintf("%s:%d: %v", name, e.Line, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }
