package evidence

import (
	_ "embed"
	"fmt"
	"sync"
)

// Event is a dated national event that raises the need for an account (a deadline, a service
// that starts to require it). The campaign model adds the value of the fitted parameter Param
// to its hazard multiplier on the days From..To (To zero: from From on).
type Event struct {
	ID    string `yaml:"id"`
	From  Date   `yaml:"from"`
	To    Date   `yaml:"to"`
	Level string `yaml:"level"` // "any" or "level2"
	Param string `yaml:"param"`
	// Source is a key of docs/sources.md.
	Source string `yaml:"source"`
	Note   string `yaml:"note"`
	Line   int    `yaml:"-"`
}

// Events is a parsed events file.
type Events struct {
	Version int `yaml:"version"`
	// AppLaunch is the day the VNeID app opened to the public: no level-1 registration and no
	// activation before it. AppLaunchSource is its source key.
	AppLaunch       Date    `yaml:"app_launch"`
	AppLaunchSource string  `yaml:"app_launch_source"`
	Events          []Event `yaml:"events"`
	File            string  `yaml:"-"`
}

// Event levels.
const (
	LevelAny = "any"
	Level2   = "level2"
)

//go:embed events.yaml
var eventsYAML []byte

var (
	eventsOnce sync.Once
	eventsTab  *Events
	eventsErr  error
)

// BuiltinEvents returns the embedded national events (parsed once; do not modify).
func BuiltinEvents() (*Events, error) {
	eventsOnce.Do(func() { eventsTab, eventsErr = ParseEvents(eventsYAML, "builtin:events.yaml") })
	return eventsTab, eventsErr
}

// ParseEvents decodes and checks an events table.
func ParseEvents(data []byte, file string) (*Events, error) {
	var t Events
	root, lines, err := decodeStrict(data, file, "events", &t)
	if err != nil {
		return nil, err
	}
	t.File = file
	if t.Version < 1 {
		return nil, &Error{File: file, Line: keyLine(root, "version"), Field: "version", Msg: "required: a positive whole number"}
	}
	if t.AppLaunch.IsZero() {
		return nil, &Error{File: file, Line: keyLine(root, "app_launch"), Field: "app_launch", Msg: "required: the day the app opened"}
	}
	if !keyRE.MatchString(t.AppLaunchSource) {
		return nil, &Error{File: file, Line: keyLine(root, "app_launch_source"), Field: "app_launch_source", Msg: "required: a source key of docs/sources.md"}
	}
	seen := map[string]bool{}
	for i := range t.Events {
		e := &t.Events[i]
		if i < len(lines) {
			e.Line = lines[i]
		}
		bad := func(field, format string, args ...any) error {
			return &Error{File: file, Line: fieldLine(root, "events", i, field, e.Line), Field: fmt.Sprintf("events[%d].%s", i, field), Msg: fmt.Sprintf(format, args...)}
		}
		switch {
		case !slugRE.MatchString(e.ID) || seen[e.ID]:
			return nil, bad("id", "%q is not a new id (lower-case letters, digits and dashes)", e.ID)
		case e.From.IsZero():
			return nil, bad("from", "required")
		case !e.To.IsZero() && e.To.Before(e.From.Time):
			return nil, bad("to", "%s is before from %s", e.To, e.From)
		case e.Level != LevelAny && e.Level != Level2:
			return nil, bad("level", "%q is not one of any, level2", e.Level)
		case !paramRE.MatchString(e.Param):
			return nil, bad("param", "%q is not a parameter name", e.Param)
		case !keyRE.MatchString(e.Source):
			return nil, bad("source", "%q is not a source key of docs/sources.md", e.Source)
		}
		seen[e.ID] = true
	}
	return &t, nil
}
