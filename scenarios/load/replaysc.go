package load

import (
	"math"
	"time"

	"github.com/eidsim/eidsim/results"
)

// ReplayPools maps each replayed flow (scenarios/intraday) to the pool its citizens are
// drawn from (scenarios/k6/replay.js reads the same).
var ReplayPools = map[string]string{"login": "login", "new_device_login": "login", "registration": "register",
	"activation": "activate", "recovery": "recover", "counter_enrolment": "enrol"}

func init() {
	Scenarios["replay"] = &Scenario{
		Name: "replay", Script: "replay.js", NeedsOperator: true,
		Optional: []string{"login", "register", "activate", "recover", "enrol"},
		Summary:  "a simulated campaign day played back: per flow the simulated hourly rates, scaled and compressed (eidsim load replay --from-simulation DIR; docs/replay.md)",
		Defaults: Options{Rate: 1, Duration: 30 * time.Minute, VUs: 400, OTPWait: 20 * time.Second},
		Want:     func(Options) map[string]int { return map[string]int{} },
	}
}

// ReplayScenario is the replay scenario for plan p: its pools sized for the iterations the
// plan asks of each flow.
func ReplayScenario(p results.ReplayPlan) *Scenario {
	sc := *Scenarios["replay"]
	want := map[string]int{}
	for flow, f := range p.Flows {
		if pool := ReplayPools[flow]; pool != "" && f.Iterations > 0 {
			want[pool] = min(want[pool]+int(math.Ceil(f.Iterations*1.1))+5, MaxSample)
		}
	}
	sc.Want = func(Options) map[string]int { return want }
	return &sc
}
