package load

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	k6scripts "github.com/eidsim/eidsim/scenarios/k6"
)

func TestCheckMix(t *testing.T) {
	tests := []struct {
		scenario string
		mix      map[string]float64
		err      string // "" for accepted
	}{
		{"login-throughput", nil, ""},
		{"login-throughput", map[string]float64{"new_device": 0.3}, ""},
		{"login-throughput", map[string]float64{"new_device": 0.9, "wrong_password": 0.2}, "more than all iterations"},
		{"login-throughput", map[string]float64{"foo": 1}, `"foo" is not a flow of login-throughput (its flows: new_device, wrong_password)`},
		{"deadline-surge", map[string]float64{"login": 0.5}, "must sum to 1, got 0.8"},
		{"deadline-surge", map[string]float64{"login": 0.5, "registration": 0.32}, ""},
		{"deadline-surge", map[string]float64{"new_device_share": 1}, ""},
		{"rp-login", map[string]float64{"compare": 1}, ""},
		{"rp-login", map[string]float64{"compare": 0.5}, "want 0 or 1"},
		{"smoke", map[string]float64{"login": 1}, "scenario smoke has no flow mix"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			err := CheckMix(tt.scenario, tt.mix)
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

// TestMixSpecsMatchScripts checks that every share a MixSpec names is one its script reads,
// and that every scenario with a spec exists.
func TestMixSpecsMatchScripts(t *testing.T) {
	for name, spec := range mixes {
		sc, ok := Scenarios[name]
		require.True(t, ok, "mix spec for unknown scenario %s", name)
		src, err := fs.ReadFile(k6scripts.Scripts, sc.Script)
		require.NoError(t, err)
		for k := range spec.Defaults {
			assert.Regexp(t, regexp.MustCompile(`\b`+k+`\b`), string(src), "%s: the script never reads %s", sc.Script, k)
		}
	}
}
