package campaign

import (
	"context"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
)

// importPopulation puts the population into the store through the domain's import
// (reference.Service.Import), the same rules eidsim serve applies to a population file: the
// citizens, the SIMs in their handsets, the numbers their accounts were registered with
// before a SIM swap (held by whoever has that number now) and the accounts. The records are
// adapted to what the simulation models: each citizen's password and device are its own
// (set up by load), the coverage is the one the engine reads, an account is active or
// pending activation, and the biometric quality is the citizen's.
func (s *sim) importPopulation(ctx context.Context, pop []population.Record) error {
	src := &assemble.Records{Recs: pop, Adapt: func(i int, r *population.Record, p *reference.Person) {
		c := &s.cit[i]
		p.Citizen.Coverage = coverageNames[c.cov]
		p.Citizen.BiometricQuality = float64(c.bioQ)
		if a := p.Account; a != nil {
			a.Password, a.DeviceID = c.password, c.device
			if c.stage == stPending {
				a.Status = reference.StatusPendingActivation
			} else {
				a.Status = reference.StatusActive
			}
		}
	}}
	_, err := s.svc.Import(ctx, src, reference.ImportOptions{Name: "campaign population"})
	return err
}
