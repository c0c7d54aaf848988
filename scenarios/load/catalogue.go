package load

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/eidsim/eidsim/generators/population"
)

// Options are the scenario options a user sets with flags.
type Options struct {
	// Rate is the peak arrival rate in iterations per second.
	Rate float64 `json:"rate"`
	// Duration is how long the load lasts (the whole compressed day for deadline-surge).
	Duration time.Duration `json:"duration"`
	// VUs is the most virtual users a k6 scenario may use.
	VUs int `json:"vus"`
	// OTPWait is how long a citizen watches the handset for an OTP.
	OTPWait time.Duration `json:"otp_wait"`
	// Mix overrides flow shares of the scenario (EIDSIM_MIX).
	Mix map[string]float64 `json:"mix,omitempty"`
}

// Pool is a set of citizens a flow draws from: those of the population that Eligible
// accepts.
type Pool struct {
	Name     string
	Doc      string
	Eligible func(*population.Record) bool
	// FreePhone excludes citizens whose SIM number is the phone of another citizen's account
	// (a recycled number: registering or enrolling with it meets phone_in_use). That needs the
	// whole file, so Sample applies it after its pass.
	FreePhone bool
}

// Scenario is one load scenario.
type Scenario struct {
	Name    string
	Summary string
	// Script is the file name in scenarios/k6.
	Script string
	// Defaults are the options when no flag is given.
	Defaults Options
	// NeedsOperator is true when the scenario calls the police counter.
	NeedsOperator bool
	// FindMax is true when --find-max makes sense for the scenario.
	FindMax bool
	// Need is the fewest citizens a pool must yield for the scenario to run (1 when absent,
	// 0 for Optional pools).
	Need map[string]int
	// Optional names pools a run may find empty (the script then leaves that flow out).
	Optional []string
	// Want says how many citizens of each pool a run with o uses (an upper bound).
	Want func(o Options) map[string]int
	// Attack is true for an adversarial scenario: eidsim load reduces its eidsim_attack_*
	// metrics to attack.json in the run directory and prints the attacker's odds and the
	// defences that fired (results.Attack).
	Attack bool
}

// MaxSample is the most citizens sampled for one pool; a longer run reuses citizens, and the
// scripts count each reuse in eidsim_citizen_reused.
const MaxSample = 500_000

func reachable(c *population.Record) bool {
	return c.Account != nil && c.SIM.Phone != "" && c.Handset != population.HandsetNone &&
		c.Coverage != population.CoverageNone && c.Account.Phone == c.SIM.Phone
}

func active(c *population.Record) bool {
	return c.Account != nil && c.Account.AccountStatus() == population.AccountActive
}

func good4G(c *population.Record) bool { return c.Coverage == population.Coverage4G }

func bio(c *population.Record) float64 {
	if c.Traits == nil {
		return 1
	}
	return c.Traits.BiometricQuality
}

// Pools is every pool a script may open, by name.
var Pools = map[string]Pool{
	"login": {Doc: "active accounts whose OTP reaches the handset (account phone = SIM in hand, a handset, coverage)",
		Eligible: func(c *population.Record) bool { return active(c) && reachable(c) }},
	"login_ok": {Doc: "login, on 4G", Eligible: func(c *population.Record) bool { return active(c) && reachable(c) && good4G(c) }},
	"register": {Doc: "no account, a smartphone and a SIM",
		Eligible: func(c *population.Record) bool {
			return c.Account == nil && c.Handset == population.HandsetSmartphone && c.SIM.Phone != ""
		}},
	"register_ok": {Doc: "register, SIM in own name and on no other account, on 4G", FreePhone: true,
		Eligible: func(c *population.Record) bool {
			return c.Account == nil && c.Handset == population.HandsetSmartphone && c.SIM.Phone != "" && c.SIM.OwnerRegistered && good4G(c)
		}},
	"recover": {Doc: "every account not pending activation",
		Eligible: func(c *population.Record) bool {
			return c.Account != nil && c.Account.AccountStatus() != population.AccountPendingActivation
		}},
	"recover_ok": {Doc: "recover, active, OTP reaches the handset, on 4G",
		Eligible: func(c *population.Record) bool { return active(c) && reachable(c) && good4G(c) }},
	"activate": {Doc: "accounts pending activation",
		Eligible: func(c *population.Record) bool {
			return c.Account != nil && c.Account.AccountStatus() == population.AccountPendingActivation
		}},
	"activate_ok": {Doc: "activate, account phone = SIM in hand, a handset, on 4G",
		Eligible: func(c *population.Record) bool {
			return c.Account != nil && c.Account.AccountStatus() == population.AccountPendingActivation &&
				c.Account.Phone == c.SIM.Phone && c.SIM.Phone != "" && c.Handset != population.HandsetNone && good4G(c)
		}},
	"enrol": {Doc: "no level-2 account and a SIM (they come to the counter)",
		Eligible: func(c *population.Record) bool {
			return (c.Account == nil || c.Account.Level == 1) && c.SIM.Phone != ""
		}},
	"enrol_upgrade_ok": {Doc: "active level-1 account, SIM in own name, OTP reaches the handset, on 4G, biometric quality ≥ 0.9",
		Eligible: func(c *population.Record) bool {
			return active(c) && c.Account.Level == 1 && c.SIM.OwnerRegistered && reachable(c) && good4G(c) && bio(c) >= 0.9
		}},
	"enrol_new_ok": {Doc: "no account, SIM in own name and on no other account, a handset, on 4G, biometric quality ≥ 0.9", FreePhone: true,
		Eligible: func(c *population.Record) bool {
			return c.Account == nil && c.SIM.Phone != "" && c.SIM.OwnerRegistered && c.Handset != population.HandsetNone && good4G(c) && bio(c) >= 0.9
		}},
}

func init() {
	for n, p := range Pools {
		p.Name = n
		Pools[n] = p
	}
}

// iterations is the upper bound of iterations at rate for d, with a margin.
func iterations(rate float64, d time.Duration, share float64) int {
	n := int(rate*share*d.Seconds()*1.1) + 5
	return min(n, MaxSample)
}

// Scenarios is the catalogue.
var Scenarios = map[string]*Scenario{
	"smoke": {
		Name: "smoke", Script: "smoke.js", NeedsOperator: true,
		// Activation of a counter-created account also runs inside enrolNew (capture →
		// enrolment → activation); the standalone flow needs a pending account in the file.
		Optional: []string{"activate_ok"},
		Need:     map[string]int{"login_ok": 3},
		Summary:  "each flow once (login bound / new device / wrong password, registration, recovery, activation, counter enrolment); every check must pass",
		Defaults: Options{Rate: 1, Duration: 16 * time.Second, VUs: 1, OTPWait: 30 * time.Second},
		Want: func(Options) map[string]int {
			// More than one each: the script gives every flow a citizen of its own.
			return map[string]int{"login_ok": 8, "register_ok": 4, "recover_ok": 8, "activate_ok": 4, "enrol_upgrade_ok": 8, "enrol_new_ok": 4}
		},
	},
	"login-throughput": {
		Name: "login-throughput", Script: "login-throughput.js", FindMax: true,
		Summary:  "ramping arrival rate of logins by existing accounts: bound devices, new devices with OTP, a share of wrong passwords",
		Defaults: Options{Rate: 20, Duration: 30 * time.Second, VUs: 300, OTPWait: 20 * time.Second},
		Want:     func(o Options) map[string]int { return map[string]int{"login": iterations(o.Rate, o.Duration, 1)} },
	},
	"deadline-surge": {
		Name: "deadline-surge", Script: "deadline-surge.js",
		Optional: []string{"register", "activate", "recover"},
		Summary:  "one compressed deadline day modelled on the 1 Jul 2024 switch: logins move to the e-ID, registrations, activations and recoveries rise",
		Defaults: Options{Rate: 20, Duration: 48 * time.Second, VUs: 300, OTPWait: 20 * time.Second},
		Want: func(o Options) map[string]int {
			return map[string]int{"login": iterations(o.Rate, o.Duration, 0.72), "register": iterations(o.Rate, o.Duration, 0.12),
				"activate": iterations(o.Rate, o.Duration, 0.06), "recover": iterations(o.Rate, o.Duration, 0.10)}
		},
	},
	"recovery-storm": {
		Name: "recovery-storm", Script: "recovery-storm.js",
		Summary:  "forgotten passwords after a mandatory switch; outcomes by cause and segment",
		Defaults: Options{Rate: 10, Duration: 30 * time.Second, VUs: 400, OTPWait: 20 * time.Second},
		Want:     func(o Options) map[string]int { return map[string]int{"recover": iterations(o.Rate, o.Duration, 1)} },
	},
	"rp-login": {
		Name: "rp-login", Script: "rp-login.js", FindMax: true,
		Summary:  "login with VNeID: the OpenID Connect code flow with PKCE as a relying party's back end drives it (eidsim serve --clients FILE with client load-rp); --mix compare=1 compares logins/s with direct logins",
		Defaults: Options{Rate: 20, Duration: 30 * time.Second, VUs: 300, OTPWait: 20 * time.Second},
		Want:     func(o Options) map[string]int { return map[string]int{"login": iterations(o.Rate, o.Duration, 1)} },
	},
	"counter-enrolment": {
		Name: "counter-enrolment", Script: "counter-enrolment.js", NeedsOperator: true, FindMax: true,
		Summary:  "level-2 enrolment at police counters: capture → enrolment → activation",
		Defaults: Options{Rate: 5, Duration: 30 * time.Second, VUs: 300, OTPWait: 20 * time.Second},
		Want:     func(o Options) map[string]int { return map[string]int{"enrol": iterations(o.Rate, o.Duration, 1)} },
	},

	// Adversarial scenarios (scenarios/k6/attack-*.js): the rate is the attacker's targets (or
	// requests) per second. They measure the service's defences, whatever they are.
	"otp-bruteforce": {
		Name: "otp-bruteforce", Script: "attack-otp-bruteforce.js", Attack: true,
		Summary:  "account takeover through recovery from public data: random OTP guesses until the service refuses, and the OTP read from the victim's simulated handset without a token",
		Defaults: Options{Rate: 2, Duration: 20 * time.Second, VUs: 50, OTPWait: 10 * time.Second},
		Want:     func(o Options) map[string]int { return map[string]int{"recover": iterations(o.Rate, o.Duration, 1)} },
	},
	"credential-stuffing": {
		Name: "credential-stuffing", Script: "attack-credential-stuffing.js", Attack: true, Optional: []string{"register"},
		Summary:  "breach-list pairs and the three commonest passwords, a new citizen ID on every try (below any per-account lock)",
		Defaults: Options{Rate: 20, Duration: 20 * time.Second, VUs: 100, OTPWait: 10 * time.Second},
		Want: func(o Options) map[string]int {
			return map[string]int{"login": iterations(o.Rate, o.Duration, 1), "register": iterations(o.Rate, o.Duration, 0.5)}
		},
	},
	"sms-pumping": {
		Name: "sms-pumping", Script: "attack-sms-pumping.js", Attack: true, Optional: []string{"recover"},
		Summary:  "SMS toll fraud: registrations and recoveries with public data and blocks of sequential numbers, and immediate resends; the harness counts what reached each number",
		Defaults: Options{Rate: 10, Duration: 20 * time.Second, VUs: 100, OTPWait: 10 * time.Second},
		Want: func(o Options) map[string]int {
			n := iterations(o.Rate, o.Duration, 1)/5 + 2
			return map[string]int{"register": n, "recover": n}
		},
	},
	"lockout-dos": {
		Name: "lockout-dos", Script: "attack-lockout-dos.js", Attack: true,
		Summary:  "denial by lockout (wrong passwords for a known citizen ID) and by silencing the phone (recoveries with made-up data), then the victim's own login or recovery",
		Defaults: Options{Rate: 5, Duration: 20 * time.Second, VUs: 50, OTPWait: 10 * time.Second},
		Want:     func(o Options) map[string]int { return map[string]int{"login": iterations(o.Rate, o.Duration, 1)} },
	},
	"enumeration": {
		Name: "enumeration", Script: "attack-enumeration.js", Attack: true,
		Summary:  "which citizen IDs have an account: status, answer shape and timing of login, recovery, registration and lockout, and the /metrics side channel",
		Defaults: Options{Rate: 2, Duration: 20 * time.Second, VUs: 20, OTPWait: 10 * time.Second},
		Want: func(o Options) map[string]int {
			n := iterations(o.Rate, o.Duration, 0.5) + 10
			return map[string]int{"login": n, "register": n}
		},
	},
	"overload": {
		Name: "overload", Script: "attack-overload.js", Attack: true,
		Summary:  "a login crowd at a multiple of the knee (default 75/s; set --rate to 3× the knee that login-throughput --find-max measured: 270/s on a quiet 2-core machine with argon2id) between a baseline and an after phase: goodput, admitted p99, 429/503 shares, time back to normal",
		Defaults: Options{Rate: 75, Duration: 20 * time.Second, VUs: 300, OTPWait: 10 * time.Second},
		Want: func(o Options) map[string]int {
			return map[string]int{"login": min(iterations(o.Rate, o.Duration, 1), 5000)}
		},
	},
}

// Lookup returns the named scenario, or an error that lists the known names.
func Lookup(name string) (*Scenario, error) {
	if s, ok := Scenarios[name]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(Names(), ", "))
}

// MinCitizens is the fewest citizens pool must yield for s to run.
func (s *Scenario) MinCitizens(pool string) int {
	if n, ok := s.Need[pool]; ok {
		return n
	}
	for _, p := range s.Optional {
		if p == pool {
			return 0
		}
	}
	return 1
}

// Names returns the scenario names, sorted.
func Names() []string {
	var ns []string
	for n := range Scenarios {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}
