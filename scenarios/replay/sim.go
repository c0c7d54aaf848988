// Package replay turns a simulated campaign day into a load profile: the day's sessions per
// flow (from the simulation's daily.csv and flow-events.csv, at full scale, mean over the
// replicas), spread over the hours by each flow's intra-day curve (scenarios/intraday) except
// the sessions a flow event placed in its own hours, then scaled (--fraction) and compressed
// (--compress 24h:30m) into k6 ramping-arrival-rate stages per flow (scenarios/k6/replay.js).
package replay

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/intraday"
)

// NewDeviceShare is the share of logins made on a new device (an OTP to the old one): the
// simulation does not count them apart; deadline-surge.js's assumption (0.10 of logins).
const NewDeviceShare = 0.10

// dailyColumns are the daily.csv columns each flow's sessions are the sum of.
var dailyColumns = map[string][]string{
	intraday.Login:            {"logins", "login_failures"},
	intraday.Registration:     {"registrations"},
	intraday.Activation:       {"activations", "web_activations"},
	intraday.Recovery:         {"recovery_ok", "recovery_failed_sim_swapped", "recovery_failed_no_coverage", "recovery_failed_other"},
	intraday.CounterEnrolment: {"enrolled"},
}

// Simulation is what a simulation run directory holds for a replay.
type Simulation struct {
	Dir      string
	Campaign string
	Scale    float64
	Replicas int
	// Days are the simulated days in order; Sessions[d][flow] is the day's sessions of flow,
	// summed over replicas (simulated counts, before the new-device split).
	Days     []string
	Sessions []map[string]float64
	// Events[d][flow][hour] are the sessions flow events added, summed over replicas.
	Events []map[string]*[24]float64
}

// ReadSimulation reads summary.json, daily.csv and (when present) flow-events.csv of a
// simulation run directory (eidsim simulate). A multi-campaign run must be given one
// campaign's subdirectory.
func ReadSimulation(dir string) (*Simulation, error) {
	b, err := os.ReadFile(filepath.Join(dir, results.SimSummaryFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("--from-simulation %s: no %s (a simulation run directory of one campaign, e.g. ~/.eidsim/…-simulate-dien-bien-2023-…)", dir, results.SimSummaryFile)
		}
		return nil, err
	}
	var sm results.SimSummary
	if err := json.Unmarshal(b, &sm); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, results.SimSummaryFile), err)
	}
	if !(sm.Scale > 0) || sm.Replicas < 1 {
		return nil, fmt.Errorf("%s: scale %g and replicas %d: want positive", filepath.Join(dir, results.SimSummaryFile), sm.Scale, sm.Replicas)
	}
	s := &Simulation{Dir: dir, Campaign: sm.Campaign, Scale: sm.Scale, Replicas: sm.Replicas}
	if err := s.readDaily(filepath.Join(dir, results.DailyFile)); err != nil {
		return nil, err
	}
	if err := s.readEvents(filepath.Join(dir, results.FlowEventsFile)); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Simulation) readDaily(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	recs, err := cr.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 2 {
		return fmt.Errorf("%s: no days", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, need := range []string{"date", "day"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%s:1: no column %q", path, need)
		}
	}
	for _, cols := range dailyColumns {
		for _, c := range cols {
			if _, ok := col[c]; !ok {
				return fmt.Errorf("%s:1: no column %q", path, c)
			}
		}
	}
	for i, r := range recs[1:] {
		d, err := strconv.Atoi(r[col["day"]])
		if err != nil || d < 0 || d > 100000 {
			return fmt.Errorf("%s:%d: day %q", path, i+2, r[col["day"]])
		}
		for len(s.Days) <= d {
			s.Days = append(s.Days, "")
			s.Sessions = append(s.Sessions, map[string]float64{})
			s.Events = append(s.Events, map[string]*[24]float64{})
		}
		s.Days[d] = r[col["date"]]
		for flow, cols := range dailyColumns {
			for _, c := range cols {
				v, err := strconv.ParseFloat(r[col[c]], 64)
				if err != nil {
					return fmt.Errorf("%s:%d: %s %q: %w", path, i+2, c, r[col[c]], err)
				}
				s.Sessions[d][flow] += v
			}
		}
	}
	return nil
}

func (s *Simulation) readEvents(path string) error {
	rows, err := results.ReadFlowEventHours(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Day < 0 || r.Day >= len(s.Days) {
			return fmt.Errorf("%s: day %d outside the simulated days", path, r.Day)
		}
		h := s.Events[r.Day][r.Flow]
		if h == nil {
			h = &[24]float64{}
			s.Events[r.Day][r.Flow] = h
		}
		h[r.Hour] += float64(r.Sessions)
	}
	return nil
}
