package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServe_RecycledNumberReachesNewHolder: over eidsim serve, an OTP for an account whose
// number was recycled (reference/testdata: Hoàng Văn Em's account is on 0977000105, which Vũ
// Minh Khoa holds now) reaches that number's handset, and the account holder's own SIM gets
// nothing. scenarios/campaign's TestRecycledNumberSameInBothDrivers checks that the
// simulation agrees.
func TestServe_RecycledNumberReachesNewHolder(t *testing.T) {
	rs := startServeInProcess(t, "--population", otherPopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--operator-token", "T0K", "--access-log=false")
	c := &client{tb: t, base: rs.url, http: http.DefaultClient, op: "T0K"}
	r := c.do("POST", "/v1/sessions", map[string]string{"citizen_id": "001075000105", "password": "Hoang@1975", "device_id": "new-phone"}, "")
	require.Equal(t, http.StatusAccepted, r.status, "%v", r.body)
	var after int64
	assert.Len(t, c.otp("0977000105", &after), 6, "the recycled number's new holder reads the OTP")
	own := c.do("GET", "/sim/handsets/0355000105/messages", nil, "")
	require.Equal(t, http.StatusOK, own.status)
	assert.Empty(t, own.body["messages"], "the account holder's own SIM gets nothing")
}
