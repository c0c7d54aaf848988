package phone

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// libphonenumber's VN mobile pattern (national significant number).
var vnMobile = regexp.MustCompile(`^(?:(?:5(?:2[238]|59)|89[6-9]|99[013-9])\d{6}|(?:3\d|5[1689]|7[06-9]|8[1-8]|9[0-8])\d{7})$`)

func TestPrefixesAreValidForEverySubscriber(t *testing.T) {
	for _, c := range Carriers() {
		for _, p := range Prefixes(c) {
			for _, sub := range []string{"0000000", "5555555", "9999999"} {
				assert.True(t, vnMobile.MatchString(p[1:]+sub), "%s %s%s", c, p, sub)
			}
			assert.Equal(t, c, CarrierOf(p+"1234567"))
		}
	}
	assert.Equal(t, "", CarrierOf("0991234567"))
}

func TestPlanNumbersAreUniqueAndDisjoint(t *testing.T) {
	plan, err := NewPlan(map[string]float64{"viettel": 0.55, "vinaphone": 0.21, "mobifone": 0.19, "vietnamobile": 0.035, "gmobile": 0.01, "itelecom": 0.005}, 42)
	require.NoError(t, err)
	seen := map[string]bool{}
	byCarrier := map[string]int{}
	const n = 100000
	for i := uint64(0); i < n; i++ {
		c, num := plan.Current(i)
		s := string(plan.AppendNumber(nil, c, num))
		require.False(t, seen[s], "duplicate %s", s)
		seen[s] = true
		require.Equal(t, plan.CarrierName(c), CarrierOf(s))
		byCarrier[plan.CarrierName(c)]++
		oc, onum := plan.Old(i)
		o := string(plan.AppendNumber(nil, oc, onum))
		require.False(t, seen[o], "old number %s collides", o)
		seen[o] = true
	}
	assert.InDelta(t, 0.55, float64(byCarrier["viettel"])/n, 0.01)
	assert.InDelta(t, 0.21, float64(byCarrier["vinaphone"])/n, 0.01)
	// the last indices of the plan are fine too
	c, num := plan.Current(MaxPopulation - 1)
	assert.Len(t, plan.AppendNumber(nil, c, num), 10)
}

func TestPlanErrors(t *testing.T) {
	_, err := NewPlan(map[string]float64{"wintel": 1}, 1)
	assert.Error(t, err)
	_, err = NewPlan(map[string]float64{"gmobile": 1}, 1)
	assert.ErrorContains(t, err, "gmobile")
	assert.Less(t, MaxShare("gmobile"), 0.1)
}
