package reference_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// FuzzMe: any bearer string is refused as unauthorized, never a panic or another error; only
// the genuine token passes.
func FuzzMe(f *testing.F) {
	e := newEnv(f)
	res, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: pwAn, DeviceID: "dev-an"})
	require.NoError(f, err)
	good := res.Token.AccessToken
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add(strings.Replace(good, ".", "..", 1))
	f.Add("eid1..")
	f.Add("eid1.e30.")
	f.Add("")
	f.Add(good + "\n")
	f.Fuzz(func(t *testing.T, tok string) {
		p, err := e.svc.Me(bg, tok)
		if tok == good {
			require.NoError(t, err)
			assert.Equal(t, idAn, p.CitizenID)
			return
		}
		if err == nil { // a different encoding of the same signed claims cannot exist
			t.Fatalf("token %q accepted", tok)
		}
		assert.Equal(t, reference.EUnauthorized, reference.ErrorCode(err))
	})
}

// FuzzMatchCapture: any capture string is refused as invalid_input or biometric_mismatch,
// never a panic; only genuine captures of the citizen can pass.
func FuzzMatchCapture(f *testing.F) {
	e := newEnv(f)
	good, err := e.svc.Capture(bg, idAn)
	require.NoError(f, err)
	other, err := e.svc.Capture(bg, idBinh)
	require.NoError(f, err)
	f.Add(good)
	f.Add(other)
	f.Add(good[:len(good)-2])
	f.Add("cap1.")
	f.Add("cap1.AAAA")
	f.Add("")
	f.Add(good[:10] + "\r\n" + good[10:])
	f.Fuzz(func(t *testing.T, c string) {
		err := e.svc.MatchCapture(idAn, c)
		switch reference.ErrorCode(err) {
		case "":
			require.Equal(t, good, c, "only the genuine capture passes")
		case reference.EInvalidInput, reference.EBiometricMismatch:
		default:
			t.Fatalf("unexpected error %v", err)
		}
	})
}
