package replay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/intraday"
)

// simDir writes a simulation of 3 days, 2 replicas at scale 0.01: day 1 is the busiest, and
// on it a flow event added 100 logins (per replica) at 20 h.
func simDir(t *testing.T) string {
	dir := t.TempDir()
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	write("summary.json", `{"campaign":"tiny","scale":0.01,"replicas":2}`)
	head := "replica,date,day,registrations,enrolled,activations,web_activations,logins,login_failures,recovery_ok,recovery_failed_sim_swapped,recovery_failed_no_coverage,recovery_failed_other\n"
	var b strings.Builder
	b.WriteString(head)
	for r := range 2 {
		b.WriteString(strings.Join([]string{itoa(r), "2025-08-27,0,1,2,3,0,10,0,1,0,0,0"}, ",") + "\n")
		b.WriteString(strings.Join([]string{itoa(r), "2025-08-28,1,4,8,6,2,290,10,2,1,0,1"}, ",") + "\n")
		b.WriteString(strings.Join([]string{itoa(r), "2025-08-29,2,1,2,3,0,20,0,1,0,0,0"}, ",") + "\n")
	}
	write("daily.csv", b.String())
	write("flow-events.csv", "replica,date,day,event,flow,hour,sessions\n0,2025-08-28,1,rush,login,20,100\n1,2025-08-28,1,rush,login,20,100\n")
	return dir
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestBusiestDayAndHours(t *testing.T) {
	s, err := ReadSimulation(simDir(t))
	require.NoError(t, err)
	d, err := s.Day("busiest")
	require.NoError(t, err)
	assert.Equal(t, "2025-08-28", d.Date)
	sum := func(h [24]float64) (t float64) {
		for _, v := range h {
			t += v
		}
		return t
	}
	// Full scale: per replica mean ÷ scale.
	assert.InDelta(t, 300*0.9/0.01, sum(d.Hourly[intraday.Login]), 1e-6)
	assert.InDelta(t, 300*0.1/0.01, sum(d.Hourly[intraday.NewDeviceLogin]), 1e-6)
	assert.InDelta(t, 800, sum(d.Hourly[intraday.CounterEnrolment]), 1e-6)
	assert.InDelta(t, 800, sum(d.Hourly[intraday.Activation]), 1e-6)
	assert.InDelta(t, 400, sum(d.Hourly[intraday.Recovery]), 1e-6)
	// The event's logins sit at 20 h on top of the curve's share of the other 200.
	sh := mustCurve(t, intraday.Login).Shares()
	assert.InDelta(t, (200*sh[20]+100)/0.01*0.9, d.Hourly[intraday.Login][20], 1e-6)
	assert.InDelta(t, 200*sh[3]/0.01*0.9, d.Hourly[intraday.Login][3], 1e-6)
	cz := mustCurve(t, intraday.CounterEnrolment).Shares()
	assert.Zero(t, cz[12])
	assert.Zero(t, d.Hourly[intraday.CounterEnrolment][12])

	d2, err := s.Day("2025-08-29")
	require.NoError(t, err)
	assert.Equal(t, "2025-08-29", d2.Date)
}

func mustCurve(t *testing.T, f string) intraday.Curve {
	c, err := intraday.Of(f)
	require.NoError(t, err)
	return c
}

func TestPlan(t *testing.T) {
	s, err := ReadSimulation(simDir(t))
	require.NoError(t, err)
	d, _ := s.Day("busiest")
	c, err := ParseCompress("24h:30m")
	require.NoError(t, err)
	p, err := d.Plan("sim-dir", s.Campaign, 0.5, c)
	require.NoError(t, err)
	assert.Equal(t, 48.0, p.Factor)
	assert.Equal(t, 75*time.Second, p.Hour.Duration)
	assert.Equal(t, 30*time.Minute, p.Duration())
	fp := p.Flows[intraday.Login]
	h, peak := fp.Peak()
	assert.Equal(t, 20, h)
	assert.InDelta(t, d.Hourly[intraday.Login][20]/3600, peak, 1e-9)
	assert.InDelta(t, peak*0.5*48, fp.Asked[20], 1e-9)
	// The replay asks for fraction × the day's sessions, whatever the compression.
	assert.InDelta(t, 0.5*300*0.9/0.01, fp.Iterations, 1e-6)
	assert.Contains(t, p.Env(), `"stage_ms":75000`)
	assert.Contains(t, p.Env(), `"per_hour":[`)
}

func TestBadInput(t *testing.T) {
	s, err := ReadSimulation(simDir(t))
	require.NoError(t, err)
	for _, tc := range []struct{ day, want string }{{"yesterday", "want a date YYYY-MM-DD or busiest"}, {"2024-01-01", "not a simulated day of tiny"}} {
		_, err := s.Day(tc.day)
		assert.ErrorContains(t, err, tc.want)
	}
	for _, v := range []string{"30m:24h", "24h", "x:y", "0s:0s"} {
		_, err := ParseCompress(v)
		assert.ErrorContains(t, err, "--compress", v)
	}
	d, _ := s.Day("busiest")
	_, err = d.Plan("x", "tiny", 0, Compress{24 * time.Hour, time.Hour})
	assert.ErrorContains(t, err, "--fraction 0")
	_, err = d.Plan("x", "tiny", 1, Compress{24 * time.Hour, time.Second})
	assert.ErrorContains(t, err, "want at least a second")
	_, err = ReadSimulation(t.TempDir())
	assert.ErrorContains(t, err, "no summary.json")
}
