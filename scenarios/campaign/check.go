package campaign

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/eidsim/eidsim/scenarios/evidence"
)

// DefaultCount is how many citizens a profile campaign simulates when its file gives no
// population.count.
const DefaultCount = 10_000

func (c *Campaign) applyDefaults() {
	if c.Name == "" {
		// a campaign file may leave out its name: the file's, without the extension
		c.Name = strings.TrimSuffix(filepath.Base(strings.TrimPrefix(c.File, "builtin:")), filepath.Ext(c.File))
	}
	if c.Population.File == "" && c.Population.Count == 0 {
		c.Population.Count = DefaultCount
	}
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
	if err := c.checkEvents(); err != nil { // event.go
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
	case k.Kits < 0 && k.Kits != kitsUnset:
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
