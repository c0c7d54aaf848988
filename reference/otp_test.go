package reference_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// newDeviceChallenge logs An in on a new device and returns the challenge and its code.
func newDeviceChallenge(t *testing.T, e *env, device string) (*reference.Ticket, string) {
	t.Helper()
	res, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: device})
	require.NoError(t, err)
	require.NotNil(t, res.Challenge)
	return res.Challenge, e.gw.lastOTP(t, "0912345601")
}

func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

func TestOTPWrongEntriesKillChallenge(t *testing.T) {
	e := newEnv(t)
	ch, code := newDeviceChallenge(t, e, "dev-new")
	for left := 4; left >= 1; left-- {
		_, err := e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
		got := requireCode(t, err, reference.EOTPInvalid)
		assert.Equal(t, left, got.Fields["attempts_left"])
	}
	_, err := e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
	requireCode(t, err, reference.EOTPAttemptsExceeded)
	_, err = e.svc.VerifyLogin(bg, ch.ID, code)
	requireCode(t, err, reference.EOTPAttemptsExceeded)
	_, err = e.svc.Resend(bg, ch.ID)
	requireCode(t, err, reference.EOTPAttemptsExceeded)
}

func TestOTPStates(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		run  func(t *testing.T) error
		code string
	}{
		{"expired", func(t *testing.T) error {
			ch, code := newDeviceChallenge(t, e, "dev-x1")
			e.clock.Advance(180 * time.Second)
			_, err := e.svc.VerifyLogin(bg, ch.ID, code)
			return err
		}, reference.EOTPExpired},
		{"used", func(t *testing.T) error {
			ch, code := newDeviceChallenge(t, e, "dev-x2")
			_, err := e.svc.VerifyLogin(bg, ch.ID, code)
			require.NoError(t, err)
			_, err = e.svc.VerifyLogin(bg, ch.ID, code)
			return err
		}, reference.EOTPExpired},
		{"unknown id", func(t *testing.T) error {
			_, err := e.svc.VerifyLogin(bg, "0123456789abcdef0123456789abcdef", "123456")
			return err
		}, reference.ENotFound},
		{"wrong purpose", func(t *testing.T) error {
			ch, code := newDeviceChallenge(t, e, "dev-x3")
			_, err := e.svc.VerifyRecovery(bg, ch.ID, reference.RecoveryVerifyRequest{OTP: code, NewPassword: "Newpass@1"})
			return err
		}, reference.ENotFound},
		{"malformed code", func(t *testing.T) error {
			ch, _ := newDeviceChallenge(t, e, "dev-x4")
			_, err := e.svc.VerifyLogin(bg, ch.ID, "12a456")
			return err
		}, reference.EInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Advance(11 * time.Minute) // a fresh send window
			requireCode(t, tt.run(t), tt.code)
		})
	}
}

func TestResend(t *testing.T) {
	e := newEnv(t)
	ch, first := newDeviceChallenge(t, e, "dev-new")
	_, err := e.svc.Resend(bg, ch.ID)
	got := requireCode(t, err, reference.EResendTooSoon)
	assert.Equal(t, 60, got.Fields["retry_after"])
	e.clock.Advance(45 * time.Second)
	_, err = e.svc.Resend(bg, ch.ID)
	got = requireCode(t, err, reference.EResendTooSoon)
	assert.Equal(t, 15, got.Fields["retry_after"])

	// A wrong entry before the resend still counts afterwards.
	_, err = e.svc.VerifyLogin(bg, ch.ID, wrongCode(first))
	requireCode(t, err, reference.EOTPInvalid)
	var codes []string
	for i := range 3 {
		now := e.clock.Advance(60 * time.Second)
		exp, err := e.svc.Resend(bg, ch.ID)
		require.NoError(t, err, "resend %d", i+1)
		assert.Equal(t, now.Add(180*time.Second), exp)
		codes = append(codes, e.gw.lastOTP(t, "0912345601"))
	}
	e.clock.Advance(60 * time.Second)
	_, err = e.svc.Resend(bg, ch.ID)
	requireCode(t, err, reference.EResendLimit)

	last := codes[len(codes)-1]
	if first != last {
		_, err = e.svc.VerifyLogin(bg, ch.ID, first)
		got = requireCode(t, err, reference.EOTPInvalid)
		assert.Equal(t, 3, got.Fields["attempts_left"], "wrong entries are not reset by a resend")
	}
	tok, err := e.svc.VerifyLogin(bg, ch.ID, last)
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)
	assert.Len(t, e.gw.to("0912345601"), 4)
}

func TestSendLimitPerPhone(t *testing.T) {
	e := newEnv(t)
	// Five sends to An's phone in any flows, then the sixth within 10 minutes is refused.
	for i := range 4 {
		newDeviceChallenge(t, e, "dev-"+string(rune('a'+i)))
		e.clock.Advance(time.Minute)
	}
	tk, err := e.svc.StartRecovery(bg, reference.RecoveryRequest{CitizenID: idAn, Phone: "0912345601",
		FullName: "Nguyễn Văn An", BirthDate: "1990-03-14"})
	require.NoError(t, err)
	_, err = e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-z"})
	requireCode(t, err, reference.ERateLimited)
	e.clock.Advance(time.Minute)
	// A recovery answers by its own budget (so the answer does not tell whether its data
	// matched): the resend is accepted, but no sixth code goes to the phone.
	_, err = e.svc.Resend(bg, tk.ID)
	require.NoError(t, err)
	assert.Len(t, e.gw.to("0912345601"), 5)
	// The first send leaves the window 10 minutes after it was made.
	e.clock.Set(fixtureTime.Add(10*time.Minute + time.Second))
	newDeviceChallenge(t, e, "dev-later")
}

func TestGatewayRefusalLeavesNoState(t *testing.T) {
	e := newEnv(t)
	e.gw.fail.Store(true)
	for range 6 {
		_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-new"})
		requireCode(t, err, reference.EUnavailable)
	}
	_, err := e.svc.Register(bg, reference.RegisterRequest{CitizenID: idCuong, FullName: "Lê Hoàng Cường",
		BirthDate: "2001-07-21", Phone: "0901234503", DeviceID: "d"})
	requireCode(t, err, reference.EUnavailable)
	c := e.goodCapture(t, idAn)
	_, err = e.svc.CounterPasswordReset(bg, reference.CounterRequest{CitizenID: idAn, Capture: c})
	requireCode(t, err, reference.EUnavailable)
	e.gw.fail.Store(false)
	// Refused sends were not counted and the reset was undone: An still logs in, and five
	// sends are still allowed.
	e.login(t, idAn, pwAn, "dev-an")
	for i := range 5 {
		newDeviceChallenge(t, e, "dev-"+string(rune('a'+i)))
	}

	// A refused resend keeps the previous code valid and the resend budget.
	e.clock.Advance(11 * time.Minute)
	ch, code := newDeviceChallenge(t, e, "dev-r")
	e.clock.Advance(time.Minute)
	e.gw.fail.Store(true)
	_, err = e.svc.Resend(bg, ch.ID)
	requireCode(t, err, reference.EUnavailable)
	e.gw.fail.Store(false)
	_, err = e.svc.VerifyLogin(bg, ch.ID, code)
	require.NoError(t, err)
}

func TestConcurrentOTP(t *testing.T) {
	e := newEnv(t)
	t.Run("wrong entries all count", func(t *testing.T) {
		ch, code := newDeviceChallenge(t, e, "dev-c1")
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				_, err := e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		counts := map[string]int{}
		for err := range errs {
			counts[reference.ErrorCode(err)]++
		}
		// 4 answers otp_invalid, the 5th otp_attempts_exceeded, the rest find it dead.
		assert.Equal(t, map[string]int{reference.EOTPInvalid: 4, reference.EOTPAttemptsExceeded: 4}, counts)
	})
	t.Run("one correct code wins once", func(t *testing.T) {
		ch, code := newDeviceChallenge(t, e, "dev-c2")
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				_, err := e.svc.VerifyLogin(bg, ch.ID, code)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		counts := map[string]int{}
		for err := range errs {
			counts[reference.ErrorCode(err)]++
		}
		assert.Equal(t, map[string]int{"": 1, reference.EOTPExpired: 7}, counts)
	})
}
