package reference_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

func TestRegisterErrors(t *testing.T) {
	e := newEnv(t)
	ok := reference.RegisterRequest{CitizenID: idCuong, FullName: "Lê Hoàng Cường", BirthDate: "2001-07-21",
		Phone: "0901234503", DeviceID: "dev-cuong"}
	tests := []struct {
		name  string
		edit  func(r *reference.RegisterRequest)
		code  string
		field string
	}{
		{"unknown citizen", func(r *reference.RegisterRequest) { r.CitizenID = "001090999999" }, reference.EIdentityMismatch, ""},
		{"wrong name", func(r *reference.RegisterRequest) { r.FullName = "Lê Hoàng Cương" }, reference.EIdentityMismatch, ""},
		{"wrong birth date", func(r *reference.RegisterRequest) { r.BirthDate = "2001-07-22" }, reference.EIdentityMismatch, ""},
		{"has an account", func(r *reference.RegisterRequest) {
			*r = reference.RegisterRequest{CitizenID: idAn, FullName: "Nguyễn Văn An", BirthDate: "1990-03-14", Phone: "0912345601", DeviceID: "d"}
		}, reference.EAccountExists, ""},
		{"non-owner SIM", func(r *reference.RegisterRequest) {
			*r = reference.RegisterRequest{CitizenID: idDung, FullName: "Phạm Thị Dung", BirthDate: "1998-01-30", Phone: "0938000104", DeviceID: "d"}
		}, reference.EPhoneNotOwner, "phone"},
		{"someone else's SIM", func(r *reference.RegisterRequest) { r.Phone = "0912345601" }, reference.EPhoneNotOwner, "phone"},
		{"unknown number", func(r *reference.RegisterRequest) { r.Phone = "0911111111" }, reference.EPhoneNotOwner, "phone"},
		{"recycled number still on the old account", func(r *reference.RegisterRequest) {
			*r = reference.RegisterRequest{CitizenID: idKhoa, FullName: "Vũ Minh Khoa", BirthDate: "2003-04-04", Phone: "0977000105", DeviceID: "d"}
		}, reference.EPhoneInUse, ""},
		{"malformed id", func(r *reference.RegisterRequest) { r.CitizenID = "12345" }, reference.EInvalidInput, "citizen_id"},
		{"malformed phone", func(r *reference.RegisterRequest) { r.Phone = "912345601" }, reference.EInvalidInput, "phone"},
		{"no device", func(r *reference.RegisterRequest) { r.DeviceID = "" }, reference.EInvalidInput, "device_id"},
		{"bad date", func(r *reference.RegisterRequest) { r.BirthDate = "21/07/2001" }, reference.EInvalidInput, "birth_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := ok
			tt.edit(&req)
			_, err := e.svc.Register(bg, req)
			got := requireCode(t, err, tt.code)
			if tt.field != "" {
				assert.Equal(t, tt.field, got.Fields["field"])
			}
		})
	}
	assert.Zero(t, e.gw.count(), "no SMS for refused registrations")
}

func TestRegisterHappyPath(t *testing.T) {
	e := newEnv(t)
	// Name comparison ignores case, extra spaces and Unicode normal form.
	tk, err := e.svc.Register(bg, reference.RegisterRequest{CitizenID: idCuong, FullName: "  lê hoàng  CƯỜNG",
		BirthDate: "2001-07-21", Phone: "0901234503", DeviceID: "dev-cuong"})
	require.NoError(t, err)
	assert.Equal(t, fixtureTime.Add(180*time.Second), tk.ExpiresAt)
	msgs := e.gw.to("0901234503")
	require.Len(t, msgs, 1)
	m := msgs[0]
	assert.Equal(t, "VNeID", m.Sender)
	assert.Equal(t, reference.PurposeRegistration, m.Purpose)
	assert.Regexp(t, `^\d{6}$`, m.OTP)
	assert.Contains(t, m.Body, m.OTP)

	// Weak password and bad passcode are refused before the OTP and burn no attempt.
	for _, v := range []reference.VerifyRequest{
		{OTP: m.OTP, Password: "password", Passcode: "123456"},
		{OTP: m.OTP, Password: "Passw0rd!", Passcode: "12345"},
	} {
		_, err := e.svc.VerifyRegistration(bg, tk.ID, v)
		require.Error(t, err)
	}
	for range 4 {
		_, err := e.svc.VerifyRegistration(bg, tk.ID, reference.VerifyRequest{OTP: "000000", Password: "weak", Passcode: "123456"})
		requireCode(t, err, reference.EWeakPassword)
	}
	info, err := e.svc.VerifyRegistration(bg, tk.ID, reference.VerifyRequest{OTP: m.OTP, Password: "Cuong@2001", Passcode: "123456"})
	require.NoError(t, err)
	assert.Equal(t, &reference.AccountInfo{CitizenID: idCuong, Level: 1}, info)

	// The code cannot be used twice; the account works on the registering device.
	_, err = e.svc.VerifyRegistration(bg, tk.ID, reference.VerifyRequest{OTP: m.OTP, Password: "Cuong@2001", Passcode: "123456"})
	requireCode(t, err, reference.EOTPExpired)
	tok := e.login(t, idCuong, "Cuong@2001", "dev-cuong")
	assert.Equal(t, 1, tok.Level)
	p, err := e.svc.Me(bg, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, &reference.Profile{CitizenID: idCuong, FullName: "Lê Hoàng Cường", Level: 1}, p)

	// A second registration is refused.
	_, err = e.svc.Register(bg, reference.RegisterRequest{CitizenID: idCuong, FullName: "Lê Hoàng Cường",
		BirthDate: "2001-07-21", Phone: "0901234503", DeviceID: "dev-cuong"})
	requireCode(t, err, reference.EAccountExists)
}

func TestPasswordRule(t *testing.T) {
	p := reference.DefaultPolicy()
	tests := []struct {
		pw   string
		weak bool
	}{
		{"Matkhau@2024", false},
		{"Aa1!aaaa", false},
		{"Aa1!aaaaaaaaaaaaaaaa", false}, // 20
		{"Aa1!aaaaaaaaaaaaaaaaa", true}, // 21
		{"Aa1!aaa", true},               // 7
		{"matkhau@2024", true},          // no upper
		{"MATKHAU@2024", true},          // no lower
		{"Matkhau@abcd", true},          // no digit
		{"Matkhau12024", true},          // no special
		{"Mật khẩu@2024", true},         // space
		{"Mậtkhẩu@2024", false},         // Vietnamese letters count as letters
		{"Matkhau-2024", false},         // any punctuation is special
	}
	for _, tt := range tests {
		err := p.CheckPassword(tt.pw)
		if tt.weak {
			requireCode(t, err, reference.EWeakPassword)
		} else {
			assert.NoError(t, err, tt.pw)
		}
	}
}
