package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuiltinProfilesLoad(t *testing.T) {
	names := Builtin()
	require.Subset(t, names, []string{"dien-bien", "kon-tum", "gia-lai", "nghe-an", "ha-noi", "ho-chi-minh", "vietnam"})
	for _, n := range names {
		p, err := Load(n)
		require.NoError(t, err, n)
		assert.Equal(t, n, p.Name)
		assert.Equal(t, "builtin:"+n, p.File)
		pr, act, l2 := p.AccountRates()
		assert.True(t, pr >= act && act > 0 && l2 > 0 && pr <= 1, "%s: account rates %v %v %v", n, pr, act, l2)
	}
}

func TestDienBienFigures(t *testing.T) {
	p, err := Load("dien-bien")
	require.NoError(t, err)
	assert.Equal(t, "011", p.ProvinceCode)
	assert.Equal(t, 1448, p.Villages.Count)
	assert.Equal(t, 15, p.Villages.Without2G)
	assert.Equal(t, 79, p.Villages.Without2G+p.Villages.Only2G)
	assert.Equal(t, 129, p.Villages.WithoutPower)
	assert.InDelta(t, 0.82, p.MinorityShare(), 1e-9)
}

// mutate loads the Điện Biên file, applies a text replacement and parses the result.
func mutate(t *testing.T, old, new string) error {
	t.Helper()
	b, err := builtinFS.ReadFile("profiles/dien-bien.yaml")
	require.NoError(t, err)
	s := string(b)
	require.Contains(t, s, old)
	s = strings.Replace(s, old, new, 1)
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
	_, err = Load(path)
	return err
}

func TestProfileErrors(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string // substrings of the error
	}{
		{"unknown field", "urban:\n  share: 0.143", "urban:\n  shares: 0.143", []string{"bad.yaml:", "shares", "unknown field"}},
		{"wrong type", "count: 598856", "count: many", []string{"bad.yaml:", `want a whole number, got "many"`}},
		{"share over 100%", "poor: 0.3035", "poor: 30.35", []string{"bad.yaml:", "poverty.poor", "over 100%"}},
		{"handsets not summing", "smartphone: 0.70", "smartphone: 0.80", []string{"bad.yaml:", "field handsets", "sum to 1.1000"}},
		{"age not summing", "{min: 0, max: 13, share: 0.280}", "{min: 0, max: 13, share: 0.300}", []string{"age.bands", "sum"}},
		{"ethnic share over 100%", "{key: Thai, name: Thái, share: 0.384, remote_affinity: 0.6}", "{key: Thai, name: Thái, share: 38.4, remote_affinity: 0.6}", []string{"ethnic_groups.groups[0].share", "over 100%"}},
		{"villages over count", "without_power: 129", "without_power: 2000", []string{"villages.without_power", "exceeds"}},
		{"activated over profiles", "activated: 312190", "activated: 412190", []string{"accounts.activated", "exceed"}},
		{"profiles over eligible", "profiles: 374051", "profiles: 974051", []string{"accounts.profiles", "over 100%"}},
		{"missing source", "  source: \"2019 census: 85,779 urban residents, 14.3% [wiki-dien-bien]\"", "", []string{"urban.source"}},
		{"unknown naming", "{key: Thai, name: Thái, share: 0.384, remote_affinity: 0.6}", "{key: Thai, name: Thái, share: 0.384, remote_affinity: 0.6, naming: klingon}", []string{"naming", "klingon"}},
		{"unknown carrier", "{name: itelecom, share: 0.005}", "{name: wintel, share: 0.005}", []string{"carriers.shares[5].name", "wintel"}},
		{"carrier over capacity", "{name: viettel, share: 0.65}", "{name: viettel, share: 0.95}", []string{"carriers.shares[0].share"}},
		{"bad association", "{a: minority, b: rural, odds_ratio: 4,", "{a: minority, b: rurral, odds_ratio: 4,", []string{"associations[1].b", "rurral"}},
		{"no band at 14", "{min: 0, max: 13, share: 0.280}\n    - {min: 14, max: 17, share: 0.070}", "{min: 0, max: 17, share: 0.350}", []string{"age.bands", "14"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mutate(t, c.old, c.new)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, pe.File, "bad.yaml")
			assert.Positive(t, pe.Line, "error should name a line: %v", err)
		})
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load("/nonexistent/p.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/p.yaml")
	_, err = Load("no-such-profile")
	assert.Contains(t, err.Error(), "built-in")
}

func TestLineOfPath(t *testing.T) {
	b, err := builtinFS.ReadFile("profiles/dien-bien.yaml")
	require.NoError(t, err)
	p, err := Parse(b, "x.yaml")
	require.NoError(t, err)
	_ = p
	lines := strings.Split(string(b), "\n")
	var root = mustNode(t, b)
	l := lineOf(root, "villages.without_power")
	assert.Contains(t, lines[l-1], "without_power")
	l = lineOf(root, "age.bands[2].share")
	assert.Contains(t, lines[l-1], "min: 18")
}

func FuzzParse(f *testing.F) {
	for _, n := range Builtin() {
		b, _ := builtinFS.ReadFile("profiles/" + n + ".yaml")
		f.Add(b)
	}
	f.Add([]byte("name: x\n"))
	f.Add([]byte("{"))
	f.Add([]byte("age: {bands: [{min: 0, max: 200, share: 2}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.yaml")
		if err != nil {
			assert.Contains(t, err.Error(), "fuzz.yaml")
			return
		}
		// an accepted profile is internally consistent
		pr, act, _ := p.AccountRates()
		assert.True(t, act <= pr+1e-9 && pr <= 1+1e-9)
		assert.InDelta(t, 1, p.Handsets.Smartphone+p.Handsets.Feature+p.Handsets.None, SumTolerance)
	})
}
