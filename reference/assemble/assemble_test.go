package assemble_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/memstore"
	"github.com/eidsim/eidsim/reference/telco"
)

const fixture = "../testdata/population.jsonl"

// Fixture citizens (reference/testdata/README.md): Em's account is on 0977000105, a number
// Khoa holds now.
const (
	idEm, pwEm, oldPhoneEm = "001075000105", "Hoang@1975", "0977000105"
	idKhoa                 = "001203000109"
)

func newSystem(t *testing.T, cfg assemble.Config) (*assemble.System, *reference.ManualClock) {
	t.Helper()
	clock := reference.NewManualClock(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	h, err := reference.NewHasher(reference.HashFast)
	require.NoError(t, err)
	cfg.Store, cfg.Clock, cfg.Hasher, cfg.Seed, cfg.TelcoSeed = memstore.New(), clock, h, 1, 1
	sys, err := assemble.New(cfg)
	require.NoError(t, err)
	return sys, clock
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  assemble.Config
		want string
	}{
		{"no store", assemble.Config{}, "Config.Store is required"},
		{"bad telco", assemble.Config{Store: memstore.New(), Telco: telco.Config{Validity: -time.Second}}, "telco"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assemble.New(tt.cfg)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// The telco reads who holds a number from the store (no service, no forwarder): an OTP for
// an account whose number was recycled reaches the number's new holder.
func TestRecycledNumberOTPReachesNewHolder(t *testing.T) {
	ctx := context.Background()
	sent := 0
	sys, clock := newSystem(t, assemble.Config{Telco: telco.FastConfig(), Gateway: func(g reference.Gateway) reference.Gateway {
		return countGateway{g, &sent}
	}})
	st, err := assemble.ImportFile(ctx, sys.Service, fixture, reference.ImportOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 1, st.OldNumbers)
	again, err := assemble.ImportFile(ctx, sys.Service, fixture, reference.ImportOptions{})
	require.NoError(t, err)
	assert.True(t, again.Skipped, "recorded under the file's digest")

	res, err := sys.Service.Login(ctx, reference.LoginRequest{CitizenID: idEm, Password: pwEm, DeviceID: "new-phone"})
	require.NoError(t, err)
	require.NotNil(t, res.Challenge, "a new device gets an OTP challenge")
	assert.Equal(t, 1, sent, "the service sends through the configured gateway wrapper")
	clock.Advance(time.Minute)
	msgs, err := sys.Telco.Messages(ctx, oldPhoneEm, 0, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.NotEmpty(t, msgs[0].OTP)
	h, err := reference.StoreWorld{Store: sys.Store}.Handset(ctx, oldPhoneEm)
	require.NoError(t, err)
	assert.Equal(t, idKhoa, h.HolderID, "the new holder reads it")
	st2 := sys.Telco.Stats().Total
	assert.EqualValues(t, 1, st2.Delivered)
}

type countGateway struct {
	next reference.Gateway
	n    *int
}

func (g countGateway) Send(ctx context.Context, m reference.SMS) error {
	*g.n++
	return g.next.Send(ctx, m)
}
