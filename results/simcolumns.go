package results

// The columns of a simulation's CSV files that results/report reads by name. The writers in
// scenarios/campaign use these names in their headers (a test there checks every one is
// written), so a column is renamed in one place.

// Columns of daily.csv (DailyFile): one row per replica and date; counts are simulated
// (scaled-down) citizens. It has more columns than these (every one is drawn when numeric).
const (
	ColReplica         = "replica"
	ColDate            = "date"
	ColDay             = "day"
	ColProfiles        = "profiles"
	ColActivated       = "activated"
	ColActivatedLevel2 = "activated_level2"
	ColRegistrations   = "registrations"
	ColLogins          = "logins"
	ColSMSSubmitted    = "sms_submitted"
	ColCounterServed   = "counter_served"
	ColCounterQueue    = "counter_queue"
)

// Columns shared by funnel.csv and counterfactual.csv: the citizen segment.
const (
	ColDimension = "dimension" // sim, handset, coverage, ethnicity, age, …, or "all"
	ColValue     = "value"     // the segment within the dimension
)

// Columns of funnel.csv (FunnelFile) beyond the segment.
const (
	ColOutcome   = "outcome"
	ColCause     = "cause"
	ColShareMean = "share_mean"
)

// FunnelHeader is funnel.csv's header.
var FunnelHeader = []string{ColDimension, ColValue, ColOutcome, ColCause, "count_mean", "count_ci95_low", "count_ci95_high",
	ColShareMean, "share_ci95_low", "share_ci95_high"}

// Columns of counterfactual.csv (CounterfactualFile) beyond the segment: per metric, the
// campaign as run (base), without the interventions (alt) and their paired difference.
const (
	ColMetric       = "metric"
	ColBaseMean     = "base_mean"
	ColAltMean      = "alt_mean"
	ColDiffMean     = "diff_mean"
	ColDiffCI95Low  = "diff_ci95_low"
	ColDiffCI95High = "diff_ci95_high"
)

// CounterfactualHeader is counterfactual.csv's header.
var CounterfactualHeader = []string{ColDimension, ColValue, ColMetric, ColBaseMean, "base_ci95_low", "base_ci95_high",
	ColAltMean, "alt_ci95_low", "alt_ci95_high", ColDiffMean, ColDiffCI95Low, ColDiffCI95High, "bands_separate", "diff_excludes_zero"}
