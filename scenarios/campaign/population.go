package campaign

import (
	"context"
	"strconv"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
)

// load puts the population into the store and sets up the citizens and villages.
func (s *sim) load(ctx context.Context, pop []population.Record) error {
	s.cit = make([]citizen, len(pop))
	vidx := map[string]int32{}
	ref := s.c.Start.Year()
	for i := range pop {
		r := &pop[i]
		c := &s.cit[i]
		c.rng = seedOf(s.seed, s.replica, i)
		c.id, c.name, c.birth = r.CitizenID, r.FullName, r.BirthDate
		c.phone = r.SIM.Phone
		c.owner = r.SIM.OwnerRegistered
		c.device = "dev-" + r.CitizenID
		c.password = "Vn!" + strconv.FormatUint(c.rng%1e8, 36) + "aZ9"
		switch r.Handset {
		case population.HandsetSmartphone:
			c.handset = hsSmart
		case population.HandsetFeature:
			c.handset = hsFeature
		default:
			c.handset = hsNone
		}
		switch r.Coverage {
		case population.CoverageNone:
			c.cov = covNone
		case population.Coverage2G:
			c.cov = cov2G
		default:
			c.cov = cov4G
		}
		switch r.Poverty {
		case population.PovertyPoor:
			c.poverty = 2
		case population.PovertyNearPoor:
			c.poverty = 1
		}
		c.minority = r.Ethnicity != "" && r.Ethnicity != "Kinh"
		c.urban = r.Urban
		if y, err := strconv.Atoi(r.BirthDate[:4]); err == nil {
			c.ageBand = ageBandOf(ref - y)
		}
		b := s.c.Behaviour
		c.forget, c.typo, c.patience, c.bioQ = float32(b.ForgetPerYear), float32(b.TypoRate), uint8(b.Patience), reference.DefaultBiometricQuality
		if t := r.Traits; t != nil {
			c.forget, c.typo, c.bioQ = float32(t.ForgetPerYear), float32(t.TypoRate), float32(t.BiometricQuality)
			if t.Patience > 0 {
				c.patience = uint8(min(t.Patience, 50))
			}
		}
		c.swaps = float32(r.SIM.SwapsPerYear)
		c.chipCard = r.ChipCard
		c.hs0 = c.handset
		switch {
		case c.phone == "":
			c.sim0 = simNone
		case c.owner:
			c.sim0 = simOwner
		default:
			c.sim0 = simNonOwner
		}
		v, ok := vidx[r.VillageID]
		if !ok {
			v = int32(len(s.villages))
			vidx[r.VillageID] = v
			s.villages = append(s.villages, village{noCoverage: c.cov == covNone})
		}
		c.village = v
		s.villages[v].adults++
		c.nextDay = -1
		if a := r.Account; a != nil {
			// An account held at the start: active at its level (its password is the
			// citizen's own from now on).
			c.level, c.acted = uint8(a.Level), true
			c.swapped = a.Phone != c.phone
			if a.AccountStatus() == population.AccountPendingActivation {
				c.stage = stPending
			} else {
				c.stage, c.activated = stActive, true
			}
		}
	}
	if err := s.importPopulation(ctx, pop); err != nil {
		return err
	}
	for i := range s.cit {
		c := &s.cit[i]
		switch c.stage {
		case stPool:
			s.enterPool(int32(i))
		case stActive:
			s.villages[c.village].adopted++
			s.adoptedAll++
			s.schedule(int32(i), 1+int(c.exp(365/max(s.c.Behaviour.LoginsPerYear, 0.01))), actLogin)
		case stPending:
			s.villages[c.village].adopted++
			s.adoptedAll++
			s.schedule(int32(i), 1+int(c.exp(s.c.Behaviour.ActivationDelayDays)), actActivate)
		}
	}
	return nil
}

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
