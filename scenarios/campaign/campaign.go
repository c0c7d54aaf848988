package campaign

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/eidsim/eidsim/internal/yamlerr"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/eidsim/eidsim/scenarios/campaigns"
	"github.com/eidsim/eidsim/scenarios/evidence"
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
	// CounterActivationShare is the share of enrolled smartphone holders whom the officer
	// helps activate on the spot (in town, with coverage).
	CounterActivationShare float64 `yaml:"counter_activation_share"`
	// ActivationDelayDays is the mean delay between enrolment and the first activation try.
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

// Error is a problem in a campaign file: the file, the line (0 when unknown), the field (a
// dotted path such as "counters.kits" or "outreach[1].intensity") and why.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString("field " + e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Builtin returns the names of the embedded campaigns, sorted.
func Builtin() []string { return campaigns.Names() }

// Load returns the built-in campaign with that name, or else reads the file at that path.
func Load(nameOrFile string) (*Campaign, error) {
	if b, err := campaigns.Read(nameOrFile); err == nil {
		return Parse(b, "builtin:"+nameOrFile)
	}
	b, err := os.ReadFile(nameOrFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{File: nameOrFile, Msg: fmt.Sprintf("no such file and no built-in campaign of that name (built-in: %s)",
				strings.Join(Builtin(), ", "))}
		}
		return nil, &Error{File: nameOrFile, Msg: err.Error()}
	}
	return Parse(b, nameOrFile)
}

// Parse decodes and checks a campaign; file names it in errors.
func Parse(data []byte, file string) (*Campaign, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlErr(file, &root, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Error{File: file, Msg: "empty campaign file"}
	}
	c := Campaign{Behaviour: DefaultBehaviour()}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, yamlErr(file, &root, err)
	}
	c.File = file
	c.applyDefaults()
	if err := c.check(); err != nil {
		var fe *fieldErr
		if errors.As(err, &fe) {
			return nil, &Error{File: file, Line: lineOf(&root, fe.field), Field: fe.field, Msg: fe.msg}
		}
		return nil, &Error{File: file, Msg: err.Error()}
	}
	if err := c.addEvidence(); err != nil {
		return nil, &Error{File: file, Field: "evidence", Msg: err.Error()}
	}
	return &c, nil
}

// yamlErr turns a yaml.v3 error into an Error with the line and, when the message names it,
// the field (found by its line in the node tree).
func yamlErr(file string, root *yaml.Node, err error) error {
	pr := yamlerr.Describe(err)
	e := &Error{File: file, Line: pr.Line, Field: pr.Field, Msg: pr.Msg}
	if e.Line > 0 {
		if f := fieldAtLine(root, e.Line); f != "" {
			e.Field = f // the dotted path, e.g. counters.kitz
		}
	}
	return e
}

// fieldErr is a check failure on a dotted field path.
type fieldErr struct{ field, msg string }

func (e *fieldErr) Error() string { return e.field + ": " + e.msg }

func ferr(field, format string, args ...any) error {
	return &fieldErr{field: field, msg: fmt.Sprintf(format, args...)}
}

// lineOf finds the line of a dotted field path ("a.b[2].c") in the document; 0 when absent.
func lineOf(root *yaml.Node, field string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, part := range strings.Split(field, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			name = part[:i]
			idx, _ = strconv.Atoi(strings.TrimSuffix(part[i+1:], "]"))
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				line = n.Content[i].Line
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// fieldAtLine returns the dotted path of the key or value on a line; "" when none.
func fieldAtLine(root *yaml.Node, line int) string {
	var walk func(n *yaml.Node, path string) string
	walk = func(n *yaml.Node, path string) string {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if p := walk(c, path); p != "" {
					return p
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k.Line == line || (v.Kind == yaml.ScalarNode && v.Line == line) {
					return p
				}
				if q := walk(v, p); q != "" {
					return q
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				if c.Kind == yaml.ScalarNode && c.Line == line {
					return p
				}
				if q := walk(c, p); q != "" {
					return q
				}
			}
		}
		return ""
	}
	return walk(root, "")
}

func (c *Campaign) applyDefaults() {
	b := &c.Behaviour
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&b.DeadlineBoost, 1)
	def(&b.ActivationDelayDays, 3)
	def(&b.RetryDays, 7)
	def(&b.QueueDaysPerPatience, 2)
	def(&b.LoginsPerYear, 6)
	def(&b.StandardiseDays, 14)
	def(&b.ForgetPerYear, 0.5)
	def(&b.TypoRate, 0.05)
	if b.Patience == 0 {
		b.Patience = 3
	}
	if b.DeadlineWindowDays == 0 {
		b.DeadlineWindowDays = 30
	}
	def(&c.Counters.HoursPerDay, 8)
	def(&c.Counters.MinutesPerEnrolment, 4)
	if c.Counters.DaysPerWeek == 0 {
		c.Counters.DaysPerWeek = 6
	}
}

var metrics = map[string]bool{MetricProfiles: true, MetricActivated: true, MetricLevel2: true}

// reportedMetric reports whether a reported figure may name metric: the deadline metrics or
// any metric of the evidence table.
func reportedMetric(metric string) bool { return metrics[metric] || evidence.IsMetric(metric) }

var outreachKinds = map[string]bool{"door_to_door": true, "holiday_push": true, "bus_station": true, "media": true, "other": true}

func share(field string, v float64) error {
	if v < 0 || v > 1 {
		return ferr(field, "%v is not a share in [0,1]", v)
	}
	return nil
}

func nonNeg(field string, v float64) error {
	if v < 0 {
		return ferr(field, "%v is negative", v)
	}
	return nil
}

// Truncate returns a copy simulating only the first days days, without the deadlines and
// reported figures that fall after them (windows are clipped by the engine's date checks).
func (c *Campaign) Truncate(days int) *Campaign {
	cp := *c
	if days <= 0 || days >= c.Days {
		return &cp
	}
	cp.Days = days
	end := cp.End()
	cp.Deadlines = nil
	for _, d := range c.Deadlines {
		if d.Date.Before(end) {
			cp.Deadlines = append(cp.Deadlines, d)
		}
	}
	cp.Reported = nil
	for _, r := range c.Reported {
		if r.Date.Before(end) {
			cp.Reported = append(cp.Reported, r)
		}
	}
	return &cp
}

// End is the day after the last simulated day.
func (c *Campaign) End() time.Time { return c.Start.AddDate(0, 0, c.Days) }

func (c *Campaign) inRange(field string, d Date) error {
	if d.IsZero() {
		return ferr(field, "date is required")
	}
	if d.Before(c.Start.Time) || !d.Before(c.End()) {
		return ferr(field, "%s is outside the simulated days %s to %s", d, c.Start, c.End().AddDate(0, 0, -1).Format("2006-01-02"))
	}
	return nil
}

func (c *Campaign) window(field string, from, to Date) error {
	if err := c.inRange(field+".from", from); err != nil {
		return err
	}
	if to.IsZero() {
		return ferr(field+".to", "date is required")
	}
	if to.Before(from.Time) {
		return ferr(field+".to", "%s is before from %s", to, from)
	}
	return nil
}

func (c *Campaign) check() error {
	if c.Name == "" {
		return ferr("name", "required")
	}
	if err := c.checkEvents(); err != nil {
		return err
	}
	p := c.Population
	switch {
	case p.File != "" && (p.Profile != "" || p.Count != 0):
		return ferr("population.file", "give either file or profile and count, not both")
	case p.File == "" && p.Profile == "":
		return ferr("population.profile", "required (or population.file)")
	case p.File == "" && p.Count <= 0:
		return ferr("population.count", "must be positive")
	case p.RealAdults < 0:
		return ferr("population.real_adults", "is negative")
	}
	if c.Start.IsZero() {
		return ferr("start", "required")
	}
	if c.Days <= 0 || c.Days > 3660 {
		return ferr("days", "%d is not in 1..3660", c.Days)
	}
	for i, d := range c.Deadlines {
		f := fmt.Sprintf("deadlines[%d]", i)
		if err := c.inRange(f+".date", d.Date); err != nil {
			return err
		}
		if !metrics[d.Metric] {
			return ferr(f+".metric", "%q is not one of profiles, activated, level2", d.Metric)
		}
		if d.Target <= 0 {
			return ferr(f+".target", "must be positive")
		}
	}
	for i, r := range c.Reported {
		f := fmt.Sprintf("reported[%d]", i)
		if err := c.inRange(f+".date", r.Date); err != nil {
			return err
		}
		if !reportedMetric(r.Metric) {
			return ferr(f+".metric", "%q is not one of profiles, activated, level2 or an evidence metric (%s)", r.Metric, strings.Join(evidenceMetricNames(), ", "))
		}
		if r.Value <= 0 {
			return ferr(f+".value", "must be positive")
		}
	}
	if err := c.checkEvidence(); err != nil {
		return err
	}
	if err := c.checkPriors(); err != nil {
		return err
	}
	b := c.Behaviour
	for _, x := range []struct {
		f string
		v float64
	}{{"behaviour.bass_p", b.BassP}, {"behaviour.bass_q", b.BassQ}, {"behaviour.retry_days", b.RetryDays},
		{"behaviour.activation_delay_days", b.ActivationDelayDays}, {"behaviour.logins_per_year", b.LoginsPerYear},
		{"behaviour.forget_per_year", b.ForgetPerYear}, {"behaviour.queue_days_per_patience", b.QueueDaysPerPatience},
		{"behaviour.standardise_days", b.StandardiseDays}} {
		if err := nonNeg(x.f, x.v); err != nil {
			return err
		}
	}
	if b.BassP == 0 && b.BassQ == 0 {
		return ferr("behaviour.bass_p", "bass_p and bass_q are both zero: nobody would ever act")
	}
	if b.DeadlineBoost < 1 {
		return ferr("behaviour.deadline_boost", "%v is below 1", b.DeadlineBoost)
	}
	for _, x := range []struct {
		f string
		v float64
	}{{"behaviour.self_register_share", b.SelfRegisterShare}, {"behaviour.upgrade_share", b.UpgradeShare}, {"behaviour.typo_rate", b.TypoRate},
		{"behaviour.standardise_share", b.StandardiseShare}, {"behaviour.counter_activation_share", b.CounterActivationShare}} {
		if err := share(x.f, x.v); err != nil {
			return err
		}
	}
	if b.Patience < 1 || b.DeadlineWindowDays < 1 {
		return ferr("behaviour.patience", "patience and deadline_window_days must be at least 1")
	}
	if err := c.checkParams(); err != nil {
		return err
	}
	k := c.Counters
	switch {
	case k.Kits < 0:
		return ferr("counters.kits", "is negative")
	case k.HoursPerDay <= 0 || k.HoursPerDay > 24:
		return ferr("counters.hours_per_day", "%v is not in (0,24]", k.HoursPerDay)
	case k.MinutesPerEnrolment <= 0:
		return ferr("counters.minutes_per_enrolment", "must be positive")
	case k.DaysPerWeek < 1 || k.DaysPerWeek > 7:
		return ferr("counters.days_per_week", "%d is not in 1..7", k.DaysPerWeek)
	}
	if err := nonNeg("sms.rate_per_second", c.SMS.RatePerSecond); err != nil {
		return err
	}
	for i, o := range c.Outreach {
		f := fmt.Sprintf("outreach[%d]", i)
		if !outreachKinds[o.Kind] {
			return ferr(f+".kind", "%q is not one of door_to_door, holiday_push, bus_station, media, other", o.Kind)
		}
		if err := c.window(f, o.From, o.To); err != nil {
			return err
		}
		if o.Intensity < 0 {
			return ferr(f+".intensity", "is negative")
		}
	}
	iv := c.Interventions
	for i, x := range iv.FreeSIMs {
		f := fmt.Sprintf("interventions.free_sims[%d]", i)
		if err := c.inRange(f+".date", x.Date); err != nil {
			return err
		}
		if x.Count <= 0 {
			return ferr(f+".count", "must be positive")
		}
	}
	for i, x := range iv.OwnerCleanup {
		f := fmt.Sprintf("interventions.owner_cleanup[%d]", i)
		if err := c.inRange(f+".date", x.Date); err != nil {
			return err
		}
		if err := share(f+".converted", x.Converted); err != nil {
			return err
		}
		if err := share(f+".cut_off", x.CutOff); err != nil {
			return err
		}
		if err := share(f+".rebuy", x.Rebuy); err != nil {
			return err
		}
		if x.Converted+x.CutOff > 1 {
			return ferr(f+".cut_off", "converted + cut_off = %v exceeds 1", x.Converted+x.CutOff)
		}
	}
	for i, x := range iv.WebActivation {
		f := fmt.Sprintf("interventions.web_activation[%d]", i)
		if err := c.window(f, x.From, x.To); err != nil {
			return err
		}
		if x.Teams <= 0 || x.PerTeamPerDay <= 0 {
			return ferr(f+".teams", "teams and per_team_per_day must be positive")
		}
	}
	for i, x := range iv.MobileEnrolment {
		f := fmt.Sprintf("interventions.mobile_enrolment[%d]", i)
		if err := c.window(f, x.From, x.To); err != nil {
			return err
		}
		if x.Teams <= 0 || x.PerTeamPerDay <= 0 {
			return ferr(f+".teams", "teams and per_team_per_day must be positive")
		}
	}
	return nil
}
