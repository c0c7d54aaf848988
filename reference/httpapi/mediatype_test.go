package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestContentType checks finding 10: a POST with a body is read only as application/json
// (with an optional UTF-8 charset), so a web page cannot make a browser post a form or
// text/plain body to the service; anything else is 415 naming the expected type.
func TestContentType(t *testing.T) {
	for _, c := range calls {
		if c.method != "POST" || c.body == "" {
			continue
		}
		for _, tc := range []struct {
			ct     string
			status int
		}{
			{"text/plain", 415},
			{"text/plain;charset=UTF-8", 415},
			{"application/x-www-form-urlencoded", 415},
			{"multipart/form-data; boundary=x", 415},
			{"application/json; charset=iso-8859-1", 415},
			{"application/jsonx", 415},
			{"", 415},
			{"application/json", 0},
			{"application/json; charset=utf-8", 0},
			{"Application/JSON; charset=UTF-8", 0},
		} {
			api := &fakeAPI{}
			res := do(t, mustServer(t, api, nil), c.method, c.path, c.body, append([]string{"Content-Type", tc.ct}, c.header...)...)
			if tc.status == 415 {
				assert.Equal(t, 415, res.status, "%s %q", c.name, tc.ct)
				assert.Equal(t, "unsupported_media_type", errCode(res), "%s %q", c.name, tc.ct)
				assert.Contains(t, errField(res, "message"), "application/json", c.name)
				assert.Empty(t, api.lastCall, "%s %q: the API must not be called", c.name, tc.ct)
			} else {
				assert.Equal(t, c.apiCall, api.lastCall, "%s %q: %s", c.name, tc.ct, res.raw)
			}
		}
	}
	// A POST without a body needs no Content-Type (POST /v1/otp/{id}/resend).
	api := &fakeAPI{}
	res := do(t, mustServer(t, api, nil), "POST", "/v1/otp/reg-1/resend", "")
	assert.Equal(t, 202, res.status, res.raw)
}
