package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

func TestSettings(t *testing.T) {
	api := &fakeAPI{}
	res := do(t, mustServer(t, api, nil), "GET", "/sim/settings", "", auth...)
	require.Equal(t, 200, res.status, res.raw)
	assert.Equal(t, "Settings", api.lastCall)
	hash, ok := res.body["hash"].(map[string]any)
	require.True(t, ok, res.raw)
	assert.Equal(t, "argon2id", hash["algorithm"])
	assert.Equal(t, 64.0, res.body["password_pool_size"])

	api = &fakeAPI{err: reference.Errorf(reference.EUnavailable, "store down")}
	res = do(t, mustServer(t, api, nil), "GET", "/sim/settings", "", auth...)
	assert.Equal(t, 503, res.status, res.raw)
}
