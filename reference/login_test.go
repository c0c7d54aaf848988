package reference_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

func TestLoginErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		req  reference.LoginRequest
		code string
	}{
		{"unknown id", reference.LoginRequest{CitizenID: "001090999999", Password: pwAn, DeviceID: "d"}, reference.EInvalidCredentials},
		{"malformed id", reference.LoginRequest{CitizenID: "abc", Password: pwAn, DeviceID: "d"}, reference.EInvalidCredentials},
		{"wrong password", reference.LoginRequest{CitizenID: idBinh, Password: pwAn, DeviceID: "dev-binh"}, reference.EInvalidCredentials},
		{"empty password", reference.LoginRequest{CitizenID: idBinh, Password: "", DeviceID: "dev-binh"}, reference.EInvalidCredentials},
		{"pending activation", reference.LoginRequest{CitizenID: idPhuong, Password: "Phuong!1960", DeviceID: "d"}, reference.EInvalidCredentials},
		{"citizen without account", reference.LoginRequest{CitizenID: idCuong, Password: pwAn, DeviceID: "d"}, reference.EInvalidCredentials},
		{"administrative lock", reference.LoginRequest{CitizenID: idLan, Password: "Lan#Bui1988", DeviceID: "dev-lan"}, reference.EAccountLocked},
		{"no device", reference.LoginRequest{CitizenID: idAn, Password: pwAn}, reference.EInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Login(bg, tt.req)
			requireCode(t, err, tt.code)
		})
	}
}

func TestLockout(t *testing.T) {
	e := newEnv(t)
	for range 4 {
		_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
		requireCode(t, err, reference.EInvalidCredentials)
	}
	_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
	got := requireCode(t, err, reference.EAccountLocked)
	until := fixtureTime.Add(30 * time.Minute)
	assert.Equal(t, until, got.Fields["locked_until"])

	// The lock is checked before the password: even the right one is refused.
	e.clock.Set(until.Add(-time.Second))
	_, err = e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	requireCode(t, err, reference.EAccountLocked)

	e.clock.Set(until)
	e.login(t, idAn, pwAn, "dev-an")

	// A success resets the count: four wrong, one right, four wrong again do not lock.
	for range 4 {
		_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
		requireCode(t, err, reference.EInvalidCredentials)
	}
	e.login(t, idAn, pwAn, "dev-an")
	for range 4 {
		_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
		requireCode(t, err, reference.EInvalidCredentials)
	}
	e.login(t, idAn, pwAn, "dev-an")
}

func TestConcurrentWrongPasswordsLockOnce(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Go(func() {
			_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	counts := map[string]int{}
	for err := range errs {
		counts[reference.ErrorCode(err)]++
	}
	// At most five attempts are counted and hashed; the others are refused while those are in
	// flight (rate_limited) or after they locked the account. At most four answer
	// invalid_credentials, and the account ends locked.
	assert.LessOrEqual(t, counts[reference.EInvalidCredentials], 4)
	assert.Equal(t, 12, counts[reference.EInvalidCredentials]+counts[reference.EAccountLocked]+counts[reference.ERateLimited])
	_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	requireCode(t, err, reference.EAccountLocked)
}

func TestNewDeviceLoginSignsOutOldDevice(t *testing.T) {
	e := newEnv(t)
	old := e.login(t, idAn, pwAn, "dev-an")
	_, err := e.svc.Me(bg, old.AccessToken)
	require.NoError(t, err)

	res, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-new"})
	require.NoError(t, err)
	require.Nil(t, res.Token)
	require.NotNil(t, res.Challenge)
	msgs := e.gw.to("0912345601")
	require.Len(t, msgs, 1, "the OTP goes to the account's phone")
	assert.Equal(t, reference.PurposeLogin, msgs[0].Purpose)

	tok, err := e.svc.VerifyLogin(bg, res.Challenge.ID, msgs[0].OTP)
	require.NoError(t, err)
	assert.Equal(t, "Bearer", tok.TokenType)
	assert.Equal(t, 3600, tok.ExpiresIn)
	p, err := e.svc.Me(bg, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, idAn, p.CitizenID)
	_, err = e.svc.Me(bg, old.AccessToken)
	requireCode(t, err, reference.EUnauthorized)

	// The new device is the bound one now: no challenge there, one on the old device.
	e.login(t, idAn, pwAn, "dev-new")
	res, err = e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	require.NoError(t, err)
	assert.NotNil(t, res.Challenge)
}

func TestTokens(t *testing.T) {
	e := newEnv(t)
	tok := e.login(t, idBinh, "Vneid#1985", "dev-binh")
	assert.Equal(t, 2, tok.Level)
	p, err := e.svc.Me(bg, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, &reference.Profile{CitizenID: idBinh, FullName: "Trần Thị Bình", Level: 2}, p)

	parts := strings.Split(tok.AccessToken, ".")
	require.Len(t, parts, 3)
	forged := parts[0] + "." + parts[1] + "x." + parts[2]
	tests := []struct{ name, tok string }{
		{"empty", ""},
		{"garbage", "Bearer abc"},
		{"bad signature", parts[0] + "." + parts[1] + ".AAAA"},
		{"edited body", forged},
	}
	for _, tt := range tests {
		_, err := e.svc.Me(bg, tt.tok)
		requireCode(t, err, reference.EUnauthorized)
	}

	// Tokens of one service are valid at another on the same store (the key is stored).
	other := newEnvOn(t, e.store, false)
	other.clock.Set(e.clock.Now())
	_, err = other.svc.Me(bg, tok.AccessToken)
	require.NoError(t, err)

	e.clock.Advance(time.Hour)
	_, err = e.svc.Me(bg, tok.AccessToken)
	requireCode(t, err, reference.EUnauthorized)
}
