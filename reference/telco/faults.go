package telco

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Faults are run-time impairments of the network, set with SetFaults. The zero value is a
// healthy network.
type Faults struct {
	// Carriers maps a carrier name (normalised as Config keys are; "*" for every carrier not
	// listed) to its impairment.
	Carriers map[string]CarrierFaults `json:"carriers,omitempty" yaml:"carriers"`
	// Outages are windows in which a carrier refuses every submission.
	Outages []Outage `json:"outages,omitempty" yaml:"outages"`
}

// CarrierFaults impair one carrier's route for messages submitted while they are set.
type CarrierFaults struct {
	// ExtraDelay is added to each message's latency (a lognormal; zero for none).
	ExtraDelay Latency `json:"extra_delay" yaml:"extra_delay"`
	// Loss is the probability that the SMSC drops a message: it is never delivered and its
	// receipt is UNDELIV at its due time.
	Loss float64 `json:"loss" yaml:"loss"`
	// SubmitRate, when > 0, caps the route's submissions per second below its configured rate.
	SubmitRate float64 `json:"submit_rate" yaml:"submit_rate"`
}

// Outage is a window [From, Until) of clock time in which Carrier ("" for every carrier)
// refuses submissions.
type Outage struct {
	Carrier string    `json:"carrier" yaml:"carrier"`
	From    time.Time `json:"from" yaml:"from"`
	Until   time.Time `json:"until" yaml:"until"`
}

// Validate reports the first invalid field.
func (f Faults) Validate() error {
	names := make([]string, 0, len(f.Carriers))
	for name := range f.Carriers {
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]string{}
	for _, name := range names {
		cf := f.Carriers[name]
		field := "carriers." + name
		key := carrierKey(name)
		if key == "" {
			return fmt.Errorf("carriers: empty carrier name")
		}
		if other, dup := seen[key]; dup {
			return fmt.Errorf("carriers: %q and %q name the same carrier", other, name)
		}
		seen[key] = name
		if err := cf.ExtraDelay.validate(field + ".extra_delay"); err != nil {
			return err
		}
		if cf.Loss < 0 || cf.Loss > 1 || math.IsNaN(cf.Loss) {
			return fmt.Errorf("%s.loss: %v is not a probability", field, cf.Loss)
		}
		if cf.SubmitRate < 0 || math.IsNaN(cf.SubmitRate) || math.IsInf(cf.SubmitRate, 0) {
			return fmt.Errorf("%s.submit_rate: %v is not a rate ≥ 0", field, cf.SubmitRate)
		}
	}
	for i, o := range f.Outages {
		if !o.Until.After(o.From) {
			return fmt.Errorf("outages[%d]: until %v is not after from %v", i, o.Until, o.From)
		}
	}
	return nil
}

// normalised returns a copy of f with normalised carrier keys.
func (f Faults) normalised() Faults {
	out := Faults{Outages: make([]Outage, len(f.Outages))}
	if f.Carriers != nil {
		out.Carriers = make(map[string]CarrierFaults, len(f.Carriers))
		for k, v := range f.Carriers {
			if k != "*" {
				k = carrierKey(k)
			}
			out.Carriers[k] = v
		}
	}
	for i, o := range f.Outages {
		o.Carrier = carrierKey(o.Carrier)
		out.Outages[i] = o
	}
	return out
}

// carrier returns the impairment of the carrier with normalised name key.
func (f *Faults) carrier(key string) CarrierFaults {
	if cf, ok := f.Carriers[key]; ok {
		return cf
	}
	return f.Carriers["*"]
}

// outage returns the end of the outage at t of the carrier with normalised name key, or the
// zero time.
func (f *Faults) outage(key string, t time.Time) time.Time {
	var until time.Time
	for _, o := range f.Outages {
		if (o.Carrier == "" || o.Carrier == key) && !t.Before(o.From) && t.Before(o.Until) && o.Until.After(until) {
			until = o.Until
		}
	}
	return until
}

// SetFaults replaces the impairments; messages already accepted keep the ones they were
// submitted under. Faults that do not Validate are refused with the validation error and the
// current ones stay.
func (s *Sim) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("telco: faults: %w", err)
	}
	given, n := f.clone(), f.normalised()
	s.mu.Lock()
	s.faultsGiven, s.faults = given, n
	s.mu.Unlock()
	return nil
}

// Faults returns the current impairments as they were set.
func (s *Sim) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faultsGiven.clone()
}

// clone returns a deep copy of f.
func (f Faults) clone() Faults {
	out := Faults{Outages: append([]Outage(nil), f.Outages...)}
	if f.Carriers != nil {
		out.Carriers = make(map[string]CarrierFaults, len(f.Carriers))
		for k, v := range f.Carriers {
			out.Carriers[k] = v
		}
	}
	return out
}
