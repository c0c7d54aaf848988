// Package smsfault is the vocabulary of SMS network impairments shared by the telco simulator
// (reference/telco), which applies them, and the fault controller (reference/faults), which
// parses, bounds and journals them. Neither of those two knows the other: the controller
// hands a Setting to any telco with a SetFaults(Setting) error method. The package imports
// nothing but the standard library.
package smsfault

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Latency is a lognormal distribution given by its median and 95th percentile; P95 0 (or equal
// to P50) makes it the constant P50.
type Latency struct {
	P50 time.Duration `json:"p50" yaml:"p50"`
	P95 time.Duration `json:"p95" yaml:"p95"`
}

// z95 is the standard normal quantile at 0.95.
const z95 = 1.6448536269514722

// Zero reports whether the distribution is unset (no delay).
func (l Latency) Zero() bool { return l.P50 == 0 && l.P95 == 0 }

// sigma is the log-space standard deviation: ln(P95/P50)/z95.
func (l Latency) sigma() float64 {
	if l.P50 <= 0 || l.P95 <= l.P50 {
		return 0
	}
	return math.Log(float64(l.P95)/float64(l.P50)) / z95
}

// Quantile returns the latency at standard normal score z.
func (l Latency) Quantile(z float64) time.Duration {
	if l.P50 <= 0 {
		return 0
	}
	return time.Duration(float64(l.P50) * math.Exp(l.sigma()*z))
}

// Validate reports a negative latency or a P95 below P50, naming field.
func (l Latency) Validate(field string) error {
	switch {
	case l.P50 < 0 || l.P95 < 0:
		return fmt.Errorf("%s: negative latency (p50 %v, p95 %v)", field, l.P50, l.P95)
	case l.P95 != 0 && l.P95 < l.P50:
		return fmt.Errorf("%s: p95 %v is below p50 %v", field, l.P95, l.P50)
	}
	return nil
}

// Setting is a complete set of run-time impairments of the network. The zero value is a
// healthy network.
type Setting struct {
	// Carriers maps a carrier name (compared as CarrierKey normalises it; "*" for every
	// carrier not listed) to its impairment.
	Carriers map[string]Carrier `json:"carriers,omitempty" yaml:"carriers"`
	// Outages are windows in which a carrier refuses every submission.
	Outages []Outage `json:"outages,omitempty" yaml:"outages"`
}

// Carrier impairs one carrier's route for messages submitted while it is set.
type Carrier struct {
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

// CarrierKey normalises a carrier name: lower case, without spaces, hyphens, underscores and
// dots, so "G-Mobile", "Gmobile" and "gmobile" name the same route.
func CarrierKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch r {
		case ' ', '-', '_', '.':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Validate reports the first invalid field, named by its path below the setting
// ("carriers.Viettel.loss", "outages[0]").
func (s Setting) Validate() error {
	names := make([]string, 0, len(s.Carriers))
	for name := range s.Carriers {
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]string{}
	for _, name := range names {
		cf := s.Carriers[name]
		field := "carriers." + name
		key := CarrierKey(name)
		if key == "" {
			return fmt.Errorf("carriers: empty carrier name")
		}
		if other, dup := seen[key]; dup {
			return fmt.Errorf("carriers: %q and %q name the same carrier", other, name)
		}
		seen[key] = name
		if err := cf.ExtraDelay.Validate(field + ".extra_delay"); err != nil {
			return err
		}
		if cf.Loss < 0 || cf.Loss > 1 || math.IsNaN(cf.Loss) {
			return fmt.Errorf("%s.loss: %v is not a probability", field, cf.Loss)
		}
		if cf.SubmitRate < 0 || math.IsNaN(cf.SubmitRate) || math.IsInf(cf.SubmitRate, 0) {
			return fmt.Errorf("%s.submit_rate: %v is not a rate ≥ 0", field, cf.SubmitRate)
		}
	}
	for i, o := range s.Outages {
		if !o.Until.After(o.From) {
			return fmt.Errorf("outages[%d]: until %v is not after from %v", i, o.Until, o.From)
		}
	}
	return nil
}

// Healthy reports whether s impairs nothing.
func (s Setting) Healthy() bool { return len(s.Carriers) == 0 && len(s.Outages) == 0 }

// Normalised returns a copy of s whose carrier names (in Carriers and Outages) are CarrierKeys.
func (s Setting) Normalised() Setting {
	out := Setting{Outages: make([]Outage, len(s.Outages))}
	if s.Carriers != nil {
		out.Carriers = make(map[string]Carrier, len(s.Carriers))
		for k, v := range s.Carriers {
			if k != "*" {
				k = CarrierKey(k)
			}
			out.Carriers[k] = v
		}
	}
	for i, o := range s.Outages {
		o.Carrier = CarrierKey(o.Carrier)
		out.Outages[i] = o
	}
	return out
}

// Clone returns a deep copy of s.
func (s Setting) Clone() Setting {
	out := Setting{Outages: append([]Outage(nil), s.Outages...)}
	if s.Carriers != nil {
		out.Carriers = make(map[string]Carrier, len(s.Carriers))
		for k, v := range s.Carriers {
			out.Carriers[k] = v
		}
	}
	return out
}

// ForCarrier returns the impairment of the carrier with CarrierKey key in a Normalised setting:
// its own entry, else the "*" entry, else none.
func (s *Setting) ForCarrier(key string) Carrier {
	if cf, ok := s.Carriers[key]; ok {
		return cf
	}
	return s.Carriers["*"]
}

// OutageEnd returns, for a Normalised setting, the end of the latest outage covering time t
// for the carrier with CarrierKey key, or the zero time when none does.
func (s *Setting) OutageEnd(key string, t time.Time) time.Time {
	var until time.Time
	for _, o := range s.Outages {
		if (o.Carrier == "" || o.Carrier == key) && !t.Before(o.From) && t.Before(o.Until) && o.Until.After(until) {
			until = o.Until
		}
	}
	return until
}
