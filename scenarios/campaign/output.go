package campaign

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/eidsim/eidsim/results"
)

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// WriteDaily writes every replica's daily series (simulated counts, not scaled).
func WriteDaily(w io.Writer, rs []*Result) error {
	cw := csv.NewWriter(w)
	head := []string{results.ColReplica, results.ColDate, results.ColDay, results.ColProfiles, results.ColActivated, "activated_level1", results.ColActivatedLevel2,
		"deciders", results.ColRegistrations, "enrolled", "activations", "web_activations", results.ColLogins, "login_failures",
		results.ColSMSSubmitted, "sms_delivered", "sms_expired", "sms_undelivered", "sms_throttled",
		"recovery_ok", "recovery_failed_sim_swapped", "recovery_failed_no_coverage", "recovery_failed_other",
		results.ColCounterServed, results.ColCounterQueue, "counter_mean_wait_days", "counter_gave_up", "mobile_served",
		"counter_resets", "phone_changes_requested", "phone_changes", "free_sims", "sims_converted", "sims_cut_off",
		"sims_standardised"}
	for k := uint8(1); k < nCauses; k++ {
		head = append(head, "barrier_"+causeNames[k])
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rs {
		for i := range r.Daily {
			d := &r.Daily[i]
			wait := 0.0
			if d.CounterServed > 0 {
				wait = d.CounterWaitDaysSum / float64(d.CounterServed)
			}
			row := []string{strconv.Itoa(r.Replica), d.Date, strconv.Itoa(d.Day)}
			for _, v := range []int{d.Profiles, d.Activated, d.Activated - d.Level2, d.Level2, d.Deciders, d.Registrations,
				d.Enrolled, d.Activations, d.WebActivations, d.Logins, d.LoginFailures} {
				row = append(row, strconv.Itoa(v))
			}
			for _, v := range []int64{d.SMSSubmitted, d.SMSDelivered, d.SMSExpired, d.SMSUndelivered, d.SMSThrottled} {
				row = append(row, strconv.FormatInt(v, 10))
			}
			for _, v := range []int{d.RecoveryOK, d.RecoveryFailedSwap, d.RecoveryFailedNoCoverage, d.RecoveryFailedOther,
				d.CounterServed, d.CounterQueue} {
				row = append(row, strconv.Itoa(v))
			}
			row = append(row, f2(wait))
			for _, v := range []int{d.CounterGaveUp, d.MobileServed, d.CounterResets, d.PhoneChangesRequested, d.PhoneChanges,
				d.FreeSIMs, d.SIMsConverted, d.SIMsCutOff, d.SIMsStandardised} {
				row = append(row, strconv.Itoa(v))
			}
			for k := uint8(1); k < nCauses; k++ {
				row = append(row, strconv.Itoa(d.Failures[k]))
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// FunnelCell is one (segment, outcome, cause) over the replicas: counts in simulated citizens
// and the share of the segment.
type FunnelCell struct {
	Dimension, Value, Outcome, Cause string
	Count                            results.Band
	Share                            results.Band
}

// Funnel aggregates the replicas' funnels, sorted by dimension, value, outcome, cause.
func Funnel(rs []*Result) []FunnelCell {
	type seg struct{ dim, val string }
	keys := map[segKey][]float64{}
	segTot := make([]map[seg]float64, len(rs))
	for ri, r := range rs {
		segTot[ri] = map[seg]float64{}
		for _, row := range r.Funnel {
			k := segKey{row.Dimension, row.Value, row.Outcome, row.Cause}
			if keys[k] == nil {
				keys[k] = make([]float64, len(rs))
			}
			keys[k][ri] = float64(row.Count)
			segTot[ri][seg{row.Dimension, row.Value}] += float64(row.Count)
		}
	}
	out := make([]FunnelCell, 0, len(keys))
	for k, xs := range keys {
		shares := make([]float64, len(rs))
		for ri := range rs {
			if t := segTot[ri][seg{k.dim, k.val}]; t > 0 {
				shares[ri] = xs[ri] / t
			}
		}
		out = append(out, FunnelCell{Dimension: k.dim, Value: k.val, Outcome: k.out, Cause: k.cause, Count: results.BandOf(xs), Share: results.BandOf(shares)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Dimension != b.Dimension {
			return a.Dimension < b.Dimension
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		if a.Outcome != b.Outcome {
			return a.Outcome < b.Outcome
		}
		return a.Cause < b.Cause
	})
	return out
}

// WriteFunnel writes the funnel by segment and cause.
func WriteFunnel(w io.Writer, cells []FunnelCell) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(results.FunnelHeader); err != nil {
		return err
	}
	for _, c := range cells {
		if err := cw.Write([]string{c.Dimension, c.Value, c.Outcome, c.Cause, f2(c.Count.Mean), f2(c.Count.CILow), f2(c.Count.CIHigh),
			strconv.FormatFloat(c.Share.Mean, 'f', 4, 64), strconv.FormatFloat(c.Share.CILow, 'f', 4, 64),
			strconv.FormatFloat(c.Share.CIHigh, 'f', 4, 64)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes v indented to path.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteFile creates path and runs fn on it.
func WriteFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteOutputs writes daily.csv, funnel.csv and summary.json (and the calibration table when
// the campaign has reported figures) into dir.
func WriteOutputs(dir string, c *Campaign, rs []*Result, sm *results.SimSummary) error {
	if err := WriteFile(filepath.Join(dir, results.DailyFile), func(w io.Writer) error { return WriteDaily(w, rs) }); err != nil {
		return err
	}
	if err := WriteFile(filepath.Join(dir, results.FunnelFile), func(w io.Writer) error { return WriteFunnel(w, Funnel(rs)) }); err != nil {
		return err
	}
	if err := WriteJSON(filepath.Join(dir, results.SimSummaryFile), sm); err != nil {
		return err
	}
	if err := writeFlowEvents(dir, rs); err != nil { // eventsim.go
		return err
	}
	if len(sm.Reported) > 0 {
		if err := WriteFile(filepath.Join(dir, results.CalibrationCSVFile), func(w io.Writer) error { return WriteCalibrationCSV(w, []*results.SimSummary{sm}) }); err != nil {
			return err
		}
		if err := WriteFile(filepath.Join(dir, results.CalibrationFile), func(w io.Writer) error { return WriteCalibrationMD(w, []*results.SimSummary{sm}) }); err != nil {
			return err
		}
	}
	return nil
}

// WriteCalibrationCSV writes simulated against reported for each case.
func WriteCalibrationCSV(w io.Writer, sms []*results.SimSummary) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"campaign", "date", "metric", "reported", "simulated_mean", "ci95_low", "ci95_high", "p2_5", "p97_5",
		"error_pct", "role", "replicas", "scale"}); err != nil {
		return err
	}
	for _, sm := range sms {
		for _, r := range sm.Reported {
			role := "held_out"
			if r.Fit {
				role = "fitted"
			}
			if err := cw.Write([]string{sm.Campaign, r.Date, r.Metric, strconv.Itoa(r.Reported), f2(r.Simulated.Mean),
				f2(r.Simulated.CILow), f2(r.Simulated.CIHigh), f2(r.Simulated.P025), f2(r.Simulated.P975), f2(r.ErrorPct), role,
				strconv.Itoa(sm.Replicas), ftoa(sm.Scale)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteCalibrationMD writes the calibration table in Markdown.
func WriteCalibrationMD(w io.Writer, sms []*results.SimSummary) error {
	var b strings.Builder
	b.WriteString("| campaign | date | metric | reported | simulated (mean) | 95% CI of mean | replicas' 2.5–97.5% | error | role |\n")
	b.WriteString("|---|---|---|---:|---:|---|---|---:|---|\n")
	for _, sm := range sms {
		for _, r := range sm.Reported {
			role := "**held out**"
			if r.Fit {
				role = "fitted"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s–%s | %s–%s | %+.1f%% | %s |\n", sm.Campaign, r.Date, r.Metric,
				group(float64(r.Reported)), group(r.Simulated.Mean), group(r.Simulated.CILow), group(r.Simulated.CIHigh),
				group(r.Simulated.P025), group(r.Simulated.P975), r.ErrorPct, role)
		}
	}
	for _, sm := range sms {
		fmt.Fprintf(&b, "\n%s: %d simulated citizens (scale %.4f of the real adults), %d replicas, seed %d; figures at full scale.\n",
			sm.Campaign, sm.Citizens, sm.Scale, sm.Replicas, sm.Seed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// group formats a number rounded to an integer with thousands separators.
func group(v float64) string {
	neg := v < 0
	s := strconv.FormatInt(int64(v+0.5*sign(v)), 10)
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// PrintHeadline writes a short table of the headline figures.
func PrintHeadline(w io.Writer, sm *results.SimSummary) {
	fmt.Fprintf(w, "campaign %s: %d citizens simulated (scale %.4f), %d replica(s); full-scale figures, mean [95%% CI]\n",
		sm.Campaign, sm.Citizens, sm.Scale, sm.Replicas)
	for _, m := range []string{MetricProfiles, MetricActivated, MetricLevel2} {
		b := sm.End[m]
		fmt.Fprintf(w, "  %-10s at end      %12s [%s – %s]\n", m, group(b.Mean), group(b.CILow), group(b.CIHigh))
	}
	for _, d := range sm.Deadlines {
		b := d.AtDeadline
		status := fmt.Sprintf("MISSED (shortfall %s)", group(d.Shortfall.Mean))
		if d.MetShare >= 0.5 {
			status = "met"
			if d.ReachedDate != "" {
				status += " on " + d.ReachedDate
			}
		}
		fmt.Fprintf(w, "  deadline %q %s: %s %s of %s [%s – %s], met in %.0f%% of replicas: %s\n", d.Name, d.Date, d.Metric,
			group(b.Mean), group(float64(d.Target)), group(b.CILow), group(b.CIHigh), 100*d.MetShare, status)
	}
	for _, r := range sm.Reported {
		role := "held out"
		if r.Fit {
			role = "fitted"
		}
		fmt.Fprintf(w, "  reported %s %-9s %12s  simulated %12s  error %+6.1f%%  (%s)\n", r.Date, r.Metric, group(float64(r.Reported)),
			group(r.Simulated.Mean), r.ErrorPct, role)
	}
}
