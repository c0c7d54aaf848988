package reference_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// TestWebLogin (defect 3): a browser is bound on its own record with a credential the service
// issues and rotates; a planted value (the app's device id, or anything else) is a new
// browser; and a web login leaves the phone app bound.
func TestWebLogin(t *testing.T) {
	e := newEnv(t)
	const phoneAn = "0912345601"

	// The app's device id as a browser credential: a new browser, OTP to the phone.
	res, err := e.svc.WebLogin(bg, idAn, pwAn, "dev-an")
	require.NoError(t, err)
	require.NotNil(t, res.Challenge, "the app's device id is not a browser binding")
	assert.Empty(t, res.Browser)
	_, err = e.svc.VerifyLogin(bg, res.Challenge.ID, e.gw.lastOTP(t, phoneAn))
	requireCode(t, err, reference.ENotFound) // the app's verify does not take a web login's challenge
	res, err = e.svc.WebLogin(bg, idAn, pwAn, "")
	require.NoError(t, err)
	require.NotNil(t, res.Challenge)
	done, err := e.svc.VerifyWebLogin(bg, res.Challenge.ID, e.gw.lastOTP(t, phoneAn))
	require.NoError(t, err)
	require.NotEmpty(t, done.Browser)
	assert.Equal(t, idAn, done.CitizenID)
	first := done.Browser

	// The phone app is still the bound device: a token, no OTP.
	e.login(t, idAn, pwAn, "dev-an")

	// The issued credential logs in without OTP and is replaced; the old one no longer works.
	res, err = e.svc.WebLogin(bg, idAn, pwAn, first)
	require.NoError(t, err)
	require.Nil(t, res.Challenge)
	require.NotEmpty(t, res.Browser)
	assert.NotEqual(t, first, res.Browser, "rotated at each login")
	again, err := e.svc.WebLogin(bg, idAn, pwAn, first)
	require.NoError(t, err)
	assert.NotNil(t, again.Challenge, "the previous credential is spent")

	tests := []struct{ name, browser string }{
		{"planted value", "browser-chosen-by-the-client"},
		{"another citizen's credential", mustTrust(t, e, idBinh)},
		{"over-long value", string(make([]byte, 300))},
	}
	for _, tc := range tests {
		e.clock.Advance(11 * time.Minute) // past the phone's send window
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.svc.WebLogin(bg, idAn, pwAn, tc.browser)
			require.NoError(t, err)
			assert.NotNil(t, r.Challenge)
		})
	}
	// A wrong password is refused as in Login, whatever the browser.
	_, err = e.svc.WebLogin(bg, idAn, "Wrong@2024", res.Browser)
	requireCode(t, err, reference.EInvalidCredentials)
}

func mustTrust(t *testing.T, e *env, citizenID string) string {
	v, err := e.svc.TrustBrowser(bg, citizenID)
	require.NoError(t, err)
	return v
}
