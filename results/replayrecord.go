package results

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"time"
)

// ReplayPlanFile is a replay run's plan (eidsim load replay): the simulated day it replays
// and, per flow and hour, the simulated and the asked rates.
const ReplayPlanFile = "replay-plan.json"

// ReplayPlan is a replay of one simulated day (scenarios/replay makes it).
type ReplayPlan struct {
	// Simulation is the simulation run directory; Campaign its campaign; Date the day.
	Simulation string  `json:"simulation"`
	Campaign   string  `json:"campaign"`
	Date       string  `json:"date"`
	Fraction   float64 `json:"fraction"`
	// Compress is FROM:TO as given; Factor FROM/TO, how much faster than simulated time.
	Compress string  `json:"compress"`
	Factor   float64 `json:"factor"`
	// Hour is how long one simulated hour lasts in the replay.
	Hour Duration `json:"stage"`
	// Flows are the replayed flows by name (scenarios/intraday).
	Flows map[string]ReplayFlow `json:"flows"`
}

// ReplayFlow is one flow's hours.
type ReplayFlow struct {
	// Simulated is the simulated full-scale rate per second of each hour; Asked the rate
	// asked of k6: Simulated × Fraction × Factor.
	Simulated [24]float64 `json:"simulated_per_s"`
	Asked     [24]float64 `json:"asked_per_s"`
	// Iterations is how many the replay asks for in all.
	Iterations float64 `json:"iterations"`
}

// Duration is a time.Duration stored as its text (75s).
type Duration struct{ time.Duration }

// MarshalJSON writes the duration's text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads it back.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	d.Duration = v
	return err
}

// Duration is the replay's length: 24 simulated hours.
func (p ReplayPlan) Duration() time.Duration { return 24 * p.Hour.Duration }

// PeakAsked is the highest asked rate of all flows together in any hour.
func (p ReplayPlan) PeakAsked() float64 {
	var peak float64
	for h := range 24 {
		var sum float64
		for _, f := range p.Flows {
			sum += f.Asked[h]
		}
		peak = math.Max(peak, sum)
	}
	return peak
}

// Peak returns the flow's busiest hour and its simulated rate per second.
func (f ReplayFlow) Peak() (hour int, perSecond float64) {
	for h, v := range f.Simulated {
		if v > perSecond {
			hour, perSecond = h, v
		}
	}
	return hour, perSecond
}

// Env is the plan as scenarios/k6/replay.js reads it (EIDSIM_REPLAY): the stage length in
// milliseconds and, per flow, the 24 asked rates in whole iterations per hour of replay time
// (k6 wants integer targets; timeUnit 1h keeps the resolution of slow flows).
func (p ReplayPlan) Env() string {
	type flow struct {
		PerHour []int64 `json:"per_hour"`
	}
	env := struct {
		StageMS int64           `json:"stage_ms"`
		Flows   map[string]flow `json:"flows"`
	}{StageMS: p.Hour.Milliseconds(), Flows: map[string]flow{}}
	for name, f := range p.Flows {
		pf := flow{PerHour: make([]int64, 24)}
		for i, v := range f.Asked {
			pf.PerHour[i] = int64(math.Round(v * 3600))
		}
		env.Flows[name] = pf
	}
	b, _ := json.Marshal(env)
	return string(b)
}

// WriteReplayPlan stores p in dir (atomically).
func WriteReplayPlan(dir string, p ReplayPlan) error {
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, ReplayPlanFile), append(b, '\n'))
}

// ReadReplayPlan reads dir's plan; an error satisfying os.IsNotExist when it has none.
func ReadReplayPlan(dir string) (*ReplayPlan, error) {
	b, err := os.ReadFile(filepath.Join(dir, ReplayPlanFile))
	if err != nil {
		return nil, err
	}
	var p ReplayPlan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
