package load_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/scenarios/load"
)

// TestSampleFreePhoneSkipsRecycledNumbers: a citizen without an account whose SIM number is
// another citizen's account phone (a recycled number) would meet phone_in_use when registering
// or enrolling, so the clean pools never draw them, while the plain register pool may.
func TestSampleFreePhoneSkipsRecycledNumbers(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	recycled := map[string]bool{}
	for i := 0; i < 400; i++ {
		r := population.Record{
			CitizenID: fmt.Sprintf("011080%06d", i), FullName: "Lò Văn A", Sex: "M", BirthDate: "1980-01-02",
			ProvinceCode: "011", Ethnicity: "Thai", Handset: population.HandsetSmartphone,
			SIM:      population.SIM{Phone: fmt.Sprintf("09%08d", i), OwnerRegistered: true},
			Coverage: population.Coverage4G,
			Traits:   &population.Traits{Patience: 3, BiometricQuality: 0.95},
		}
		if i%2 == 1 {
			// An account on an old number; every other old number is now the SIM of the next
			// citizen, who has no account.
			old := fmt.Sprintf("08%08d", i)
			if i%4 == 1 {
				old = fmt.Sprintf("09%08d", i+1)
				recycled[old] = true
			}
			r.Account = &population.Account{Level: 1, Phone: old, Password: "Pw!12345a", DeviceID: "dev"}
		}
		require.NoError(t, r.Validate())
		require.NoError(t, enc.Encode(&r))
	}
	require.Len(t, recycled, 100)

	got, _, err := load.Sample(bytes.NewReader(buf.Bytes()), "pop", 3, 0,
		map[string]int{"register_ok": 150, "enrol_new_ok": 40})
	require.NoError(t, err)
	// 200 citizens have no account, 100 of them on recycled numbers; pools draw in name order.
	require.Len(t, got["enrol_new_ok"], 40)
	require.Len(t, got["register_ok"], 60, "the 100 clean citizens less the 40 drawn for enrol_new_ok")
	for _, pool := range []string{"register_ok", "enrol_new_ok"} {
		for _, c := range got[pool] {
			assert.False(t, recycled[c.SIM.Phone], "%s: line %d holds another account's phone", pool, c.Line)
		}
	}

	plain, _, err := load.Sample(bytes.NewReader(buf.Bytes()), "pop", 3, 0, map[string]int{"register": 200})
	require.NoError(t, err)
	assert.Len(t, plain["register"], 200, "the plain pool keeps recycled numbers: that barrier is part of the load")
}
