package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

const otherPopulation = "../../reference/testdata/population.jsonl"

// TestServe_OnePopulationPerStore: a restart with another population file is refused (the
// two would merge into one world) until --reset deletes the store.
func TestServe_OnePopulationPerStore(t *testing.T) {
	data := t.TempDir()
	rs := startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--operator-token", "T0K")
	require.Equal(t, exitOK, rs.stop())

	code, _, stderr := runCmd(t, nil, "serve", "--population", otherPopulation, "--data", data, "--hash", "fast", "--addr", "127.0.0.1:0", "--operator-token", "T0K")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "is not the population "+data+" holds")
	assert.Contains(t, stderr, "--reset")

	rs = startServeInProcess(t, "--population", otherPopulation, "--data", data, "--hash", "fast", "--operator-token", "T0K", "--reset")
	assert.Contains(t, rs.stderr.String(), "--reset: deleted the store in "+data)
	assert.Contains(t, rs.stderr.String(), "imported 12 citizens")
}

// TestLoad_ChecksTheServicesWorld: /sim/settings names the imported file; load refuses
// another population before running k6, and warns once flows have changed the world.
func TestLoad_ChecksTheServicesWorld(t *testing.T) {
	rs := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--operator-token", "T0K", "--access-log=false")
	c := &client{tb: t, base: rs.url, http: http.DefaultClient, op: "T0K"}
	settings := func() json.RawMessage {
		r := c.do("GET", "/sim/settings", nil, "")
		require.Equal(t, 200, r.status)
		b, err := json.Marshal(r.body)
		require.NoError(t, err)
		return b
	}
	var st reference.Settings
	require.NoError(t, json.Unmarshal(settings(), &st))
	require.Len(t, st.Population, 1)
	sum, err := fileSHA256(servePopulation)
	require.NoError(t, err)
	assert.Equal(t, sum, st.Population[0].SHA256)
	assert.EqualValues(t, 60, st.Population[0].Citizens)
	assert.Zero(t, st.ChangedSinceImport)

	warning, err := checkWorld(settings(), servePopulation)
	require.NoError(t, err)
	assert.Empty(t, warning)
	_, err = checkWorld(settings(), otherPopulation)
	var ue *usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "is not the population the service was started with")

	// A registration changes the world: the next run is warned.
	r := c.do("POST", "/v1/registrations", map[string]string{"citizen_id": "001090000001", "full_name": "Trần Văn Bình",
		"birth_date": "1990-02-02", "phone": "0971000001", "device_id": "phone-A"}, "")
	require.Equal(t, 202, r.status, "%v", r.body)
	var after int64
	otp := c.otp("0971000001", &after)
	r = c.do("POST", "/v1/registrations/"+r.body["registration_id"].(string)+"/verify",
		map[string]string{"otp": otp, "password": "Matkhau@2024", "passcode": "246810"}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	warning, err = checkWorld(settings(), servePopulation)
	require.NoError(t, err)
	assert.Contains(t, warning, "1 accounts created or changed")

	// Through the command: exit 2 before k6 is looked for.
	code, _, stderr := runCmd(t, nil, "load", "smoke", "--target", rs.url, "--population", otherPopulation, "--operator-token", "T0K", "--out", t.TempDir())
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "is not the population the service was started with")
}
