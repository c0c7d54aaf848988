package telco

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/smsfault"
)

// Latency is a lognormal distribution given by its median and 95th percentile; P95 0 (or equal
// to P50) makes it the constant P50. It is the shared smsfault.Latency, which an impairment's
// extra delay uses too.
type Latency = smsfault.Latency

// CarrierConfig is how one carrier's SMSC route behaves.
type CarrierConfig struct {
	// Latency is the submit-to-handset delay of a first attempt that succeeds.
	Latency Latency `json:"latency" yaml:"latency"`
	// SubmitRate is the submissions per second the route accepts (a token bucket holding one
	// second's worth); 0 means unlimited.
	SubmitRate float64 `json:"submit_rate" yaml:"submit_rate"`
}

// Config holds the simulator's parameters. Zero fields take DefaultConfig's values in New.
type Config struct {
	// Carriers maps a carrier name (as reference.CarrierOf returns it, matched ignoring case,
	// spaces and hyphens; "unknown" for numbers outside the prefix table) to its route. Nil
	// takes DefaultConfig's table; an empty map puts every carrier on Default.
	Carriers map[string]CarrierConfig `json:"carriers" yaml:"carriers"`
	// Default is the route of carriers not in Carriers.
	Default CarrierConfig `json:"default" yaml:"default"`
	// Validity is the SMPP validity period of ordinary messages: how long the SMSC keeps
	// retrying before EXPIRED.
	Validity time.Duration `json:"validity" yaml:"validity"`
	// OTPMessageValidity is the SMPP validity period of messages that carry an OTP: how long
	// the SMSC keeps retrying them (aggregators submit OTP traffic with a short
	// validity_period). It is not how long the code can be used: that rule is
	// reference.Policy.OTPValidity, in reference/policy.go.
	OTPMessageValidity time.Duration `json:"otp_message_validity" yaml:"otp_message_validity"`
	// RetryInterval is the wait before the first retry of a failed attempt; it doubles on every
	// further failure up to MaxRetryInterval.
	RetryInterval    time.Duration `json:"retry_interval" yaml:"retry_interval"`
	MaxRetryInterval time.Duration `json:"max_retry_interval" yaml:"max_retry_interval"`
	// WeakSignalFailure is the probability that one attempt to a holder on "2g" coverage fails
	// (paging failure) and is retried.
	WeakSignalFailure float64 `json:"weak_signal_failure" yaml:"weak_signal_failure"`
	// InboxSize is how many messages a number's inbox keeps (the latest).
	InboxSize int `json:"inbox_size" yaml:"inbox_size"`
	// Retention is how long delivered messages, and numbers without traffic, are kept.
	Retention time.Duration `json:"retention" yaml:"retention"`
	// ReceiptBuffer is how many receipts Receipts can return (the latest).
	ReceiptBuffer int `json:"receipt_buffer" yaml:"receipt_buffer"`
	// MaxPending is how many messages may wait at the SMSC before submissions are refused.
	MaxPending int `json:"max_pending" yaml:"max_pending"`
}

// DefaultConfig returns latencies in the healthy range reported for OTP traffic (P50 2–6 s,
// P95 8–15 s, P99 under 30 s): the three large networks fastest, Viettel first; the small
// networks and MVNOs a little slower. The per-carrier split is a judgement, not a measurement.
// Ordinary messages are valid 24 h (a common SMSC default), OTP messages 10 min (the Twilio
// Verify default code lifetime); retries start after 1 min and back off to 15 min; an attempt
// on 2G fails one time in ten; inboxes keep 50 messages for 24 h; 65,536 receipts; at most
// 1,048,576 messages pending.
func DefaultConfig() Config {
	lat := func(p50, p95 float64) CarrierConfig {
		return CarrierConfig{Latency: Latency{P50: secs(p50), P95: secs(p95)}}
	}
	return Config{
		Carriers: map[string]CarrierConfig{
			reference.CarrierViettel:      lat(2.5, 9),
			reference.CarrierMobiFone:     lat(3, 12),
			reference.CarrierVinaPhone:    lat(3, 11),
			reference.CarrierVietnamobile: lat(4, 14),
			reference.CarrierGmobile:      lat(5, 15),
			reference.CarrierItelecom:     lat(3.5, 13),
			reference.CarrierReddi:        lat(4, 15),
		},
		Default:            lat(3, 12),
		Validity:           24 * time.Hour,
		OTPMessageValidity: 10 * time.Minute,
		RetryInterval:      time.Minute,
		MaxRetryInterval:   15 * time.Minute,
		WeakSignalFailure:  0.1,
		InboxSize:          50,
		Retention:          24 * time.Hour,
		ReceiptBuffer:      1 << 16,
		MaxPending:         1 << 20,
	}
}

// FastConfig is DefaultConfig with every carrier at P50 50 ms / P95 200 ms and retries every
// 1–5 s, for load tests where SMS latency should not dominate.
func FastConfig() Config {
	c := DefaultConfig()
	fast := CarrierConfig{Latency: Latency{P50: 50 * time.Millisecond, P95: 200 * time.Millisecond}}
	for k := range c.Carriers {
		c.Carriers[k] = fast
	}
	c.Default = fast
	c.RetryInterval = time.Second
	c.MaxRetryInterval = 5 * time.Second
	return c
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Carriers == nil {
		c.Carriers = d.Carriers
	}
	if c.Default.Latency.Zero() {
		c.Default.Latency = d.Default.Latency
	}
	if c.Validity == 0 {
		c.Validity = d.Validity
	}
	if c.OTPMessageValidity == 0 {
		c.OTPMessageValidity = d.OTPMessageValidity
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = d.RetryInterval
	}
	if c.MaxRetryInterval == 0 {
		c.MaxRetryInterval = max(d.MaxRetryInterval, c.RetryInterval)
	}
	if c.InboxSize == 0 {
		c.InboxSize = d.InboxSize
	}
	if c.Retention == 0 {
		c.Retention = d.Retention
	}
	if c.ReceiptBuffer == 0 {
		c.ReceiptBuffer = d.ReceiptBuffer
	}
	if c.MaxPending == 0 {
		c.MaxPending = d.MaxPending
	}
	return c
}

// Validate reports the first invalid field; zero fields are valid (they take defaults).
func (c Config) Validate() error {
	names := make([]string, 0, len(c.Carriers))
	for name := range c.Carriers {
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]string{}
	for _, name := range names {
		key := carrierKey(name)
		if key == "" {
			return fmt.Errorf("carriers: empty carrier name")
		}
		if other, dup := seen[key]; dup {
			return fmt.Errorf("carriers: %q and %q name the same carrier", other, name)
		}
		seen[key] = name
		if err := c.Carriers[name].validate("carriers." + name); err != nil {
			return err
		}
	}
	if err := c.Default.validate("default"); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"validity", c.Validity}, {"otp_message_validity", c.OTPMessageValidity}, {"retry_interval", c.RetryInterval},
		{"max_retry_interval", c.MaxRetryInterval}, {"retention", c.Retention}} {
		if d.v < 0 {
			return fmt.Errorf("%s: negative duration %v", d.name, d.v)
		}
	}
	if c.MaxRetryInterval != 0 && c.RetryInterval != 0 && c.MaxRetryInterval < c.RetryInterval {
		return fmt.Errorf("max_retry_interval: %v is below retry_interval %v", c.MaxRetryInterval, c.RetryInterval)
	}
	if c.WeakSignalFailure < 0 || c.WeakSignalFailure >= 1 || math.IsNaN(c.WeakSignalFailure) {
		return fmt.Errorf("weak_signal_failure: %v is not in [0, 1)", c.WeakSignalFailure)
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"inbox_size", c.InboxSize}, {"receipt_buffer", c.ReceiptBuffer}, {"max_pending", c.MaxPending}} {
		if n.v < 0 {
			return fmt.Errorf("%s: negative count %d", n.name, n.v)
		}
	}
	return nil
}

func (cc CarrierConfig) validate(field string) error {
	if err := cc.Latency.Validate(field + ".latency"); err != nil {
		return err
	}
	if cc.SubmitRate < 0 || math.IsNaN(cc.SubmitRate) || math.IsInf(cc.SubmitRate, 0) {
		return fmt.Errorf("%s.submit_rate: %v is not a rate ≥ 0", field, cc.SubmitRate)
	}
	return nil
}

// carrierKey normalises a carrier name: lower case, without spaces, hyphens and underscores,
// so "G-Mobile", "Gmobile" and "gmobile" name the same route (smsfault.CarrierKey, so that
// configured routes and impairments match the same way).
func carrierKey(name string) string { return smsfault.CarrierKey(name) }

// route returns the configuration of the carrier with normalised name key.
func (c *Config) route(key string) CarrierConfig {
	if cc, ok := c.Carriers[key]; ok {
		return cc
	}
	return c.Default
}

// normalised returns c with carrier keys normalised.
func (c Config) normalised() Config {
	m := make(map[string]CarrierConfig, len(c.Carriers))
	for k, v := range c.Carriers {
		m[carrierKey(k)] = v
	}
	c.Carriers = m
	return c
}
