package population

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzDecodeLine: DecodeLine never panics; a line it accepts is a valid record that survives
// a round trip through JSON unchanged; a line it refuses names a field or says the JSON is
// malformed.
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{
		`{"citizen_id":"001090000101","full_name":"Nguyễn Văn An","sex":"M","birth_date":"1990-03-14","province_code":"001","ethnicity":"Kinh","handset":"smartphone","sim":{"phone":"0912345601","owner_registered":true},"coverage":"4g","account":{"level":1,"phone":"0912345601","password":"Matkhau@2024","device_id":"dev-an"}}`,
		`{"citizen_id":"038160000106","full_name":"Đỗ Thị Phương","sex":"F","birth_date":"1960-12-25","province_code":"038","ethnicity":"Kinh","handset":"smartphone","sim":{"phone":"0886000106","owner_registered":true},"coverage":"4g","account":{"level":2,"phone":"0886000106","password":"Phuong!1960","device_id":"","status":"pending_activation"}}`,
		`{"citizen_id":"040145000112","full_name":"Ngô Thị Mai","sex":"F","birth_date":"1945-10-10","province_code":"040","ethnicity":"Kinh","handset":"none","sim":{"phone":"","owner_registered":false},"coverage":"4g","account":null,"traits":{"forget_per_year":1,"typo_rate":0.1,"patience":2,"biometric_quality":0.3}}`,
		`{"citizen_id":"001090000101","sex":"X"}`,
		`{"citizen_id":12}`,
		`{`,
		`null`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec Record
		err := DecodeLine(b, &rec)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				assert.Contains(t, err.Error(), "malformed JSON")
			} else if fe.Field == "" {
				// A top-level value of the wrong type (e.g. an array) has no field to name.
				assert.Contains(t, fe.Msg, "wrong type")
			}
			return
		}
		require.NoError(t, rec.Validate())
		out, err := json.Marshal(&rec)
		require.NoError(t, err)
		var again Record
		require.NoError(t, DecodeLine(out, &again), "re-encoded: %s", out)
		assert.Equal(t, rec, again)
	})
}
