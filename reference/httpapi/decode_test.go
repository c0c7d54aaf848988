package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference/httpapi"
)

func TestDecode_Register(t *testing.T) {
	valid := `{"citizen_id":"001090000001","full_name":"A","birth_date":"1990-01-02","phone":"0912345678","device_id":"d"}`
	tests := []struct {
		name, body string
		field      string // the field the error names, "" for none
		message    string // a part of the message
	}{
		{"empty body", ``, "", "JSON object"},
		{"whitespace", "  \n", "", "JSON object"},
		{"malformed", `{"citizen_id":`, "", "malformed JSON"},
		{"syntax", `{citizen_id:1}`, "", "malformed JSON at byte"},
		{"array", `[]`, "", "must be a JSON object"},
		{"string", `"hello"`, "", "must be a JSON object"},
		{"number for string", `{"citizen_id":1}`, "citizen_id", "must be a string, not number"},
		{"object for string", `{"phone":{}}`, "phone", "must be a string, not object"},
		{"bool for string", `{"device_id":true}`, "device_id", "must be a string, not bool"},
		{"unknown field", `{"citizen_id":"1","admin":true}`, "admin", "unknown field"},
		{"two values", valid + ` {}`, "", "exactly one JSON object"},
		{"trailing garbage", valid + ` x`, "", "exactly one JSON object"},
		{"null", `null`, "citizen_id", "required"},
		{"missing all", `{}`, "citizen_id", "required"},
		{"missing one", `{"citizen_id":"001090000001","full_name":"A","birth_date":"1990-01-02","device_id":"d"}`, "phone", "required"},
		{"empty string", `{"citizen_id":"","full_name":"A","birth_date":"1990-01-02","phone":"1","device_id":"d"}`, "citizen_id", "required"},
		{"too large", `{"full_name":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`, "", "body too large"},
		{"too large after value", valid + strings.Repeat(" ", httpapi.MaxBodyBytes), "", "body too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &fakeAPI{}
			res := do(t, mustServer(t, api, nil), "POST", "/v1/registrations", tt.body)
			require.Equal(t, http.StatusBadRequest, res.status, res.raw)
			assert.Equal(t, "invalid_input", errCode(res))
			assert.Contains(t, errField(res, "message"), tt.message)
			if tt.field == "" {
				assert.Nil(t, errField(res, "field"))
			} else {
				assert.Equal(t, tt.field, errField(res, "field"))
			}
			assert.Empty(t, api.lastCall, "the API is not called with a bad body")
		})
	}
}

// TestDecode_Required checks that each route names its first missing field.
func TestDecode_Required(t *testing.T) {
	for _, c := range calls {
		if c.method != "POST" || c.body == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			res := do(t, mustServer(t, &fakeAPI{}, nil), c.method, c.path, `{}`, c.header...)
			require.Equal(t, 400, res.status, res.raw)
			assert.NotEmpty(t, errField(res, "field"))
			assert.Contains(t, errField(res, "message"), "required")
		})
	}
}

func TestDecode_ResendBody(t *testing.T) {
	s := mustServer(t, &fakeAPI{}, nil)
	for _, body := range []string{``, ` `, `{}`, " {} \n"} {
		assert.Equal(t, 202, do(t, s, "POST", "/v1/otp/x/resend", body).status, "%q", body)
	}
	for _, body := range []string{`{"a":1}`, `[`, `{} {}`, `1`} {
		res := do(t, s, "POST", "/v1/otp/x/resend", body)
		assert.Equal(t, 400, res.status, "%q", body)
		assert.Equal(t, "invalid_input", errCode(res))
	}
	res := do(t, s, "POST", "/v1/otp/x/resend", `{"otp":"1"}`)
	assert.Equal(t, "otp", errField(res, "field"))
}
