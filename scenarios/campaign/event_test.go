package campaign

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/results"
)

func TestEventParseErrors(t *testing.T) {
	base, err := os.ReadFile("testdata/minimal.yaml")
	require.NoError(t, err)
	good := "events:\n  - {name: rush, flow: login, start: 2023-02-10T18:00, hours: 6, hazard: 50, source: assumption}\n"
	c, err := Parse(append(append([]byte{}, base...), good...), "c.yaml")
	require.NoError(t, err)
	require.Len(t, c.Events, 1)
	assert.Equal(t, time.Date(2023, 2, 11, 0, 0, 0, 0, time.UTC), c.Events[0].End())
	lines := strings.Count(string(base), "\n")
	for _, tc := range []struct{ event, want string }{
		{"{flow: login, start: 2023-02-10T18:00, hours: 6, hazard: 50, source: x}", "field events[0].name: required"},
		{"{name: r, flow: teleport, start: 2023-02-10T18:00, hours: 6, hazard: 50, source: x}", `field events[0].flow: "teleport"`},
		{"{name: r, flow: login, start: 2023-02-10, hours: 6, hazard: 50, source: x}", "is not a local time YYYY-MM-DDTHH:MM"},
		{"{name: r, flow: login, start: 2023-02-10T18:00, hours: 0, hazard: 50, source: x}", "field events[0].hours: 0"},
		{"{name: r, flow: login, start: 2023-02-10T18:00, hours: 6, hazard: 0.5, source: x}", "field events[0].hazard: 0.5"},
		{"{name: r, flow: login, start: 2023-02-10T18:00, hours: 6, hazard: 5}", "field events[0].source: required"},
	} {
		_, err := Parse(append(append([]byte{}, base...), ("events:\n  - "+tc.event+"\n")...), "c.yaml")
		require.Error(t, err, tc.event)
		assert.Contains(t, err.Error(), tc.want)
		assert.Contains(t, err.Error(), "c.yaml:"+strconv.Itoa(lines+2), "the line of the event")
	}
}

// The built-in gift-day rush applies to the campaigns whose days cover 28–29 Aug 2025 only,
// and a campaign's own event of the same name replaces it.
func TestBuiltinEventsApply(t *testing.T) {
	c := tinyCampaign(t)
	assert.Empty(t, c.flowEvents(), "2023 campaign")
	c.Start = Date{time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)}
	require.Len(t, c.flowEvents(), 1)
	assert.Equal(t, "gift-day-2025", c.flowEvents()[0].Name)
	c.Events = []FlowEvent{{Name: "gift-day-2025", Flow: "login", Start: EventTime{c.Start.Time}, Hours: 1, Hazard: 2, Source: "test"}}
	require.Len(t, c.flowEvents(), 1)
	assert.Equal(t, 1.0, c.flowEvents()[0].Hours)
}

// An event raises its flow on its day, in its hours, and the simulation records the hours.
func TestEventRaisesLoginsInItsHours(t *testing.T) {
	var pop []population.Record
	for i := range 200 {
		pop = append(pop, person(i, population.HandsetSmartphone, true, population.Coverage4G))
	}
	c := tinyCampaign(t)
	quiet := runOne(t, c, pop)
	c.Events = []FlowEvent{{Name: "rush", Flow: "login", Start: EventTime{time.Date(2023, 2, 20, 18, 0, 0, 0, time.UTC)}, Hours: 4, Hazard: 2000, Source: "test"}}
	rush := runOne(t, c, pop)
	assert.Empty(t, quiet.FlowEvents)
	require.NotEmpty(t, rush.FlowEvents)
	total := 0
	for _, h := range rush.FlowEvents {
		assert.Equal(t, "2023-02-20", h.Date)
		assert.Contains(t, []int{18, 19, 20, 21}, h.Hour)
		assert.Equal(t, "login", h.Flow)
		total += h.Sessions
	}
	day := 50 // 2023-02-20
	require.Equal(t, "2023-02-20", rush.Daily[day].Date)
	q, r := quiet.Daily[day], rush.Daily[day]
	assert.Greater(t, r.Logins+r.LoginFailures, q.Logins+q.LoginFailures+total/2, "the rush's logins show in the day's count")
	// Written and read back.
	dir := t.TempDir()
	require.NoError(t, writeFlowEvents(dir, []*Result{rush}))
	back, err := results.ReadFlowEventHours(filepath.Join(dir, results.FlowEventsFile))
	require.NoError(t, err)
	assert.Equal(t, rush.FlowEvents, back)
}
