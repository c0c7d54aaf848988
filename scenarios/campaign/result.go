package campaign

import "time"

// DayStats are one simulated day's figures. Profiles, Activated and Level2 are cumulative
// counts in simulated citizens; the others count the day's events.
type DayStats struct {
	Date string `json:"date"`
	Day  int    `json:"day"`
	// Profiles: level-2 profiles collected at counters (first enrolments and upgrades).
	Profiles int `json:"profiles"`
	// Activated: accounts activated at least once; Level2: of them at level 2.
	Activated int `json:"activated"`
	Level2    int `json:"level2"`
	// ApprovedLevel1 and ApprovedLevel2: accounts issued (level-1 registrations; level-2
	// dossiers approved by the ministry's pipeline); Rejected: dossiers it rejected.
	ApprovedLevel1 int `json:"approved_level1"`
	ApprovedLevel2 int `json:"approved_level2"`
	Rejected       int `json:"rejected"`
	// ApprovalQueue: dossiers waiting for the ministry at the end of the day.
	ApprovalQueue int `json:"approval_queue"`

	Deciders                 int     `json:"deciders"`
	Registrations            int     `json:"registrations"`
	Enrolled                 int     `json:"enrolled"`
	Activations              int     `json:"activations"`
	WebActivations           int     `json:"web_activations"`
	WebActivationTries       int     `json:"web_activation_tries"`
	Logins                   int     `json:"logins"`
	LoginFailures            int     `json:"login_failures"`
	RecoveryOK               int     `json:"recovery_ok"`
	RecoveryFailedSwap       int     `json:"recovery_failed_sim_swapped"`
	RecoveryFailedNoCoverage int     `json:"recovery_failed_no_coverage"`
	RecoveryFailedOther      int     `json:"recovery_failed_other"`
	CounterResets            int     `json:"counter_resets"`
	PhoneChangesRequested    int     `json:"phone_changes_requested"`
	PhoneChanges             int     `json:"phone_changes"`
	CounterServed            int     `json:"counter_served"`
	CounterWaitDaysSum       float64 `json:"counter_wait_days_sum"`
	CounterQueue             int     `json:"counter_queue"`
	CounterGaveUp            int     `json:"counter_gave_up"`
	MobileServed             int     `json:"mobile_served"`
	FreeSIMs                 int     `json:"free_sims"`
	SIMsConverted            int     `json:"sims_converted"`
	SIMsCutOff               int     `json:"sims_cut_off"`
	SIMsStandardised         int     `json:"sims_standardised"`
	SMSSubmitted             int64   `json:"sms_submitted"`
	SMSDelivered             int64   `json:"sms_delivered"`
	SMSExpired               int64   `json:"sms_expired"`
	SMSUndelivered           int64   `json:"sms_undelivered"`
	SMSThrottled             int64   `json:"sms_throttled"`
	// Failures counts the barriers met today, by cause.
	Failures [nCauses]int `json:"-"`
}

// Outcome is a citizen's state at the end of the run.
type Outcome struct {
	Outcome string
	Cause   string
}

// FunnelRow counts citizens of one segment with one outcome and cause.
type FunnelRow struct {
	Dimension string
	Value     string
	Outcome   string
	Cause     string
	Count     int
}

// Result is one replica's output.
type Result struct {
	Replica int
	Scale   float64
	Start   time.Time
	Daily   []DayStats
	Funnel  []FunnelRow
	// Citizens is the number of simulated citizens.
	Citizens int
	// Segments are the end-of-run counts per segment, in a fixed order.
	Segments []SegmentStats
	// FlowEvents are the sessions the flow events added, by day and hour (eventsim.go).
	FlowEvents []FlowEventHour
}

// SegmentStats counts a segment's citizens and how many of them have a level-2 profile, an
// activated account and an activated level-2 account at the end.
type SegmentStats struct {
	Dimension, Value              string
	Citizens, Profiles, Activated int
	Level2                        int
}

func (s *sim) outcome(c *citizen) (string, string) {
	cause := causeNames[c.cause]
	switch c.stage {
	case stActive:
		if c.level >= 2 {
			return "active_level2", "none"
		}
		return "active_level1", "none"
	case stPending:
		if c.cause == causeNone {
			return "pending_activation", "none"
		}
		return "pending_activation", cause
	case stQueued:
		return "in_progress", cause
	case stApproval:
		return "awaiting_approval", "none"
	case stBlocked:
		return "blocked", cause
	case stLocked:
		return "locked_out", cause
	}
	if c.cause == causeNone {
		return "not_reached", "none"
	}
	return "gave_up", cause
}

type segKey struct{ dim, val, out, cause string }

func (s *sim) result() *Result {
	counts := map[segKey]int{}
	var order []segKey
	add := func(k segKey) {
		if _, ok := counts[k]; !ok {
			order = append(order, k)
		}
		counts[k]++
	}
	segIdx := map[[2]string]int{}
	var segs []SegmentStats
	for i := range s.cit {
		c := &s.cit[i]
		out, cause := s.outcome(c)
		eth := "kinh"
		if c.minority {
			eth = "minority"
		}
		urb := "rural"
		if c.urban {
			urb = "urban"
		}
		for _, dv := range [...][2]string{{"all", "all"}, {"ethnicity", eth}, {"handset", handsetNames[c.hs0]},
			{"coverage", coverageNames[c.cov]}, {"sim", simNames[c.sim0]}, {"poverty", povertyNames[c.poverty]},
			{"age", ageBandNames[c.ageBand]}, {"residence", urb}} {
			add(segKey{dv[0], dv[1], out, cause})
			k, ok := segIdx[dv]
			if !ok {
				k = len(segs)
				segIdx[dv] = k
				segs = append(segs, SegmentStats{Dimension: dv[0], Value: dv[1]})
			}
			st := &segs[k]
			st.Citizens++
			if c.level >= 2 {
				st.Profiles++
			}
			if c.activated {
				st.Activated++
				if c.level >= 2 {
					st.Level2++
				}
			}
		}
	}
	rows := make([]FunnelRow, 0, len(order))
	for _, k := range order {
		rows = append(rows, FunnelRow{Dimension: k.dim, Value: k.val, Outcome: k.out, Cause: k.cause, Count: counts[k]})
	}
	return &Result{Replica: s.replica, Scale: s.scale, Start: s.c.Start.Time, Daily: s.daily, Funnel: rows, Citizens: len(s.cit), Segments: segs, FlowEvents: s.flowEv}
}
