package campaign

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/httpapi"
	"github.com/eidsim/eidsim/reference/sqlite"
	"github.com/eidsim/eidsim/reference/telco"
)

// delivery is what a driver's world shows after a citizen logs in on a new device, which
// sends an OTP to the number the account was registered with.
type delivery struct {
	Holder   string // who holds that number now ("" for someone outside the population)
	Received bool   // the OTP reached that number's handset
	OwnSIM   int    // messages that reached the citizen's own SIM instead
}

// recycledFile writes recycledPopulation as a population file: citizen 0's account is on the
// number citizen 1 holds now; citizen 2's on a number nobody in the population holds.
func recycledFile(t *testing.T) (string, []population.Record) {
	pop := recycledPopulation()
	pop[2].Account.Status = ""
	var b strings.Builder
	for i := range pop {
		line, err := json.Marshal(&pop[i])
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "recycled.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	var back []population.Record
	require.NoError(t, population.ReadFile(path, func(r *population.Record) error {
		back = append(back, *r)
		return nil
	}))
	return path, back
}

// overHTTP is the eidsim serve stack (SQLite store, the assembly, the file import, the HTTP
// API on loopback, the telco on the wall clock): a login on a new device, then the inboxes.
func overHTTP(t *testing.T, path string, pop []population.Record, who int) delivery {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "eidsim.db"))
	require.NoError(t, err)
	defer st.Close()
	h, err := reference.NewHasher(reference.HashFast)
	require.NoError(t, err)
	sys, err := assemble.New(assemble.Config{Store: st, Hasher: h, Seed: 1, Telco: telco.FastConfig(), TelcoSeed: 1})
	require.NoError(t, err)
	_, err = assemble.ImportFile(ctx, sys.Service, path, reference.ImportOptions{})
	require.NoError(t, err)
	go sys.Run(ctx) //nolint:errcheck // ends with ctx
	api, err := httpapi.New(httpapi.Config{API: sys.Service, OperatorToken: "op", Sim: true, Inbox: inboxOf{sys.Telco}})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	defer srv.Close()

	r := &pop[who]
	body := fmt.Sprintf(`{"citizen_id":%q,"password":%q,"device_id":"new-phone"}`, r.CitizenID, r.Account.Password)
	res, err := http.Post(srv.URL+"/v1/sessions", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusAccepted, res.StatusCode, "a new device gets an OTP challenge")
	inbox := func(phone string, wait float64) []httpapi.Message {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/sim/handsets/%s/messages?wait=%g", srv.URL, phone, wait), nil)
		req.Header.Set("Authorization", "Bearer op")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var out struct{ Messages []httpapi.Message }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return out.Messages
	}
	got := inbox(r.Account.Phone, 10)
	hs, err := sys.Service.Handset(ctx, r.Account.Phone)
	require.NoError(t, err)
	return delivery{Holder: hs.HolderID, Received: len(got) == 1 && got[0].OTP != "", OwnSIM: len(inbox(r.SIM.Phone, 0))}
}

// inSimulation is the campaign engine on the same records: the same login through its
// service, its telco advanced on its virtual clock.
func inSimulation(t *testing.T, pop []population.Record, who int) delivery {
	ctx := context.Background()
	s, err := newSim(ctx, tinyCampaign(t), pop, 1, 7, 0)
	require.NoError(t, err)
	c := &s.cit[who]
	res, err := s.svc.Login(ctx, reference.LoginRequest{CitizenID: c.id, Password: c.password, DeviceID: "new-phone"})
	require.NoError(t, err)
	require.NotNil(t, res.Challenge, "a new device gets an OTP challenge")
	s.clock.Set(s.clock.Now().Add(5 * time.Minute))
	oldPhone := pop[who].Account.Phone
	got, err := s.tel.Messages(ctx, oldPhone, 0, 0)
	require.NoError(t, err)
	own, err := s.tel.Messages(ctx, c.phone, 0, 0)
	require.NoError(t, err)
	holder := ""
	for k := range s.cit {
		if s.cit[k].phone == oldPhone {
			holder = s.cit[k].id // the citizen whose polls read that inbox
		}
	}
	hs, err := s.svc.Handset(ctx, oldPhone)
	require.NoError(t, err)
	assert.Equal(t, holder, hs.HolderID, "the engine's citizens and its store agree on the holder")
	return delivery{Holder: holder, Received: len(got) == 1 && got[0].OTP != "", OwnSIM: len(own)}
}

// One domain, two drivers: an OTP sent to a recycled number reaches the number's new holder
// over HTTP and in the simulation alike, and never the account holder's own SIM.
func TestRecycledNumberSameInBothDrivers(t *testing.T) {
	path, pop := recycledFile(t)
	tests := []struct {
		name string
		who  int
		want delivery
	}{
		{"held by another citizen", 0, delivery{Holder: pop[1].CitizenID, Received: true}},
		{"held outside the population", 2, delivery{Holder: "", Received: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			web := overHTTP(t, path, pop, tt.who)
			sim := inSimulation(t, pop, tt.who)
			assert.Equal(t, tt.want, web, "over HTTP")
			assert.Equal(t, web, sim, "the simulation agrees with HTTP")
		})
	}
}

// inboxOf is the telco's inboxes as the HTTP API reads them (cmd/eidsim has the same).
type inboxOf struct{ sim *telco.Sim }

func (i inboxOf) Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]httpapi.Message, error) {
	msgs, err := i.sim.Messages(ctx, phone, after, wait)
	out := make([]httpapi.Message, len(msgs))
	for k, m := range msgs {
		out[k] = httpapi.Message{ID: m.ID, OTP: m.OTP, Purpose: m.Purpose}
	}
	return out, err
}
