package reference_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/sqlite"
)

// Fixture citizens (testdata/population.jsonl).
const (
	idAn     = "001090000101" // level 1, phone 0912345601, device dev-an
	idBinh   = "001185000102" // level 2
	idCuong  = "079201000103" // no account, owner SIM 0901234503
	idDung   = "079198000104" // no account, SIM 0938000104 not in her name
	idEm     = "001075000105" // account on old number 0977000105, owner SIM 0355000105 now
	idPhuong = "038160000106" // level 2 pending activation, 0886000106
	idPao    = "002070000107" // feature phone, 2g
	idHMai   = "064192000108" // no coverage
	idKhoa   = "001203000109" // holds 0977000105 now (recycled)
	idLan    = "031188000110" // administratively locked
	idKhanh  = "014050000111" // biometric quality 0.3
	idMai    = "040145000112" // no handset

	pwAn = "Matkhau@2024"
)

var fixtureTime = time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)

// recordingGateway records every SMS and can be told to refuse.
type recordingGateway struct {
	mu   sync.Mutex
	msgs []reference.SMS
	fail atomic.Bool
}

func (g *recordingGateway) Send(_ context.Context, m reference.SMS) error {
	if g.fail.Load() {
		return errors.New("gateway: throttled")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.msgs = append(g.msgs, m)
	return nil
}

// to returns the messages sent to phone.
func (g *recordingGateway) to(phone string) []reference.SMS {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []reference.SMS
	for _, m := range g.msgs {
		if m.To == phone {
			out = append(out, m)
		}
	}
	return out
}

// lastOTP returns the code of the last OTP message sent to phone.
func (g *recordingGateway) lastOTP(t *testing.T, phone string) string {
	t.Helper()
	msgs := g.to(phone)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].OTP != "" {
			return msgs[i].OTP
		}
	}
	t.Fatalf("no OTP sent to %s", phone)
	return ""
}

func (g *recordingGateway) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.msgs)
}

type env struct {
	svc   *reference.Service
	clock *reference.ManualClock
	gw    *recordingGateway
	store *sqlite.Store
}

type envOpt func(*reference.Config)

// newEnv returns a service on a fresh store (a file in a temp dir) with the fixture imported,
// the fast hasher, a manual clock and a recording gateway.
func newEnv(t testing.TB, opts ...envOpt) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "eid.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st, true, opts...)
}

func newEnvOn(t testing.TB, st *sqlite.Store, load bool, opts ...envOpt) *env {
	t.Helper()
	h, err := reference.NewHasher(reference.HashFast)
	require.NoError(t, err)
	e := &env{clock: reference.NewManualClock(fixtureTime), gw: &recordingGateway{}, store: st}
	cfg := reference.Config{Store: st, Clock: e.clock, Hasher: h, Gateway: e.gw, Seed: 42}
	for _, o := range opts {
		o(&cfg)
	}
	e.svc, err = reference.NewService(cfg)
	require.NoError(t, err)
	if load {
		_, err = assemble.ImportFile(context.Background(), e.svc, "testdata/population.jsonl", reference.ImportOptions{})
		require.NoError(t, err)
	}
	return e
}

// requireCode asserts that err is a *reference.Error with the code.
func requireCode(t testing.TB, err error, code string) *reference.Error {
	t.Helper()
	require.Error(t, err)
	var e *reference.Error
	require.ErrorAs(t, err, &e, "error %v", err)
	require.Equal(t, code, e.Code, "error %v", err)
	return e
}

var bg = context.Background()

// login logs in on a device and returns the token, failing when it was not issued.
func (e *env) login(t *testing.T, id, pw, device string) *reference.Token {
	t.Helper()
	res, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: id, Password: pw, DeviceID: device})
	require.NoError(t, err)
	require.NotNil(t, res.Token, "expected a token, got a challenge")
	return res.Token
}

// capture takes scanner captures of a person until one matches at the counter's threshold
// (at most 20 tries), for tests of counter operations that are not about biometrics.
func (e *env) goodCapture(t *testing.T, id string) string {
	t.Helper()
	for range 20 {
		c, err := e.svc.Capture(bg, id)
		require.NoError(t, err)
		if err := e.svc.MatchCapture(id, c); err == nil {
			return c
		}
	}
	t.Fatalf("no good capture of %s in 20 tries", id)
	return ""
}
