package faults

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/eidsim/eidsim/reference/smsfault"
)

// Spec is one complete fault setting; the zero Spec is a healthy service. Durations are
// written as Go durations ("250ms", "2s") in YAML and JSON input.
type Spec struct {
	// SMS impairs the telco simulator's carriers.
	SMS smsfault.Setting `json:"sms" yaml:"sms"`
	// Routes add latency or errors to requests.
	Routes []RouteFault `json:"routes,omitempty" yaml:"routes"`
	// ProviderUnavailable makes the OpenID Connect provider answer 503.
	ProviderUnavailable bool `json:"provider_unavailable,omitempty" yaml:"provider_unavailable"`
	// ClockSkew is how far the service's clock runs ahead (negative: behind).
	ClockSkew time.Duration `json:"clock_skew,omitempty" yaml:"clock_skew"`
}

// RouteFault impairs the requests whose path starts with Prefix (and whose method is Method,
// when set).
type RouteFault struct {
	Prefix string `json:"prefix" yaml:"prefix"`
	Method string `json:"method,omitempty" yaml:"method"`
	// Latency is added before the request is served; Jitter adds a uniform 0..Jitter more.
	Latency time.Duration `json:"latency,omitempty" yaml:"latency"`
	Jitter  time.Duration `json:"jitter,omitempty" yaml:"jitter"`
	// ErrorRate is the probability that the request is answered with Status instead.
	ErrorRate float64 `json:"error_rate,omitempty" yaml:"error_rate"`
	// Status is the error's HTTP status (default 503).
	Status int `json:"status,omitempty" yaml:"status"`
}

// Bounds of one setting. They keep a journaled setting small (MaxJournal of them are kept:
// about 21 MiB at most, measured with 64 maximal route faults each) and the service's clock
// within a day of the real one.
const (
	// MaxLatency bounds the injected latency of one request (Latency + Jitter).
	MaxLatency = 2 * time.Minute
	// MaxClockSkew bounds ClockSkew either way.
	MaxClockSkew = 24 * time.Hour
	// MaxRoutes, MaxCarriers and MaxOutages bound the lists of a setting.
	MaxRoutes   = 64
	MaxCarriers = 32
	MaxOutages  = 64
	// MaxName bounds a carrier's name.
	MaxName = 32
	// MaxSpecBytes is the largest setting PUT /sim/faults accepts (YAML or JSON).
	MaxSpecBytes = 64 << 10
)

// Validate reports the first invalid field, named by its path in the spec.
func (s Spec) Validate() error {
	switch {
	case len(s.Routes) > MaxRoutes:
		return fmt.Errorf("routes: %d route faults, at most %d", len(s.Routes), MaxRoutes)
	case len(s.SMS.Carriers) > MaxCarriers:
		return fmt.Errorf("sms.carriers: %d carriers, at most %d", len(s.SMS.Carriers), MaxCarriers)
	case len(s.SMS.Outages) > MaxOutages:
		return fmt.Errorf("sms.outages: %d outages, at most %d", len(s.SMS.Outages), MaxOutages)
	}
	for name := range s.SMS.Carriers {
		if len(name) > MaxName {
			return fmt.Errorf("sms.carriers: %.40q… is longer than %d bytes", name, MaxName)
		}
	}
	for i, o := range s.SMS.Outages {
		if len(o.Carrier) > MaxName {
			return fmt.Errorf("sms.outages[%d].carrier: longer than %d bytes", i, MaxName)
		}
	}
	if err := s.SMS.Validate(); err != nil {
		return fmt.Errorf("sms.%w", err)
	}
	for i, r := range s.Routes {
		f := fmt.Sprintf("routes[%d]", i)
		switch {
		case !strings.HasPrefix(r.Prefix, "/") || len(r.Prefix) > 256:
			return fmt.Errorf("%s.prefix: %q must start with / and be at most 256 bytes", f, r.Prefix)
		case r.Method != "" && len(r.Method) > 16:
			return fmt.Errorf("%s.method: %q is not an HTTP method", f, r.Method)
		case strings.HasPrefix(r.Prefix, "/sim/") || r.Prefix == "/sim" || r.Prefix == "/":
			return fmt.Errorf("%s.prefix: %q would impair the control plane (/sim/)", f, r.Prefix)
		case r.Method != "" && strings.ToUpper(r.Method) != r.Method:
			return fmt.Errorf("%s.method: %q must be upper case", f, r.Method)
		case r.Latency < 0 || r.Jitter < 0 || r.Latency > MaxLatency || r.Jitter > MaxLatency-r.Latency:
			return fmt.Errorf("%s: latency + jitter must be between 0 and %v", f, MaxLatency)
		case r.ErrorRate < 0 || r.ErrorRate > 1 || math.IsNaN(r.ErrorRate):
			return fmt.Errorf("%s.error_rate: %v is not a probability", f, r.ErrorRate)
		case r.Status != 0 && (r.Status < 400 || r.Status > 599):
			return fmt.Errorf("%s.status: %d is not an HTTP error status", f, r.Status)
		}
	}
	if s.ClockSkew.Abs() > MaxClockSkew {
		return fmt.Errorf("clock_skew: %v is more than %v either way", s.ClockSkew, MaxClockSkew)
	}
	return nil
}

// Healthy reports whether s injects nothing.
func (s Spec) Healthy() bool {
	return s.SMS.Healthy() && len(s.Routes) == 0 && !s.ProviderUnavailable && s.ClockSkew == 0
}

// ParseSpec decodes a spec from YAML or JSON, refusing unknown fields, and validates it.
func ParseSpec(b []byte) (Spec, error) {
	var s Spec
	if len(bytes.TrimSpace(b)) == 0 {
		return s, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return Spec{}, err
	}
	return s, s.Validate()
}

// status returns the route fault's error status.
func (r RouteFault) status() int {
	if r.Status == 0 {
		return http.StatusServiceUnavailable
	}
	return r.Status
}

func (r RouteFault) matches(req *http.Request) bool {
	return strings.HasPrefix(req.URL.Path, r.Prefix) && (r.Method == "" || r.Method == req.Method)
}
