package campaign

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
)

// recycledPopulation is three citizens: 0 holds an account registered on a number it no
// longer has, which citizen 1 holds now (a recycled number); 2 holds an account on a number
// nobody in the population holds.
func recycledPopulation() []population.Record {
	pop := []population.Record{
		person(0, population.HandsetSmartphone, true, population.Coverage4G),
		person(1, population.HandsetSmartphone, true, population.Coverage2G),
		person(2, population.HandsetFeature, false, population.Coverage4G),
	}
	pop[0].Account = &population.Account{Level: 1, Phone: pop[1].SIM.Phone, Password: "Old@12345", DeviceID: "old-dev"}
	pop[2].Account = &population.Account{Level: 2, Phone: "0912999999", Password: "Old@12345", DeviceID: "old-dev",
		Status: population.AccountPendingActivation}
	return pop
}

// The simulation puts its population into the store through the domain's import: an account
// phone that differs from the SIM becomes a subscriber record, held by whoever holds the
// number now (before, the engine wrote no record and those OTPs were "number not in service").
func TestSimulationImportsThroughTheDomain(t *testing.T) {
	pop := recycledPopulation()
	s, err := newSim(context.Background(), tinyCampaign(t), pop, 1, 7, 0)
	require.NoError(t, err)
	tests := []struct {
		phone         string
		holder, owner string
	}{
		{pop[0].SIM.Phone, pop[0].CitizenID, pop[0].CitizenID},
		{pop[1].SIM.Phone, pop[1].CitizenID, pop[1].CitizenID}, // the recycled number: its new holder
		{pop[2].SIM.Phone, pop[2].CitizenID, ""},
		{"0912999999", "", ""}, // an old number nobody holds
	}
	require.NoError(t, s.store.View(context.Background(), func(tx reference.Tx) error {
		for _, tt := range tests {
			sub, err := tx.Subscriber(tt.phone)
			require.NoError(t, err, tt.phone)
			assert.Equal(t, tt.holder, sub.HolderID, tt.phone)
			assert.Equal(t, tt.owner, sub.OwnerID, tt.phone)
		}
		for i, want := range []string{reference.StatusActive, "", reference.StatusPendingActivation} {
			a, err := tx.Account(pop[i].CitizenID)
			if want == "" {
				assert.ErrorIs(t, err, reference.ErrNotFound)
				continue
			}
			require.NoError(t, err)
			assert.Equal(t, want, a.Status)
			assert.Equal(t, s.cit[i].device, a.DeviceID, "the simulation's device, not the file's")
			ok, err := s.svc.Hasher().Verify(a.PasswordHash, s.cit[i].password)
			require.NoError(t, err)
			assert.True(t, ok, "the simulation's password, not the file's")
		}
		return nil
	}))
	h, err := s.svc.Handset(context.Background(), pop[1].SIM.Phone)
	require.NoError(t, err)
	assert.Equal(t, pop[1].CitizenID, h.HolderID)
	assert.Equal(t, population.Coverage2G, h.Coverage)
}
