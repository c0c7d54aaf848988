package telco

import (
	"fmt"

	"github.com/eidsim/eidsim/reference/smsfault"
)

// Faults are run-time impairments of the network, set with SetFaults. The zero value is a
// healthy network. The type is the shared smsfault.Setting, so the fault controller
// (reference/faults) can drive the telco without either package importing the other.
type Faults = smsfault.Setting

// CarrierFaults impair one carrier's route for messages submitted while they are set.
type CarrierFaults = smsfault.Carrier

// Outage is a window [From, Until) of clock time in which Carrier ("" for every carrier)
// refuses submissions.
type Outage = smsfault.Outage

// SetFaults replaces the impairments; messages already accepted keep the ones they were
// submitted under. Faults that do not Validate are refused with the validation error and the
// current ones stay.
func (s *Sim) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("telco: faults: %w", err)
	}
	given, n := f.Clone(), f.Normalised()
	s.mu.Lock()
	s.faultsGiven, s.faults = given, n
	s.mu.Unlock()
	return nil
}

// Faults returns the current impairments as they were set.
func (s *Sim) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faultsGiven.Clone()
}
