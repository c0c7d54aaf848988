package campaign

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A campaign naming only its profile, start and length runs on the default behaviour and the
// neutral defaults derived from the profile.
func TestThreeFieldCampaignRuns(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "ha-noi-2023.yaml")
	require.NoError(t, os.WriteFile(f, []byte("population: {profile: ha-noi}\nstart: 2022-07-18\ndays: 200\n"), 0o600))
	c, err := Load(f)
	require.NoError(t, err)
	assert.Equal(t, "ha-noi-2023", c.Name, "the name is the file's")
	assert.Equal(t, DefaultCount, c.Population.Count)
	assert.Equal(t, DefaultBehaviour(), c.Behaviour)
	assert.Positive(t, c.Counters.Kits)
	require.Len(t, c.Interventions.WebActivation, 1, "a community digital team per commune")
	w, err := PrepareWorld(c, 600, 1)
	require.NoError(t, err)
	r, err := Run(context.Background(), c, w.Pop, w.Scale, 1, 0)
	require.NoError(t, err)
	last := r.Daily[len(r.Daily)-1]
	assert.Positive(t, last.Profiles)
	assert.Positive(t, last.ApprovedLevel2)
	assert.Positive(t, last.Activated)
}

func TestNeutralDefaultsFromProfile(t *testing.T) {
	base := "population: {profile: %s}\nstart: 2023-01-01\ndays: 30\n"
	cases := []struct {
		profile  string
		kits     int
		explicit string
	}{
		{"dien-bien", 130, ""},                                     // 130 communes in the profile
		{"vietnam", 10598, ""},                                     // the national communes
		{"kon-tum", 54, ""},                                        // no communes: 860 villages × 10,598 / 170,000
		{"dien-bien", 5, "counters: {kits: 5}\n"},                  // the file's own
		{"dien-bien", 0, "counters: {kits: 0}\n"},                  // none, written
		{"muong-ang", 10, "interventions: {web_activation: []}\n"}, // no teams, written
	}
	for _, tc := range cases {
		t.Run(tc.profile+tc.explicit, func(t *testing.T) {
			c, err := Parse([]byte(fmt.Sprintf(base, tc.profile)+tc.explicit), "x.yaml")
			require.NoError(t, err)
			assert.Equal(t, tc.kits, c.Counters.Kits)
			if tc.explicit == "interventions: {web_activation: []}\n" {
				assert.Empty(t, c.Interventions.WebActivation)
			} else {
				require.Len(t, c.Interventions.WebActivation, 1)
				assert.Equal(t, defaultWebPerTeamPerDay, c.Interventions.WebActivation[0].PerTeamPerDay)
			}
		})
	}
}

func TestNationalAdults(t *testing.T) {
	c, err := Load("vietnam-2022")
	require.NoError(t, err)
	w, err := PrepareWorld(c, 200, 1)
	require.NoError(t, err)
	assert.InDelta(t, float64(nationalAdults), float64(len(w.Pop))/w.Scale, 1, "nationalAdults is the vietnam profile's adults")
}
