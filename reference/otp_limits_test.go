package reference_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// Recoveries with made-up data for a victim's phone exhaust only that phone's recovery
// budget: its new-device login code still goes out. Before, they counted against the phone's
// send limit and silenced every flow to it for 10 minutes, with no retry hint.
func TestMadeUpRecoveriesDoNotSilencePhone(t *testing.T) {
	e := newEnv(t)
	fake := reference.RecoveryRequest{CitizenID: idAn, Phone: "0912345601", FullName: "Someone Else", BirthDate: "1990-03-14"}
	for i := range 5 {
		_, err := e.svc.StartRecovery(bg, fake)
		require.NoError(t, err, "recovery %d", i+1)
	}
	_, err := e.svc.StartRecovery(bg, fake)
	got := requireCode(t, err, reference.ERateLimited)
	assert.Equal(t, 600, got.Fields["retry_after"], "seconds of the send window")
	// Matched data is refused alike (the answer must not tell whether the data matched) ...
	_, err = e.svc.StartRecovery(bg, reference.RecoveryRequest{CitizenID: idAn, Phone: "0912345601",
		FullName: "Nguyễn Văn An", BirthDate: "1990-03-14"})
	requireCode(t, err, reference.ERateLimited)
	assert.Empty(t, e.gw.to("0912345601"))
	// ... but the phone's other flows are not silenced.
	_, code := newDeviceChallenge(t, e, "dev-new")
	assert.NotEmpty(t, code)
}

// A matched recovery goes out and counts against the phone's own budget too.
func TestMatchedRecoveryChargesPhone(t *testing.T) {
	e := newEnv(t)
	for range 4 {
		newDeviceChallenge(t, e, "dev-x")
	}
	_, err := e.svc.StartRecovery(bg, reference.RecoveryRequest{CitizenID: idAn, Phone: "0912345601",
		FullName: "Nguyễn Văn An", BirthDate: "1990-03-14"})
	require.NoError(t, err)
	assert.Len(t, e.gw.to("0912345601"), 5)
	_, err = e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-y"})
	requireCode(t, err, reference.ERateLimited)
}

// MaxFailedChallenges challenges ended in otp_attempts_exceeded within the window: further
// challenges of that citizen are refused with otp_challenges_exceeded (a recovery silently
// sends nothing), until the window has passed. Before, nothing capped failed challenges: 25
// guesses per 10 minutes.
func TestFailedChallengeCap(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		ch, code := newDeviceChallenge(t, e, "dev-new")
		for range 4 {
			_, err := e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
			requireCode(t, err, reference.EOTPInvalid)
		}
		_, err := e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
		got := requireCode(t, err, reference.EOTPAttemptsExceeded)
		assert.Equal(t, 60, got.Fields["retry_after"], "challenge %d", i+1)
		e.clock.Advance(11 * time.Minute) // out of the send window
	}
	_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-new"})
	got := requireCode(t, err, reference.EOTPChallengesExceeded)
	assert.Equal(t, 86400, got.Fields["retry_after"])
	sent := len(e.gw.to("0912345601"))
	_, err = e.svc.StartRecovery(bg, reference.RecoveryRequest{CitizenID: idAn, Phone: "0912345601",
		FullName: "Nguyễn Văn An", BirthDate: "1990-03-14"})
	require.NoError(t, err, "a recovery answers as always ...")
	assert.Len(t, e.gw.to("0912345601"), sent, "... but sends no code")
	// The bound device needs no OTP and still logs in.
	e.login(t, idAn, pwAn, "dev-an")

	e.clock.Advance(24 * time.Hour)
	_, code := newDeviceChallenge(t, e, "dev-new")
	assert.NotEmpty(t, code)
}

// Wrong codes on a recovery challenge no code could match (made-up data) count for no one.
func TestUnmatchedRecoveryFailuresDoNotCount(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		tk, err := e.svc.StartRecovery(bg, reference.RecoveryRequest{CitizenID: idAn, Phone: "0912345601",
			FullName: "Someone Else", BirthDate: "1990-03-14"})
		require.NoError(t, err)
		for range 5 {
			_, err = e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: "123456", NewPassword: "Moi@Khau2025"})
			require.Error(t, err)
		}
		requireCode(t, err, reference.EOTPAttemptsExceeded)
	}
	newDeviceChallenge(t, e, "dev-new")
}

// Every 429 carries retry_after: the resend limit too.
func TestResendLimitRetryAfter(t *testing.T) {
	e := newEnv(t)
	ch, _ := newDeviceChallenge(t, e, "dev-new")
	for range 3 {
		e.clock.Advance(time.Minute)
		_, err := e.svc.Resend(bg, ch.ID)
		require.NoError(t, err)
	}
	e.clock.Advance(time.Minute)
	_, err := e.svc.Resend(bg, ch.ID)
	got := requireCode(t, err, reference.EResendLimit)
	assert.Equal(t, 60, got.Fields["retry_after"])
}

// Pruning drops failed-challenge events older than the window.
func TestPruneFailedChallengeEvents(t *testing.T) {
	defer reference.SetPruneEvery(1)()
	e := newEnv(t)
	ch, code := newDeviceChallenge(t, e, "dev-new")
	for range 5 {
		_, _ = e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
	}
	count := func() int {
		var n int
		require.NoError(t, e.store.View(bg, func(tx reference.Tx) error {
			var err error
			n, err = tx.CountEvents("otp-failed:"+idAn, time.Time{})
			return err
		}))
		return n
	}
	require.Equal(t, 1, count())
	e.clock.Advance(25 * time.Hour)
	newDeviceChallenge(t, e, "dev-new") // opens one and prunes
	assert.Equal(t, 0, count())
}
