package reference_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// TestPasswordErrorsNameTheirField: a weak password is reported on the field the client sent
// it in — "new_password" in a recovery, whatever the rule it breaks (a too-short one was
// reported as "password" once), and "password" for CheckPassword.
func TestPasswordErrorsNameTheirField(t *testing.T) {
	tests := []struct {
		name string
		pw   string
	}{
		{"too short", "Aa1!aaa"},
		{"too long", "Aa1!aaaaaaaaaaaaaaaaa"},
		{"no upper-case letter", "newpass@1"},
		{"no special character", "Newpass12"},
		{"a space", "Mật khẩu@2024"},
	}
	e := newEnv(t)
	tk, err := e.svc.StartRecovery(bg, recoveryReq(idAn, "0912345601", "Nguyễn Văn An", "1990-03-14"))
	require.NoError(t, err)
	code := e.gw.lastOTP(t, "0912345601")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: code, NewPassword: tt.pw})
			got := requireCode(t, err, reference.EWeakPassword)
			assert.Equal(t, "new_password", got.Fields["field"], "%v", err)

			got = requireCode(t, reference.DefaultPolicy().CheckPassword(tt.pw), reference.EWeakPassword)
			assert.Equal(t, "password", got.Fields["field"])
		})
	}
	// The weak answers cost no OTP attempt: the right code still finishes the recovery.
	_, err = e.svc.VerifyRecovery(bg, tk.ID, reference.RecoveryVerifyRequest{OTP: code, NewPassword: "Newpass@1"})
	require.NoError(t, err)
}
