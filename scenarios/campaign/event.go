package campaign

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/eidsim/eidsim/scenarios/intraday"
)

// FlowEvent is a dated event that raises the hazard of one flow for some hours: for Hours
// from Start every citizen able to take the flow does so at Hazard times their usual rate
// (the hours weighted by the flow's intra-day curve, scenarios/intraday). A campaign file
// lists its own under events:; the built-in ones (BuiltinFlowEvents) apply to every
// campaign whose days cover them, as the national events do.
type FlowEvent struct {
	Name string `yaml:"name"`
	// Flow is login (active account holders log in) or activation (approved accounts not yet
	// activated are activated).
	Flow string `yaml:"flow"`
	// Start is local time, YYYY-MM-DDTHH:MM.
	Start EventTime `yaml:"start"`
	Hours float64   `yaml:"hours"`
	// Hazard multiplies the flow's hazard during the event (≥ 1).
	Hazard float64 `yaml:"hazard"`
	Source string  `yaml:"source"`
}

// EventTime is a local date and time written YYYY-MM-DDTHH:MM (the simulation's clock is
// local time).
type EventTime struct{ time.Time }

const eventTimeLayout = "2006-01-02T15:04"

// UnmarshalYAML parses YYYY-MM-DDTHH:MM.
func (t *EventTime) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.Parse(eventTimeLayout, n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a local time YYYY-MM-DDTHH:MM", n.Line, n.Value)
	}
	t.Time = v
	return nil
}

// MarshalYAML writes YYYY-MM-DDTHH:MM.
func (t EventTime) MarshalYAML() (any, error) { return t.Format(eventTimeLayout), nil }

// End is when the event stops.
func (e FlowEvent) End() time.Time {
	return e.Start.Add(time.Duration(e.Hours * float64(time.Hour)))
}

// eventFlows are the flows an event may raise, with the curve their sessions follow.
var eventFlows = map[string]string{"login": intraday.Login, "activation": intraday.Activation}

// BuiltinFlowEvents are the dated national flow events every campaign lives through.
//
// gift-day-2025: on 28 Aug 2025 the Politburo decided a 100,000 VND National-Day gift per
// citizen, paid through a bank account linked in VNeID ("An sinh xã hội"); mass logins to
// link accounts overloaded VNeID for hours, and on the morning of 29 Aug the passcode step
// still failed (research §4.4: soha.vn, vietbao.vn, 24h.com.vn, 28–29 Aug 2025). No peak
// was published ("tens of millions logging in within hours", nguyenanhung.com). Assumptions:
// from 16:00 on 28 Aug to the end of 29 Aug (32 h), and a hazard ×20: with the default six
// logins a year, 1 − exp(−19 × 6/8760 × 32) ≈ 34 % of account holders log in within the
// window, 20 M of about 60 M accounts — the low end of "tens of millions".
var BuiltinFlowEvents = []FlowEvent{{
	Name: "gift-day-2025", Flow: "login", Start: EventTime{time.Date(2025, 8, 28, 16, 0, 0, 0, time.UTC)}, Hours: 32, Hazard: 20,
	Source: "research §4.4 (28–29 Aug 2025, 100,000 VND gift: soha.vn, vietbao.vn, 24h.com.vn); start, length and hazard: assumption",
}}

// flowEvents returns the campaign's own events followed by the built-in ones it does not
// redefine (same name), those that overlap its days.
func (c *Campaign) flowEvents() []FlowEvent {
	first := c.Start.Time
	last := first.AddDate(0, 0, c.Days)
	own := map[string]bool{}
	var out []FlowEvent
	for _, e := range c.Events {
		own[e.Name] = true
		out = append(out, e)
	}
	for _, e := range BuiltinFlowEvents {
		if !own[e.Name] && e.End().After(first) && e.Start.Before(last) {
			out = append(out, e)
		}
	}
	return out
}

// checkEvents validates the events: file:line and field come from the caller (ferr).
func (c *Campaign) checkEvents() error {
	seen := map[string]bool{}
	for i, e := range c.Events {
		f := fmt.Sprintf("events[%d].", i)
		switch {
		case e.Name == "":
			return ferr(f+"name", "required")
		case seen[e.Name]:
			return ferr(f+"name", "%q twice", e.Name)
		case eventFlows[e.Flow] == "":
			return ferr(f+"flow", "%q: want one of login, activation", e.Flow)
		case e.Start.IsZero():
			return ferr(f+"start", "required (local time YYYY-MM-DDTHH:MM)")
		case !(e.Hours > 0 && e.Hours <= 24*14):
			return ferr(f+"hours", "%g: want more than 0 and at most two weeks (336)", e.Hours)
		case !(e.Hazard >= 1 && e.Hazard <= 1e4):
			return ferr(f+"hazard", "%g: want a multiplier from 1 to 10000", e.Hazard)
		case strings.TrimSpace(e.Source) == "":
			return ferr(f+"source", "required: where the event comes from (or 'assumption')")
		}
		seen[e.Name] = true
	}
	return nil
}
