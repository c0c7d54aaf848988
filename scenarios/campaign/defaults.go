package campaign

import (
	"math"

	"github.com/eidsim/eidsim/generators/profile"
)

// DefaultBehaviour is the behaviour a campaign runs on where its file sets none: until the
// calibration's posterior ships (h3-calib), the values of the pooled fit documented in
// docs/model.md. A campaign file's behaviour block overrides any of them.
func DefaultBehaviour() Behaviour {
	return Behaviour{
		BassP: 0.2, BassQ: 3.0,
		DeadlineBoost: 2.0, DeadlineWindowDays: 45,
		SelfRegisterShare: 0.22, UpgradeShare: 0.5, CounterActivationShare: 0,
		ActivationDelayDays: 150,
		ActivationRate:      0.25, NeedUrban: 0.5, NeedOld: 0.2,
		ApprovalPerDay: 45_000, ApprovalGrowthPerYear: 4, RejectionShare: 0.009,
		NeedGrowthPerYear: 2.1, PressureOnDecision: 0, PressureHalfLifeDays: 240,
		PressureDirective05: 8, PressureSingleLogin: 0, PressureLevel2Required: 1,
		RetryDays: 10, QueueDaysPerPatience: 3,
		StandardiseShare: 0.7, StandardiseDays: 21,
		LoginsPerYear: 6, ForgetPerYear: 0.5, TypoRate: 0.05, Patience: 3,
	}
}

// Neutral defaults of the dated inputs a campaign file may leave out (docs/model.md):
//
//   - counters.kits: one enrolment kit per commune-level police post of the area (the
//     profile's communes; without them, its villages × the national ratio of communes to
//     villages; for a population file, its real_adults × the national communes per adult);
//   - interventions.web_activation: one community digital team per commune activating
//     defaultWebPerTeamPerDay accounts a day on the web for people without a smartphone,
//     from the app's launch (or the start) to the end;
//   - no outreach, free SIMs, clean-up or mobile teams (each is a dated event of its own).
//
// A file that writes `kits: 0` or `web_activation: []` gets none.
const (
	kitsPerCommune          = 1
	defaultWebPerTeamPerDay = 2
	// nationalCommunes and nationalVillages are the `vietnam` profile's communes and villages.
	nationalCommunes = 10_598
	nationalVillages = 170_000
)

// kitsUnset marks counters.kits absent from the file (decoding leaves it as set before).
const kitsUnset = -1

// applyProfileDefaults fills the inputs the file left out from the area's profile.
func (c *Campaign) applyProfileDefaults() error {
	needKits := c.Counters.Kits == kitsUnset
	needWeb := c.Interventions.WebActivation == nil
	if !needKits && !needWeb {
		return nil
	}
	communes, err := c.communes()
	if err != nil {
		return err
	}
	if needKits {
		c.Counters.Kits = max(1, int(math.Round(communes*kitsPerCommune)))
	}
	if needWeb {
		from := c.Start.Time
		if l := appLaunch(); l.After(from) {
			from = l
		}
		to := c.End().AddDate(0, 0, -1)
		if !from.After(to) {
			c.Interventions.WebActivation = []WebActivation{{From: Date{from}, To: Date{to},
				Teams: max(1, int(math.Round(communes))), PerTeamPerDay: defaultWebPerTeamPerDay}}
		}
	}
	return nil
}

// communes is the area's number of commune-level units (full scale).
func (c *Campaign) communes() (float64, error) {
	if c.Population.Profile == "" {
		if c.Population.RealAdults <= 0 {
			return 0, ferr("counters.kits", "required for a population file without population.real_adults (no profile to derive it from)")
		}
		return float64(c.Population.RealAdults) * nationalCommunes / float64(nationalAdults), nil
	}
	p, err := profile.Load(c.Population.Profile)
	if err != nil {
		return 0, ferr("population.profile", "%v", err)
	}
	var n float64
	switch {
	case p.Communes.Count > 0:
		n = float64(p.Communes.Count)
	default:
		n = float64(p.Villages.Count) * nationalCommunes / nationalVillages
	}
	if c.Population.RealAdults > 0 {
		// a part of the area (a district drawn from its province's profile): in proportion
		n *= float64(c.Population.RealAdults) / (float64(p.Population.Count) * p.AdultShare())
	}
	return n, nil
}
