package evidence

import (
	"errors"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuiltinParses(t *testing.T) {
	tb, err := Builtin()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, tb.Version, 1)
	assert.Equal(t, []string{AreaDienBien, AreaKonTum, AreaMuongAng, AreaNgheAn, AreaVietnam}, tb.Areas())
	// The figures the model must answer for (issue 12).
	for id, want := range map[string]int64{
		"vn-2022-11-07-activated": 1_400_000, "vn-2022-11-07-approved": 12_500_000, "vn-2022-11-07-rejected": 66_000,
		"vn-2023-06-30-approved": 45_000_000, "vn-2023-12-31-activated": 49_700_000, "vn-2024-05-03-activated": 53_100_000,
		"vn-2025-04-22-activated": 62_000_000, "vn-2025-09-24-activated-level2": 65_000_000,
		"db-2023-10-01-activated": 312_190, "ma-2023-10-01-activated": 20_781, "na-2024-05-01-activated-level2": 1_611_245,
		"kt-2023-05-30-profiles-level2": 43_265,
	} {
		p, ok := tb.Point(id)
		require.True(t, ok, id)
		assert.Equal(t, want, p.Value, id)
		assert.Positive(t, p.Line, id)
	}
	vn := tb.Area(AreaVietnam)
	for i := 1; i < len(vn); i++ {
		assert.False(t, vn[i].Date.Before(vn[i-1].Date.Time), "Area returns date order")
	}
}

// TestBuiltinSourcesKnown: every source the table cites has an entry in docs/sources.md.
func TestBuiltinSourcesKnown(t *testing.T) {
	md, err := os.ReadFile("../../docs/sources.md")
	require.NoError(t, err)
	tb, err := Builtin()
	require.NoError(t, err)
	for _, s := range tb.Sources() {
		assert.Regexp(t, regexp.MustCompile(`(?m)^- \*\*\[`+regexp.QuoteMeta(s)+`\]\*\*`), string(md), "source %s has no entry in docs/sources.md", s)
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "version: 1\npoints:\n  - id: a\n    area: vietnam\n    date: 2023-01-01\n    metric: activated\n    kind: count\n    value: 5\n    source: some-key\n"
	cases := []struct{ name, yaml, want string }{
		{"valid", ok, ""},
		{"no version", "points:\n  - id: a\n", "t.yaml: field version: required"},
		{"unknown field", ok + "    valu: 3\n", `t.yaml:10: field points[0].valu: unknown field "valu"`},
		{"bad metric", replace(ok, "activated", "actived"), `t.yaml:6: field points[0].metric: "actived" is not one of dossiers`},
		{"bad kind", replace(ok, "kind: count", "kind: more"), `t.yaml:7: field points[0].kind: "more" is not one of count, at_least, about`},
		{"zero value", replace(ok, "value: 5", "value: 0"), "t.yaml:8: field points[0].value: must be positive"},
		{"bad date", replace(ok, "2023-01-01", "2023-13-01"), `t.yaml:5: "2023-13-01" is not a date`},
		{"source in brackets", replace(ok, "some-key", "\"[some-key]\""), "t.yaml:9: field points[0].source:"},
		{"assumed date without note", ok + "    date_assumed: true\n", "t.yaml:3: field points[0].date_note: an assumed date needs a note"},
		{"duplicate id", ok + replace(ok, "version: 1\npoints:\n", ""), `t.yaml:10: field points[1].id: "a" is also the id of the point at line 3`},
		{"not a number", replace(ok, "value: 5", "value: lots"), `t.yaml:8: want a whole number, got "lots"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "t.yaml")
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func replace(s, old, new string) string {
	return regexp.MustCompile(regexp.QuoteMeta(old)).ReplaceAllLiteralString(s, new)
}

func TestBuiltinEvents(t *testing.T) {
	ev, err := BuiltinEvents()
	require.NoError(t, err)
	require.Len(t, ev.Events, 3)
	assert.Equal(t, "2023-02-23", ev.Events[0].From.String())
	md, err := os.ReadFile("../../docs/sources.md")
	require.NoError(t, err)
	for _, e := range ev.Events {
		assert.Contains(t, string(md), "- **["+e.Source+"]**", e.ID)
	}
}

func TestParseEventsErrors(t *testing.T) {
	const ok = "version: 1\napp_launch: 2022-07-18\napp_launch_source: k\nevents:\n  - id: a\n    from: 2023-02-01\n    level: any\n    param: pressure_a\n    source: k\n"
	cases := []struct{ name, yaml, want string }{
		{"valid", ok, ""},
		{"bad level", replace(ok, "level: any", "level: three"), `e.yaml:7: field events[0].level: "three" is not one of any, level2`},
		{"to before from", ok + "    to: 2023-01-01\n", "e.yaml:10: field events[0].to: 2023-01-01 is before from 2023-02-01"},
		{"no from", replace(ok, "    from: 2023-02-01\n", ""), "e.yaml:5: field events[0].from: required"},
		{"unknown field", ok + "    form: 2023-01-01\n", `e.yaml:10: field events[0].form: unknown field`},
		{"no launch", replace(ok, "app_launch: 2022-07-18\n", ""), "e.yaml: field app_launch: required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseEvents([]byte(c.yaml), "e.yaml")
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// FuzzParse: any input parses into a table that passes its checks or gives an *Error naming
// the file; it never panics.
func FuzzParse(f *testing.F) {
	f.Add(builtinYAML)
	f.Add(eventsYAML)
	f.Add([]byte("version: 1\npoints:\n  - {id: a}\n"))
	f.Add([]byte("points: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func([]byte, string) error{
			func(b []byte, n string) error { _, err := Parse(b, n); return err },
			func(b []byte, n string) error { _, err := ParseEvents(b, n); return err },
		} {
			err := parse(data, "fuzz.yaml")
			if err == nil {
				continue
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
		}
	})
}
