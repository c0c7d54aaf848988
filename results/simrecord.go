package results

// The records of a campaign simulation (eidsim simulate): scenarios/campaign writes them,
// results/report reads them. Figures are at full scale (simulated counts ÷ scale).

// SimSummary is summary.json (SimSummaryFile): the headline figures of one simulated
// campaign over its replicas.
type SimSummary struct {
	Campaign  string            `json:"campaign"`
	Citizens  int               `json:"citizens"`
	Scale     float64           `json:"scale"`
	Seed      uint64            `json:"seed"`
	Replicas  int               `json:"replicas"`
	End       map[string]Band   `json:"end"`
	Deadlines []DeadlineSummary `json:"deadlines"`
	Reported  []ReportedSummary `json:"reported"`
	Totals    map[string]Band   `json:"totals"`
	Causes    map[string]Band   `json:"barriers_met"`
}

// DeadlineSummary says whether and when a deadline's target was met.
type DeadlineSummary struct {
	Name   string `json:"name"`
	Date   string `json:"date"`
	Metric string `json:"metric"`
	Target int    `json:"target"`
	// AtDeadline is the metric on the deadline day (full scale).
	AtDeadline Band `json:"at_deadline"`
	// Shortfall is target − value at the deadline, when positive.
	Shortfall Band `json:"shortfall"`
	// MetShare is the share of replicas that met the target by the date.
	MetShare float64 `json:"met_share"`
	// ReachedDay is the day index (from start) the target was reached, over the replicas that
	// reached it within the simulated days; ReachedDate is the date of its mean.
	ReachedDay  Band   `json:"reached_day"`
	ReachedDate string `json:"reached_date,omitempty"`
}

// ReportedSummary compares a simulated figure with a reported one.
type ReportedSummary struct {
	Date      string  `json:"date"`
	Metric    string  `json:"metric"`
	Reported  int     `json:"reported"`
	Simulated Band    `json:"simulated"`
	ErrorPct  float64 `json:"error_pct"`
	Fit       bool    `json:"fit"`
	Source    string  `json:"source,omitempty"`
}

// CapacityResult is capacity.json (CapacityFile): the fewest kits (or lowest SMS rate) that
// meets a deadline's target.
type CapacityResult struct {
	Lever    string  `json:"lever"`
	Deadline string  `json:"deadline"`
	Date     string  `json:"date"`
	Metric   string  `json:"metric"`
	Target   int     `json:"target"`
	Current  float64 `json:"current"`
	// Answer is the lowest value that met the target (NaN-free: 0 with Found false when even
	// the upper bound did not).
	Answer float64 `json:"answer"`
	Found  bool    `json:"found"`
	// Binds is false when every probe met the target: the lever does not limit this deadline
	// down to the search's floor (1 kit, or 0.01 SMS/s).
	Binds  bool            `json:"binds"`
	Probes []CapacityProbe `json:"probes"`
	// Rule says when a probe counts as meeting the target.
	Rule string `json:"rule"`
}

// CapacityProbe is one full run of a capacity search at one value of the lever.
type CapacityProbe struct {
	Value    float64 `json:"value"`
	AtTarget Band    `json:"at_deadline"`
	Met      bool    `json:"met"`
}
