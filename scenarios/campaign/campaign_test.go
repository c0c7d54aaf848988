package campaign

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/scenarios/campaigns"
)

func TestBuiltinCampaignsParse(t *testing.T) {
	names := Builtin()
	require.NotEmpty(t, names)
	for _, n := range names {
		c, err := Load(n)
		require.NoError(t, err, n)
		assert.Equal(t, n, c.Name, "file name and name field agree")
	}
}

func TestLoadFileAndDefaults(t *testing.T) {
	c, err := Load("testdata/minimal.yaml")
	require.NoError(t, err)
	assert.Equal(t, "tiny", c.Name)
	assert.Equal(t, 4.0, c.Counters.MinutesPerEnrolment, "default")
	assert.Equal(t, 6, c.Counters.DaysPerWeek, "default")
	assert.Equal(t, "2023-03-02", c.End().Format("2006-01-02"))
}

func TestParseErrorsNameFileLineField(t *testing.T) {
	base := "name: x\npopulation:\n  profile: dien-bien\n  count: 10\nstart: 2023-01-01\ndays: 30\nbehaviour:\n  bass_p: 1\n"
	tests := []struct {
		name      string
		yaml      string
		line      int
		field     string
		msgSubstr string
	}{
		{"unknown field", base + "counters:\n  kitz: 3\n", 10, "counters.kitz", `unknown field "kitz"`},
		{"bad type", base + "counters:\n  kits: many\n", 10, "counters.kits", `want a whole number, got "many"`},
		{"bad date", strings.Replace(base, "2023-01-01", "2023-13-01", 1), 5, "start", "not a date"},
		{"negative share", base + "  self_register_share: 1.5\n", 9, "behaviour.self_register_share", "not a share"},
		{"deadline outside run", base + "deadlines:\n  - {name: a, date: 2024-01-01, metric: profiles, target: 5}\n", 10,
			"deadlines[0].date", "outside the simulated days"},
		{"unknown metric", base + "deadlines:\n  - {name: a, date: 2023-01-05, metric: logins, target: 5}\n", 10,
			"deadlines[0].metric", "not one of"},
		{"cleanup over 1", base + "interventions:\n  owner_cleanup:\n    - {date: 2023-01-05, converted: 0.7, cut_off: 0.5}\n", 11,
			"interventions.owner_cleanup[0].cut_off", "exceeds 1"},
		{"window reversed", base + "outreach:\n  - {kind: media, from: 2023-01-10, to: 2023-01-05, intensity: 1}\n", 10,
			"outreach[0].to", "before from"},
		{"both file and profile", strings.Replace(base, "  count: 10\n", "  count: 10\n  file: p.jsonl\n", 1), 5,
			"population.file", "either file"},
		{"no pressure", strings.Replace(base, "bass_p: 1", "bass_p: 0\n  bass_q: 0", 1), 8, "behaviour.bass_p", "both zero"},
		{"out of hard bounds", base + "  activation_rate: 500\n", 9, "behaviour.activation_rate", "outside its bounds [0.01, 50]"},
		{"unknown evidence area", base + "evidence: hue\n", 9, "evidence", `"hue" is not an area of the evidence table`},
		{"reported metric unknown", base + "reported:\n  - {date: 2023-01-05, metric: logins, value: 5}\n", 10, "reported[0].metric", "evidence metric"},
		{"prior unknown param", base + "priors:\n  - {param: bass_r, dist: uniform, lo: 0, hi: 1, source: x}\n", 10, "priors[0].param", `"bass_r" is not a calibratable parameter`},
		{"prior lo above hi", base + "priors:\n  - {param: bass_p, dist: uniform, lo: 2, hi: 1, source: x}\n", 10, "priors[0].hi", "lo 2 must be below hi 1"},
		{"prior outside bounds", base + "priors:\n  - {param: upgrade_share, dist: uniform, lo: 0.5, hi: 1.5, source: x}\n", 10, "priors[0].hi", "above upgrade_share's hard bound 1"},
		{"prior bad dist", base + "priors:\n  - {param: bass_p, dist: normal, lo: 0.1, hi: 1, source: x}\n", 10, "priors[0].dist", "not one of uniform, log_uniform"},
		{"prior log at zero", base + "priors:\n  - {param: bass_q, dist: log_uniform, lo: 0, hi: 1, source: x}\n", 10, "priors[0].lo", "needs lo > 0"},
		{"prior twice", base + "priors:\n  - {param: bass_p, dist: uniform, lo: 0.1, hi: 1, source: x}\n  - {param: bass_p, dist: uniform, lo: 0.1, hi: 1, source: x}\n", 11, "priors[1].param", "has a prior already"},
		{"prior without source", base + "priors:\n  - {param: bass_p, dist: uniform, lo: 0.1, hi: 1}\n", 10, "priors[0].source", "say where"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "camp.yaml")
			require.Error(t, err)
			var e *Error
			require.True(t, errors.As(err, &e), "%T %v", err, err)
			assert.Equal(t, "camp.yaml", e.File)
			assert.Equal(t, tt.line, e.Line, err.Error())
			assert.Equal(t, tt.field, e.Field, err.Error())
			assert.Contains(t, e.Msg, tt.msgSubstr)
			assert.Contains(t, err.Error(), "camp.yaml:")
		})
	}
}

func TestLoadUnknownName(t *testing.T) {
	_, err := Load("no-such-campaign")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dien-bien-2023", "lists the built-ins")
}

func TestWithout(t *testing.T) {
	c, err := Load("dien-bien-2023")
	require.NoError(t, err)
	w, err := Without(c, []string{"free_sims", "web_activation"})
	require.NoError(t, err)
	assert.Empty(t, w.Interventions.FreeSIMs)
	assert.Empty(t, w.Interventions.WebActivation)
	assert.NotEmpty(t, c.Interventions.FreeSIMs, "the original is unchanged")
	_, err = Without(c, []string{"free_lunch"})
	assert.Error(t, err)
}

// FuzzParse: any input either parses into a campaign that passes its own checks or gives an
// *Error naming the file; it never panics.
func FuzzParse(f *testing.F) {
	for _, n := range Builtin() {
		b, err := campaigns.Read(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("name: x\npopulation: {profile: dien-bien, count: 5}\nstart: 2023-01-01\ndays: 3\nbehaviour: {bass_p: 1}\n"))
	f.Add([]byte("name: [\n"))
	f.Add([]byte(""))
	f.Add([]byte("deadlines:\n  - {date: 2023-01-01}\n"))
	f.Add([]byte("outreach: 5\n"))
	f.Add([]byte("start: 2023-02-30\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.yaml")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		if c.Name == "" || c.Days <= 0 {
			t.Fatalf("accepted an invalid campaign: %+v", c)
		}
	})
}
