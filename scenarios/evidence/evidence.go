// Package evidence is the table of published, dated figures on Vietnam's e-ID roll-out that the
// campaign model is compared with and calibrated on: the national series and the provinces'
// reports, each row with its area, date, metric (defined in metrics.go), kind (an exact
// count, a lower bound or a rounded figure), value and source (a key of docs/sources.md).
// The table is versioned and embedded (evidence.yaml); Builtin parses it once.
package evidence

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/eidsim/eidsim/internal/yamlerr"
)

// Areas of the built-in table.
const (
	AreaVietnam  = "vietnam"
	AreaDienBien = "dien-bien"
	AreaMuongAng = "muong-ang"
	AreaNgheAn   = "nghe-an"
	AreaKonTum   = "kon-tum"
)

// Point is one published figure.
type Point struct {
	ID   string `yaml:"id"`
	Area string `yaml:"area"`
	Date Date   `yaml:"date"`
	// DateAssumed is true when the source gives no day (or no year); DateNote says what it gives.
	DateAssumed bool   `yaml:"date_assumed"`
	DateNote    string `yaml:"date_note"`
	Metric      string `yaml:"metric"`
	Kind        string `yaml:"kind"`
	Value       int64  `yaml:"value"`
	// Source is a key of docs/sources.md (without brackets).
	Source string `yaml:"source"`
	Note   string `yaml:"note"`
	// Line is the point's line in its file (not decoded).
	Line int `yaml:"-"`
}

// Table is a parsed evidence file.
type Table struct {
	Version int     `yaml:"version"`
	Points  []Point `yaml:"points"`
	// File names the table in errors ("builtin:evidence.yaml" for the embedded one).
	File string `yaml:"-"`
}

// Date is a calendar day written YYYY-MM-DD.
type Date struct{ time.Time }

// UnmarshalYAML parses YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse("2006-01-02", n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a date YYYY-MM-DD", n.Line, n.Value)
	}
	d.Time = t
	return nil
}

// String is YYYY-MM-DD.
func (d Date) String() string { return d.Format("2006-01-02") }

// Error is a problem in an evidence file: file:line: field points[i].name: why.
type Error = yamlerr.Error

//go:embed evidence.yaml
var builtinYAML []byte

var (
	builtinOnce  sync.Once
	builtinTable *Table
	builtinErr   error
)

// Builtin returns the embedded table (parsed once; callers must not modify it).
func Builtin() (*Table, error) {
	builtinOnce.Do(func() { builtinTable, builtinErr = Parse(builtinYAML, "builtin:evidence.yaml") })
	return builtinTable, builtinErr
}

var (
	slugRE  = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	keyRE   = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	paramRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// Parse decodes and checks an evidence table; file names it in errors.
func Parse(data []byte, file string) (*Table, error) {
	var t Table
	root, lines, err := decodeStrict(data, file, "points", &t)
	if err != nil {
		return nil, err
	}
	t.File = file
	for i := range t.Points {
		if i < len(lines) {
			t.Points[i].Line = lines[i]
		}
	}
	if t.Version < 1 {
		return nil, &Error{File: file, Line: keyLine(root, "version"), Field: "version", Msg: "required: a positive whole number"}
	}
	if len(t.Points) == 0 {
		return nil, &Error{File: file, Field: "points", Msg: "the table has no points"}
	}
	seen := map[string]int{}
	for i := range t.Points {
		p := &t.Points[i]
		f := fmt.Sprintf("points[%d]", i)
		bad := func(field, format string, args ...any) error {
			return &Error{File: file, Line: fieldLine(root, "points", i, field, p.Line), Field: f + "." + field, Msg: fmt.Sprintf(format, args...)}
		}
		switch {
		case !slugRE.MatchString(p.ID):
			return nil, bad("id", "%q is not an id (lower-case letters, digits and dashes)", p.ID)
		case seen[p.ID] > 0:
			return nil, bad("id", "%q is also the id of the point at line %d", p.ID, seen[p.ID])
		case !slugRE.MatchString(p.Area):
			return nil, bad("area", "%q is not an area name (lower-case letters, digits and dashes)", p.Area)
		case p.Date.IsZero():
			return nil, bad("date", "required")
		case !IsMetric(p.Metric):
			return nil, bad("metric", "%q is not one of %s", p.Metric, metricNames())
		case p.Kind != Count && p.Kind != AtLeast && p.Kind != About:
			return nil, bad("kind", "%q is not one of count, at_least, about", p.Kind)
		case p.Value <= 0:
			return nil, bad("value", "must be positive")
		case !keyRE.MatchString(p.Source):
			return nil, bad("source", "%q is not a source key of docs/sources.md (without brackets)", p.Source)
		case p.DateAssumed && p.DateNote == "":
			return nil, bad("date_note", "an assumed date needs a note saying what the source gives")
		}
		seen[p.ID] = p.Line
	}
	return &t, nil
}

// decodeStrict decodes data into v with unknown fields refused; it returns the node tree and
// the lines of the items of the top-level list key, and errors naming file:line: field.
func decodeStrict(data []byte, file, key string, v any) (*yaml.Node, []int, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		p := yamlerr.Describe(err)
		return nil, nil, &Error{File: file, Line: p.Line, Field: p.Field, Msg: p.Msg}
	}
	lines := itemLines(&root, key)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		p := yamlerr.Describe(err)
		e := &Error{File: file, Line: p.Line, Field: p.Field, Msg: p.Msg}
		if e.Field != "" {
			for i := len(lines) - 1; i >= 0; i-- {
				if lines[i] <= e.Line {
					e.Field = fmt.Sprintf("%s[%d].%s", key, i, e.Field)
					break
				}
			}
		}
		return nil, nil, e
	}
	return &root, lines, nil
}

func metricNames() string {
	var n []string
	for _, m := range Metrics() {
		n = append(n, m.Name)
	}
	return strings.Join(n, ", ")
}

// Area returns the points of an area, in date order (then file order).
func (t *Table) Area(area string) []Point {
	var out []Point
	for _, p := range t.Points {
		if p.Area == area {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date.Time) })
	return out
}

// Areas returns the areas of the table, sorted.
func (t *Table) Areas() []string {
	set := map[string]bool{}
	for _, p := range t.Points {
		set[p.Area] = true
	}
	var out []string
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Point returns the point with that id.
func (t *Table) Point(id string) (Point, bool) {
	for _, p := range t.Points {
		if p.ID == id {
			return p, true
		}
	}
	return Point{}, false
}

// Sources returns the source keys the table cites, sorted.
func (t *Table) Sources() []string {
	set := map[string]bool{}
	for _, p := range t.Points {
		set[p.Source] = true
	}
	var out []string
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
