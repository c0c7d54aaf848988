package evidence

// Metrics an evidence point may name. Each is a cumulative count of people (one account or
// dossier per person) in the area from the start of the national roll-out to the point's date.
const (
	// Dossiers: e-ID applications received (thu nhận hồ sơ định danh điện tử), levels 1 and 2
	// together — level-2 dossiers taken at police counters and level-1 registrations — as the
	// national and most provincial reports count them.
	Dossiers = "dossiers"
	// ProfilesLevel2: level-2 dossiers taken at police counters only.
	ProfilesLevel2 = "profiles_level2"
	// Approved: accounts issued by the ministry (dossiers approved), levels 1 and 2.
	Approved = "approved"
	// ApprovedLevel1 and ApprovedLevel2: approved accounts of that level.
	ApprovedLevel1 = "approved_level1"
	ApprovedLevel2 = "approved_level2"
	// Rejected: dossiers the ministry rejected.
	Rejected = "rejected"
	// Activated: accounts activated by their holder at least once, levels 1 and 2.
	Activated = "activated"
	// ActivatedLevel1 and ActivatedLevel2: activated accounts whose level is 1 (resp. 2).
	ActivatedLevel1 = "activated_level1"
	ActivatedLevel2 = "activated_level2"
)

// MetricInfo describes a metric in one line.
type MetricInfo struct {
	Name, Meaning string
}

// Metrics lists the metrics with their definitions, in a fixed order.
func Metrics() []MetricInfo {
	return []MetricInfo{
		{Dossiers, "e-ID dossiers received, levels 1 and 2 (counter dossiers + level-1 registrations)"},
		{ProfilesLevel2, "level-2 dossiers taken at police counters"},
		{Approved, "accounts issued by the ministry (dossiers approved), levels 1 and 2"},
		{ApprovedLevel1, "level-1 accounts issued"},
		{ApprovedLevel2, "level-2 accounts issued"},
		{Rejected, "dossiers rejected by the ministry"},
		{Activated, "accounts activated by their holder, levels 1 and 2"},
		{ActivatedLevel1, "activated accounts at level 1"},
		{ActivatedLevel2, "activated accounts at level 2"},
	}
}

// IsMetric reports whether name is a metric of the table.
func IsMetric(name string) bool {
	for _, m := range Metrics() {
		if m.Name == name {
			return true
		}
	}
	return false
}

// Kinds of figure.
const (
	// Count is the figure as published.
	Count = "count"
	// AtLeast: the source says "over" / "more than"; the true value is at least Value.
	AtLeast = "at_least"
	// About: the source rounds or says "about".
	About = "about"
)
