package campaign

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Campaign is one campaign definition (a YAML file; see scenarios/campaigns/README.md).
type Campaign struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	// Population says who lives through the campaign.
	Population Population `yaml:"population"`
	// Start is the first simulated day; Days how many days are simulated.
	Start Date `yaml:"start"`
	Days  int  `yaml:"days"`
	// Deadlines are the targets the capacity planner asks about.
	Deadlines []Deadline `yaml:"deadlines"`
	// Evidence names the area of the evidence table (scenarios/evidence) whose published
	// figures this campaign is compared with: vietnam, dien-bien, muong-ang, nghe-an, kon-tum.
	Evidence string `yaml:"evidence"`
	// Reported are figures of one's own the run is compared against, in addition to the
	// evidence area's (a user's campaign file may carry them; the built-in ones use evidence).
	Reported []Reported `yaml:"reported"`
	// Priors are the calibration's prior distributions of behaviour parameters.
	Priors    []Prior   `yaml:"priors"`
	Behaviour Behaviour `yaml:"behaviour"`
	Counters  Counters  `yaml:"counters"`
	SMS       SMS       `yaml:"sms"`
	// Outreach is the campaign intensity over time (door-to-door teams, holiday pushes,
	// bus-station stands): each window multiplies the external adoption pressure.
	Outreach      []Outreach    `yaml:"outreach"`
	Interventions Interventions `yaml:"interventions"`
	// Events are dated flow events (event.go): a flow's hazard raised for some hours.
	Events []FlowEvent `yaml:"events"`

	// File is where the definition came from (not decoded).
	File string `yaml:"-"`
}

// Population is a profile and a size, or a population file.
type Population struct {
	// Profile names a built-in province profile (generators/profile) or a profile file.
	Profile string `yaml:"profile"`
	// Count is how many citizens aged 14+ are simulated.
	Count int `yaml:"count"`
	// RealAdults is how many people aged 14+ live in the real area; the scale factor of a run
	// is Count / RealAdults. Zero means the profile's population × its share aged 14+.
	RealAdults int `yaml:"real_adults"`
	// File is a population JSON Lines file (instead of Profile and Count).
	File string `yaml:"file"`
	// Source says where RealAdults comes from.
	Source string `yaml:"source"`
}

// Deadline is a target to meet by a date.
type Deadline struct {
	Name   string `yaml:"name"`
	Date   Date   `yaml:"date"`
	Metric string `yaml:"metric"`
	// Target is the count at full scale (it is scaled with the population).
	Target int `yaml:"target"`
}

// Reported is a published figure: metric on date at full scale.
type Reported struct {
	Date   Date   `yaml:"date"`
	Metric string `yaml:"metric"`
	Value  int    `yaml:"value"`
	// Fit is true when the behaviour parameters were fitted to this figure (in-sample).
	Fit    bool   `yaml:"fit"`
	Source string `yaml:"source"`
	// ID is the evidence point's id when the figure comes from the evidence table.
	ID string `yaml:"-"`
	// Kind is the evidence kind (count, at_least, about); "" for one's own figures (a count).
	Kind string `yaml:"-"`
}

// Metrics a deadline or a reported figure may name.
const (
	MetricProfiles  = "profiles"  // level-2 profiles collected at counters (enrolments)
	MetricActivated = "activated" // accounts activated (level 1 or 2)
	MetricLevel2    = "level2"    // activated level-2 accounts
)

// Behaviour holds the citizen model's parameters (see the package documentation).
type Behaviour struct {
	// BassP and BassQ are the Bass coefficients of innovation and imitation, per year.
	BassP float64 `yaml:"bass_p"`
	BassQ float64 `yaml:"bass_q"`
	// DeadlineBoost multiplies the hazard on the deadline day; it rises linearly from 1 over
	// DeadlineWindowDays before each deadline.
	DeadlineBoost      float64 `yaml:"deadline_boost"`
	DeadlineWindowDays int     `yaml:"deadline_window_days"`
	// SelfRegisterShare is the share of deciders able to register in the app (smartphone, SIM
	// in their name) who try level 1 at home first rather than going to a counter.
	SelfRegisterShare float64 `yaml:"self_register_share"`
	// UpgradeShare is the share of level-1 holders who later go to a counter for level 2.
	UpgradeShare float64 `yaml:"upgrade_share"`
	// CounterActivationShare is the share of smartphone holders whose dossier the ministry
	// approves the day it was taken whom the officer activates on the spot (pipeline.go).
	CounterActivationShare float64 `yaml:"counter_activation_share"`
	// ActivationDelayDays is the mean delay before the first activation try of an account a
	// population file holds pending at the start (approved accounts of the run follow the
	// activation hazard, activation.go).
	ActivationDelayDays float64 `yaml:"activation_delay_days"`
	// RetryDays is the mean delay before a citizen retries a flow that failed.
	RetryDays float64 `yaml:"retry_days"`
	// QueueDaysPerPatience is how many days of counter queue one unit of the citizen's patience
	// tolerates before they give up the visit.
	QueueDaysPerPatience float64 `yaml:"queue_days_per_patience"`
	// StandardiseShare is the share of citizens told phone_not_owner who go to a carrier shop
	// to register their SIM in their own name (the shop needs a chip ID card), after a mean of
	// StandardiseDays; the others wait for an intervention.
	StandardiseShare float64 `yaml:"standardise_share"`
	StandardiseDays  float64 `yaml:"standardise_days"`
	// ActivationRate is the activation hazard, per year, of an approved account not yet
	// activated, before the holder's need (NeedUrban, NeedOld) and the pressure multiplier
	// (outreach and the national events).
	ActivationRate float64 `yaml:"activation_rate"`
	// NeedUrban and NeedOld multiply the activation hazard of urban residents and of people
	// aged 60+.
	NeedUrban float64 `yaml:"need_urban"`
	NeedOld   float64 `yaml:"need_old"`
	// ApprovalPerDay is the ministry's national approval capacity at the launch, dossiers a
	// day at full scale (a province gets its share in proportion to its adults);
	// ApprovalGrowthPerYear makes it grow linearly: capacity × (1 + growth × years).
	ApprovalPerDay        float64 `yaml:"approval_per_day"`
	ApprovalGrowthPerYear float64 `yaml:"approval_growth_per_year"`
	// RejectionShare is the share of dossiers the ministry rejects.
	RejectionShare float64 `yaml:"rejection_share"`
	// Pressure* are the hazard multipliers the national events add (scenarios/evidence
	// events.yaml): Directive 05/CT-TTg, the single login of 1 Jul 2024, level 2 required
	// from 1 Jan 2025.
	PressureDirective05    float64 `yaml:"pressure_directive05"`
	PressureSingleLogin    float64 `yaml:"pressure_single_login"`
	PressureLevel2Required float64 `yaml:"pressure_level2_required"`
	// NeedGrowthPerYear makes the decision (p term) and activation hazards grow as services
	// move onto the account: × (1 + growth × years since the app's launch).
	NeedGrowthPerYear float64 `yaml:"need_growth_per_year"`
	// PressureHalfLifeDays is the half-life of an event's pressure after its end date (0:
	// it stops at once).
	PressureHalfLifeDays float64 `yaml:"pressure_half_life_days"`
	// PressureOnDecision is the share of the events' pressure that also drives the decision
	// hazard (the rest drives only the activation of accounts one holds).
	PressureOnDecision float64 `yaml:"pressure_on_decision"`
	// LoginsPerYear is how often an active account holder logs in.
	LoginsPerYear float64 `yaml:"logins_per_year"`
	// Defaults for citizens whose record has no traits.
	ForgetPerYear float64 `yaml:"forget_per_year"`
	TypoRate      float64 `yaml:"typo_rate"`
	Patience      int     `yaml:"patience"`
}

// Counters are the police enrolment counters.
type Counters struct {
	// Kits is the number of enrolment kits at full scale (scaled with the population).
	Kits                int     `yaml:"kits"`
	HoursPerDay         float64 `yaml:"hours_per_day"`
	MinutesPerEnrolment float64 `yaml:"minutes_per_enrolment"`
	// DaysPerWeek the counters open (5: Monday–Friday, 6: and Saturday, 7: every day).
	DaysPerWeek int `yaml:"days_per_week"`
}

// SMS is the SMS gateway.
type SMS struct {
	// RatePerSecond is each carrier's submit rate at full scale (scaled); 0 means unlimited.
	RatePerSecond float64 `yaml:"rate_per_second"`
}

// Outreach is one window of campaign intensity.
type Outreach struct {
	Kind      string  `yaml:"kind"`
	From      Date    `yaml:"from"`
	To        Date    `yaml:"to"`
	Intensity float64 `yaml:"intensity"`
}

// Interventions are the dated remedies.
type Interventions struct {
	FreeSIMs        []FreeSIMs        `yaml:"free_sims"`
	OwnerCleanup    []OwnerCleanup    `yaml:"owner_cleanup"`
	WebActivation   []WebActivation   `yaml:"web_activation"`
	MobileEnrolment []MobileEnrolment `yaml:"mobile_enrolment"`
}

// FreeSIMs hands Count owner-registered SIMs (full scale) to people blocked for want of one.
type FreeSIMs struct {
	Date  Date `yaml:"date"`
	Count int  `yaml:"count"`
}

// OwnerCleanup is a carrier clean-up of SIMs not in their user's name: Converted of them are
// re-registered in the user's name, CutOff are cut off (the number leaves the user).
type OwnerCleanup struct {
	Date      Date    `yaml:"date"`
	Converted float64 `yaml:"converted"`
	CutOff    float64 `yaml:"cut_off"`
	// Rebuy is the share of users cut off who buy a new SIM in their own name.
	Rebuy float64 `yaml:"rebuy"`
}

// WebActivation is community digital teams activating accounts on the web for people
// without a smartphone (the OTP goes to their feature phone).
type WebActivation struct {
	From Date `yaml:"from"`
	To   Date `yaml:"to"`
	// Teams at full scale (scaled); each activates PerTeamPerDay accounts a day at most.
	Teams         int `yaml:"teams"`
	PerTeamPerDay int `yaml:"per_team_per_day"`
}

// MobileEnrolment is mobile police teams enrolling in villages without coverage.
type MobileEnrolment struct {
	From          Date `yaml:"from"`
	To            Date `yaml:"to"`
	Teams         int  `yaml:"teams"`
	PerTeamPerDay int  `yaml:"per_team_per_day"`
}

// Date is a calendar day written YYYY-MM-DD.
type Date struct{ time.Time }

// UnmarshalYAML parses YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse("2006-01-02", n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a date YYYY-MM-DD", n.Line, n.Value)
	}
	d.Time = t
	return nil
}

// MarshalYAML writes YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.Format("2006-01-02"), nil }

// String is YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2006-01-02")
}
