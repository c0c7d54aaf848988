package reference_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

func recoveryReq(id, phone, name, birth string) reference.RecoveryRequest {
	return reference.RecoveryRequest{CitizenID: id, Phone: phone, FullName: name, BirthDate: birth}
}

func TestRecoveryAnswersHaveOneShape(t *testing.T) {
	e := newEnv(t)
	reqs := []struct {
		name    string
		req     reference.RecoveryRequest
		matches bool
	}{
		{"all match", recoveryReq(idAn, "0912345601", "Nguyễn Văn An", "1990-03-14"), true},
		{"unknown id", recoveryReq("001090999999", "0912345601", "Nguyễn Văn An", "1990-03-14"), false},
		{"wrong phone", recoveryReq(idBinh, "0912345601", "Trần Thị Bình", "1985-11-02"), false},
		{"wrong name", recoveryReq(idBinh, "0987654302", "Trần Thị Bính", "1985-11-02"), false},
		{"wrong birth date", recoveryReq(idBinh, "0987654302", "Trần Thị Bình", "1985-11-03"), false},
		{"no account", recoveryReq(idCuong, "0901234503", "Lê Hoàng Cường", "2001-07-21"), false},
		{"pending activation", recoveryReq(idPhuong, "0886000106", "Đỗ Thị Phương", "1960-12-25"), false},
	}
	var first *reference.Ticket
	for _, tt := range reqs {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.gw.to(tt.req.Phone))
			tk, err := e.svc.StartRecovery(bg, tt.req)
			require.NoError(t, err)
			if first == nil {
				first = tk
			}
			assert.Len(t, tk.ID, len(first.ID))
			assert.Equal(t, first.ExpiresAt, tk.ExpiresAt)
			sent := len(e.gw.to(tt.req.Phone)) - before
			if !tt.matches {
				assert.Zero(t, sent, "no SMS when the data did not match")
				// No code can ever match: all 5 tries fail like wrong codes.
				for left := 4; left >= 1; left-- {
					_, err := e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: "123456", NewPassword: "Newpass@1"})
					got := requireCode(t, err, reference.EOTPInvalid)
					assert.Equal(t, left, got.Fields["attempts_left"])
				}
				return
			}
			require.Equal(t, 1, sent)
			code := e.gw.lastOTP(t, tt.req.Phone)
			_, err = e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: code, NewPassword: "weak"})
			requireCode(t, err, reference.EWeakPassword)
			id, err := e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: code, NewPassword: "Newpass@1"})
			require.NoError(t, err)
			assert.Equal(t, idAn, id)
			e.login(t, idAn, "Newpass@1", "dev-an")
		})
	}
	// Malformed input is refused alike for everyone.
	_, err := e.svc.StartRecovery(bg, recoveryReq(idAn, "12", "x", "1990-03-14"))
	requireCode(t, err, reference.EInvalidInput)
}

func TestRecoveryLiftsLockAndSignsOut(t *testing.T) {
	e := newEnv(t)
	tok := e.login(t, idAn, pwAn, "dev-an")
	for range 5 {
		e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"}) //nolint:errcheck
	}
	tk, err := e.svc.StartRecovery(bg, recoveryReq(idAn, "0912345601", "Nguyễn Văn An", "1990-03-14"))
	require.NoError(t, err)
	_, err = e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: e.gw.lastOTP(t, "0912345601"), NewPassword: "Newpass@1"})
	require.NoError(t, err)
	_, err = e.svc.Me(bg, tok.AccessToken)
	requireCode(t, err, reference.EUnauthorized)
	e.login(t, idAn, "Newpass@1", "dev-an")
	_, err = e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	requireCode(t, err, reference.EInvalidCredentials)
}

// TestSwappedSIMRecovery: Hoàng Văn Em's account is on 0977000105, a number he no longer holds
// (Vũ Minh Khoa holds it now). Recovery sends the OTP to the old number, so Em cannot finish;
// after a phone change at the counter to his owner-registered SIM he can.
func TestSwappedSIMRecovery(t *testing.T) {
	e := newEnv(t)
	h, err := e.svc.Handset(bg, "0977000105")
	require.NoError(t, err)
	assert.Equal(t, idKhoa, h.HolderID, "the old number was recycled to Khoa")

	// With the account's phone: an OTP goes out — to the number Khoa now holds.
	tk, err := e.svc.StartRecovery(bg, recoveryReq(idEm, "0977000105", "Hoàng Văn Em", "1975-05-09"))
	require.NoError(t, err)
	require.Len(t, e.gw.to("0977000105"), 1)
	assert.Empty(t, e.gw.to("0355000105"), "nothing reaches Em's handset")
	// Em guesses (he never sees the code) until the challenge dies.
	for range 5 {
		_, err = e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: "123456", NewPassword: "Newpass@1"})
	}
	code := e.gw.lastOTP(t, "0977000105")
	_, err = e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: code, NewPassword: "Newpass@1"})
	requireCode(t, err, reference.EOTPAttemptsExceeded)

	// With his current SIM: it is not the account's phone, so no OTP at all.
	_, err = e.svc.StartRecovery(bg, recoveryReq(idEm, "0355000105", "Hoàng Văn Em", "1975-05-09"))
	require.NoError(t, err)
	assert.Empty(t, e.gw.to("0355000105"))

	// The counter re-binds the account to his own SIM; a notice goes there.
	info, err := e.svc.ChangePhone(bg, reference.PhoneChangeRequest{CitizenID: idEm, NewPhone: "0355000105",
		Capture: e.goodCapture(t, idEm)})
	require.NoError(t, err)
	assert.Equal(t, &reference.AccountInfo{CitizenID: idEm, Level: 1}, info)
	notice := e.gw.to("0355000105")
	require.Len(t, notice, 1)
	assert.Equal(t, reference.PurposeNotice, notice[0].Purpose)
	assert.Empty(t, notice[0].OTP)

	tk, err = e.svc.StartRecovery(bg, recoveryReq(idEm, "0355000105", "Hoàng Văn Em", "1975-05-09"))
	require.NoError(t, err)
	_, err = e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: e.gw.lastOTP(t, "0355000105"), NewPassword: "Newpass@1"})
	require.NoError(t, err)
	e.login(t, idEm, "Newpass@1", "dev-em")

	// The freed old number can now carry an account of its holder.
	tk, err = e.svc.Register(bg, reference.RegisterRequest{CitizenID: idKhoa, FullName: "Vũ Minh Khoa",
		BirthDate: "2003-04-04", Phone: "0977000105", DeviceID: "dev-khoa"})
	require.NoError(t, err)
	assert.NotEmpty(t, tk.ID)
}

func TestActivation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		req  reference.ActivationRequest
		code string
	}{
		{"wrong phone", reference.ActivationRequest{CitizenID: idPhuong, Phone: "0912345601", DeviceID: "d"}, reference.EIdentityMismatch},
		{"no account", reference.ActivationRequest{CitizenID: idCuong, Phone: "0901234503", DeviceID: "d"}, reference.EIdentityMismatch},
		{"unknown", reference.ActivationRequest{CitizenID: "001090999999", Phone: "0901234503", DeviceID: "d"}, reference.EIdentityMismatch},
		{"active account", reference.ActivationRequest{CitizenID: idAn, Phone: "0912345601", DeviceID: "d"}, reference.EIdentityMismatch},
		{"no device", reference.ActivationRequest{CitizenID: idPhuong, Phone: "0886000106"}, reference.EInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.StartActivation(bg, tt.req)
			requireCode(t, err, tt.code)
		})
	}
	tk, err := e.svc.StartActivation(bg, reference.ActivationRequest{CitizenID: idPhuong, Phone: "0886000106", DeviceID: "dev-phuong"})
	require.NoError(t, err)
	code := e.gw.lastOTP(t, "0886000106")
	_, err = e.svc.VerifyActivation(bg, tk.ID, reference.VerifyRequest{OTP: code, Password: "Phuong@1960", Passcode: "12x456"})
	got := requireCode(t, err, reference.EInvalidInput)
	assert.Equal(t, "passcode", got.Fields["field"])
	info, err := e.svc.VerifyActivation(bg, tk.ID, reference.VerifyRequest{OTP: code, Password: "Phuong@1960", Passcode: "654321"})
	require.NoError(t, err)
	assert.Equal(t, &reference.AccountInfo{CitizenID: idPhuong, Level: 2}, info)
	tok := e.login(t, idPhuong, "Phuong@1960", "dev-phuong")
	assert.Equal(t, 2, tok.Level)
	_, err = e.svc.StartActivation(bg, reference.ActivationRequest{CitizenID: idPhuong, Phone: "0886000106", DeviceID: "dev-phuong"})
	requireCode(t, err, reference.EIdentityMismatch)
}

func TestCounter(t *testing.T) {
	e := newEnv(t)
	t.Run("enrol a citizen without account", func(t *testing.T) {
		en, err := e.svc.Enroll(bg, reference.EnrollRequest{CitizenID: idCuong, Phone: "0901234503", StationID: "CA-079-01",
			Capture: e.goodCapture(t, idCuong)})
		require.NoError(t, err)
		assert.Equal(t, 2, en.Level)
		assert.Equal(t, reference.StatusPendingActivation, en.Status)
		assert.NotEmpty(t, en.ID)
		require.Len(t, e.gw.to("0901234503"), 1)
		tk, err := e.svc.StartActivation(bg, reference.ActivationRequest{CitizenID: idCuong, Phone: "0901234503", DeviceID: "dev-c"})
		require.NoError(t, err)
		info, err := e.svc.VerifyActivation(bg, tk.ID, reference.VerifyRequest{OTP: e.gw.lastOTP(t, "0901234503"),
			Password: "Cuong@2001", Passcode: "123456"})
		require.NoError(t, err)
		assert.Equal(t, 2, info.Level)
	})
	t.Run("upgrade a level-1 account", func(t *testing.T) {
		tok := e.login(t, idAn, pwAn, "dev-an")
		assert.Equal(t, 1, tok.Level)
		en, err := e.svc.Enroll(bg, reference.EnrollRequest{CitizenID: idAn, Phone: "0912345601", StationID: "CA-001-01",
			Capture: e.goodCapture(t, idAn)})
		require.NoError(t, err)
		assert.Equal(t, reference.StatusActive, en.Status)
		p, err := e.svc.Me(bg, tok.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, 2, p.Level, "the level shows at once")
	})
	errs := []struct {
		name  string
		run   func() error
		code  string
		field string
	}{
		{"non-owner SIM", func() error {
			_, err := e.svc.Enroll(bg, reference.EnrollRequest{CitizenID: idDung, Phone: "0938000104", Capture: e.goodCapture(t, idDung)})
			return err
		}, reference.EPhoneNotOwner, "phone"},
		{"phone on another account", func() error {
			_, err := e.svc.Enroll(bg, reference.EnrollRequest{CitizenID: idKhoa, Phone: "0977000105", Capture: e.goodCapture(t, idKhoa)})
			return err
		}, reference.EPhoneInUse, ""},
		{"someone else's capture", func() error {
			_, err := e.svc.Enroll(bg, reference.EnrollRequest{CitizenID: idBinh, Phone: "0987654302", Capture: e.goodCapture(t, idAn)})
			return err
		}, reference.EBiometricMismatch, ""},
		{"malformed capture", func() error {
			_, err := e.svc.Unlock(bg, reference.CounterRequest{CitizenID: idLan, Capture: "fingerprint"})
			return err
		}, reference.EInvalidInput, "capture"},
		{"edited capture", func() error {
			c := []byte(e.goodCapture(t, idLan))
			c[10] ^= 1
			_, err := e.svc.Unlock(bg, reference.CounterRequest{CitizenID: idLan, Capture: string(c)})
			return err
		}, reference.EInvalidInput, "capture"},
		{"phone change to a non-owner SIM", func() error {
			_, err := e.svc.ChangePhone(bg, reference.PhoneChangeRequest{CitizenID: idAn, NewPhone: "0938000104", Capture: e.goodCapture(t, idAn)})
			return err
		}, reference.EPhoneNotOwner, "new_phone"},
		{"unlock without account", func() error {
			_, err := e.svc.Unlock(bg, reference.CounterRequest{CitizenID: idMai, Capture: e.goodCapture(t, idMai)})
			return err
		}, reference.ENotFound, ""},
		{"capture of unknown citizen", func() error {
			_, err := e.svc.Capture(bg, "001090999999")
			return err
		}, reference.ENotFound, ""},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			got := requireCode(t, tt.run(), tt.code)
			if tt.field != "" {
				assert.Equal(t, tt.field, got.Fields["field"])
			}
		})
	}
	t.Run("worn fingerprints usually fail", func(t *testing.T) {
		fails := 0
		for range 20 {
			c, err := e.svc.Capture(bg, idKhanh)
			require.NoError(t, err)
			_, err = e.svc.Unlock(bg, reference.CounterRequest{CitizenID: idKhanh, Capture: c})
			if err != nil {
				requireCode(t, err, reference.EBiometricMismatch)
				fails++
			}
		}
		// Quality 0.3, noise 0.1, threshold 0.5: a pass is a 2-sigma event.
		assert.GreaterOrEqual(t, fails, 15)
	})
	t.Run("unlock lifts an administrative lock", func(t *testing.T) {
		_, err := e.svc.Unlock(bg, reference.CounterRequest{CitizenID: idLan, Capture: e.goodCapture(t, idLan)})
		require.NoError(t, err)
		e.login(t, idLan, "Lan#Bui1988", "dev-lan")
	})
	t.Run("unlock lifts a temporary lock", func(t *testing.T) {
		for range 5 {
			e.svc.Login(bg, reference.LoginRequest{CitizenID: idBinh, Password: "Wrong@123", DeviceID: "dev-binh"}) //nolint:errcheck
		}
		_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idBinh, Password: "Vneid#1985", DeviceID: "dev-binh"})
		requireCode(t, err, reference.EAccountLocked)
		_, err = e.svc.Unlock(bg, reference.CounterRequest{CitizenID: idBinh, Capture: e.goodCapture(t, idBinh)})
		require.NoError(t, err)
		e.login(t, idBinh, "Vneid#1985", "dev-binh")
	})
}

func TestCounterPasswordReset(t *testing.T) {
	e := newEnv(t)
	tok := e.login(t, idAn, pwAn, "dev-an")
	tk, err := e.svc.CounterPasswordReset(bg, reference.CounterRequest{CitizenID: idAn, Capture: e.goodCapture(t, idAn)})
	require.NoError(t, err)
	_, err = e.svc.Me(bg, tok.AccessToken)
	requireCode(t, err, reference.EUnauthorized)
	_, err = e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	requireCode(t, err, reference.EInvalidCredentials)
	msgs := e.gw.to("0912345601")
	require.Len(t, msgs, 1)
	assert.Equal(t, reference.PurposeActivation, msgs[0].Purpose)
	_, err = e.svc.VerifyActivation(bg, tk.ID, reference.VerifyRequest{OTP: msgs[0].OTP, Password: "Reset@2024", Passcode: "111111"})
	require.NoError(t, err)
	e.login(t, idAn, "Reset@2024", "dev-an") // the device binding was kept
}

func TestCapturesAreReproducible(t *testing.T) {
	outcomes := func(seed uint64) []string {
		e := newEnv(t, func(c *reference.Config) { c.Seed = seed })
		var out []string
		for range 12 {
			c, err := e.svc.Capture(bg, idKhanh)
			require.NoError(t, err)
			out = append(out, reference.ErrorCode(e.svc.MatchCapture(idKhanh, c)))
		}
		return out
	}
	a, b := outcomes(7), outcomes(7)
	assert.Equal(t, a, b)
	var differs bool
	for s := uint64(8); s < 20 && !differs; s++ {
		differs = !assert.ObjectsAreEqual(a, outcomes(s))
	}
	assert.True(t, differs, "another seed gives other captures")
}

func TestHandset(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		phone string
		want  reference.Handset
	}{
		{"0912345601", reference.Handset{Phone: "0912345601", Carrier: "VinaPhone", HolderID: idAn, Coverage: "4g"}},
		{"0938000104", reference.Handset{Phone: "0938000104", Carrier: "MobiFone", HolderID: idDung, Coverage: "4g"}},
		{"0869000107", reference.Handset{Phone: "0869000107", Carrier: "Viettel", HolderID: idPao, Coverage: "2g"}},
		{"0329000108", reference.Handset{Phone: "0329000108", Carrier: "Viettel", HolderID: idHMai, Coverage: "none"}},
		{"0977000105", reference.Handset{Phone: "0977000105", Carrier: "Viettel", HolderID: idKhoa, Coverage: "4g"}},
		{"0566000111", reference.Handset{Phone: "0566000111", Carrier: "Vietnamobile", HolderID: idKhanh, Coverage: "4g"}},
	}
	for _, tt := range tests {
		h, err := e.svc.Handset(bg, tt.phone)
		require.NoError(t, err)
		assert.Equal(t, &tt.want, h)
	}
	_, err := e.svc.Handset(bg, "0911111111")
	requireCode(t, err, reference.ENotFound)
}

func TestSettings(t *testing.T) {
	e := newEnv(t)
	s, err := e.svc.Settings(bg)
	require.NoError(t, err)
	assert.EqualValues(t, 12, s.Citizens)
	assert.EqualValues(t, 6, s.Accounts)
	assert.Equal(t, 6, s.PasswordPoolSize)
	assert.Equal(t, reference.HashFast, s.Hash.Algorithm)
	assert.Equal(t, reference.DefaultPolicy(), s.Policy)
	assert.Contains(t, s.Store, "sqlite:")
	require.NoError(t, e.svc.Ready(bg))
}
