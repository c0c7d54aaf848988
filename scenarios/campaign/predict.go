package campaign

import (
	"fmt"
	"strings"

	"github.com/eidsim/eidsim/scenarios/evidence"
)

// EvidenceArea is the evidence table's area this campaign is compared with ("" for none).
func (c *Campaign) EvidenceArea() string { return c.Evidence }

// EvidencePoints returns the built-in evidence points of the campaign's area whose dates fall
// within the simulated days, in date order.
func (c *Campaign) EvidencePoints() ([]evidence.Point, error) {
	if c.Evidence == "" {
		return nil, nil
	}
	tb, err := evidence.Builtin()
	if err != nil {
		return nil, err
	}
	var out []evidence.Point
	for _, p := range tb.Area(c.Evidence) {
		if !p.Date.Before(c.Start.Time) && p.Date.Before(c.End()) {
			out = append(out, p)
		}
	}
	return out, nil
}

// checkEvidence checks the evidence area exists in the built-in table.
func (c *Campaign) checkEvidence() error {
	if c.Evidence == "" {
		return nil
	}
	tb, err := evidence.Builtin()
	if err != nil {
		return err
	}
	if len(tb.Area(c.Evidence)) == 0 {
		return ferr("evidence", "%q is not an area of the evidence table (want one of %s)", c.Evidence, strings.Join(tb.Areas(), ", "))
	}
	return nil
}

// addEvidence appends the evidence points within the simulated days to Reported (not fitted),
// so summaries compare them like one's own figures.
func (c *Campaign) addEvidence() error {
	pts, err := c.EvidencePoints()
	if err != nil {
		return err
	}
	for _, p := range pts {
		c.Reported = append(c.Reported, Reported{Date: Date{p.Date.Time}, Metric: p.Metric, Value: int(p.Value),
			Source: "[" + p.Source + "]", ID: p.ID, Kind: p.Kind})
	}
	return nil
}

func evidenceMetricNames() []string {
	var out []string
	for _, m := range evidence.Metrics() {
		out = append(out, m.Name)
	}
	return out
}

// MetricValue returns a day's cumulative count of a metric, in simulated citizens: the
// deadline metrics (profiles, activated, level2) and every evidence metric, defined as in
// scenarios/evidence (dossiers = level-2 counter dossiers + level-1 registrations; approved =
// accounts issued by the ministry's pipeline, level-1 registrations included; activated
// counts levels 1 and 2, activated_level1 the activated accounts whose level is 1).
func MetricValue(d *DayStats, metric string) (int, bool) {
	switch metric {
	case MetricProfiles, evidence.ProfilesLevel2:
		return d.Profiles, true
	case MetricActivated: // = evidence.Activated
		return d.Activated, true
	case MetricLevel2, evidence.ActivatedLevel2:
		return d.Level2, true
	case evidence.ActivatedLevel1:
		return d.Activated - d.Level2, true
	case evidence.Dossiers:
		return d.Profiles + d.ApprovedLevel1, true
	case evidence.Approved:
		return d.ApprovedLevel1 + d.ApprovedLevel2, true
	case evidence.ApprovedLevel1:
		return d.ApprovedLevel1, true
	case evidence.ApprovedLevel2:
		return d.ApprovedLevel2, true
	case evidence.Rejected:
		return d.Rejected, true
	}
	return 0, false
}

// Predict returns the model's value of an evidence point in one replica: the point's metric
// on its date, at full scale (simulated count ÷ scale). An error when the date is not a
// simulated day or the metric is unknown.
func Predict(r *Result, p evidence.Point) (float64, error) {
	i := dayIndex(r, p.Date.String())
	if i < 0 {
		return 0, fmt.Errorf("evidence %s: %s is not a simulated day", p.ID, p.Date)
	}
	v, ok := MetricValue(&r.Daily[i], p.Metric)
	if !ok {
		return 0, fmt.Errorf("evidence %s: metric %q is unknown to the model", p.ID, p.Metric)
	}
	return float64(v) / r.Scale, nil
}
