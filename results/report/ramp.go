package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// rampHoldScenarios are the scenarios whose k6 script drives one ramping-arrival-rate
// executor built by rampHold (scenarios/k6/lib/config.js): from 0 to the peak rate over the
// first third of the duration (over min(5 s, a quarter) in a --find-max step), then held.
var rampHoldScenarios = map[string]bool{"login-throughput": true, "recovery-storm": true, "counter-enrolment": true}

// ramp is the arrival rate a run was configured to ask for over time.
type ramp struct {
	// X (seconds since the start) and Y (iterations/s) are the corners of the schedule.
	X, Y []float64
	// Text describes it: "0 → 12 /s over 20 s, then held for 40 s".
	Text string
}

// configuredRamp returns the schedule a run of scenario at rate for dur asked k6 for, as
// rampHold builds it (the per-minute rounding included). segment "i/n" scales it to one of
// n k6 instances. ok is false for scenarios of another shape.
func configuredRamp(scenario string, rate float64, dur time.Duration, findMaxStep bool, segment string) (ramp, bool) {
	if !rampHoldScenarios[scenario] || math.IsNaN(rate) || rate <= 0 || dur <= 0 {
		return ramp{}, false
	}
	secs := math.Floor(dur.Seconds())
	up := math.Floor(secs / 3)
	if findMaxStep {
		up = math.Min(5, math.Floor(secs/4))
	}
	peak := math.Max(1, math.Round(rate*60)) / 60
	if _, n, ok := strings.Cut(segment, "/"); ok {
		if k, err := strconv.Atoi(n); err == nil && k > 1 {
			peak /= float64(k)
		}
	}
	rp := ramp{X: []float64{0, up, secs}, Y: []float64{0, peak, peak}}
	rp.Text = "0 → " + num(peak) + " /s over " + humanDuration(time.Duration(up)*time.Second) + ", then held for " + humanDuration(time.Duration(secs-up)*time.Second)
	return rp, true
}
