package profile

import (
	"fmt"
	"math"
	"regexp"
	"time"

	"github.com/eidsim/eidsim/generators/names"
	"github.com/eidsim/eidsim/generators/phone"
)

var (
	nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	codeRe = regexp.MustCompile(`^[0-9]{3}$`)
	keyRe  = regexp.MustCompile(`^[A-Za-z][A-Za-z' -]*$`)
)

func ferr(field, format string, args ...any) error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// share checks that v is a proportion.
func share(field string, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return ferr(field, "is not a number")
	case v < 0:
		return ferr(field, "share %v is negative", v)
	case v > 1:
		return ferr(field, "share %v is over 100%% (write shares as fractions: 0.3035 for 30.35%%)", v)
	}
	return nil
}

func sumsToOne(field string, sum float64) error {
	if math.Abs(sum-1) > SumTolerance {
		return ferr(field, "shares sum to %.4f, must sum to 1 (±%v)", sum, SumTolerance)
	}
	return nil
}

func source(field, s string) error {
	if s == "" {
		return ferr(field+".source", "every figure needs a source (or the assumption made, when nothing is published)")
	}
	return nil
}

// check validates the profile; errors name the field.
func (p *Profile) check() error {
	checks := []func() error{
		p.checkHeader, p.checkPopulation, p.checkAge, p.checkEthnicity, p.checkSimple,
		p.checkHandsets, p.checkCarriers, p.checkVillages, p.checkCommunes, p.checkAccounts, p.checkAssociations,
	}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

func (p *Profile) checkHeader() error {
	if !nameRe.MatchString(p.Name) {
		return ferr("name", "must be lower-case letters, digits and dashes, got %q", p.Name)
	}
	if p.Title == "" {
		return ferr("title", "must not be empty")
	}
	if !codeRe.MatchString(p.ProvinceCode) {
		return ferr("province_code", "must be 3 digits, got %q", p.ProvinceCode)
	}
	if _, err := time.Parse("2006-01-02", p.Snapshot); err != nil {
		return ferr("snapshot", "must be a date YYYY-MM-DD, got %q", p.Snapshot)
	}
	if y := p.SnapshotDate().Year(); y < 2000 || y > 2099 {
		return ferr("snapshot", "year %d outside 2000–2099", y)
	}
	if p.Summary == "" {
		return ferr("summary", "must not be empty (one line naming the sources)")
	}
	if pr := p.Provinces; pr != nil {
		if len(pr.Codes) == 0 {
			return ferr("provinces.codes", "must list at least one province")
		}
		seen := map[string]bool{}
		for i, c := range pr.Codes {
			f := fmt.Sprintf("provinces.codes[%d]", i)
			if !codeRe.MatchString(c.Code) {
				return ferr(f+".code", "must be 3 digits, got %q", c.Code)
			}
			if seen[c.Code] {
				return ferr(f+".code", "duplicate province code %s", c.Code)
			}
			seen[c.Code] = true
			if !(c.Weight > 0) || math.IsInf(c.Weight, 0) {
				return ferr(f+".weight", "must be positive, got %v", c.Weight)
			}
		}
		if err := source("provinces", pr.Source); err != nil {
			return err
		}
	}
	return nil
}

func (p *Profile) checkPopulation() error {
	if p.Population.Count <= 0 {
		return ferr("population.count", "must be positive, got %d", p.Population.Count)
	}
	if p.Population.Year < 1900 || p.Population.Year > 2100 {
		return ferr("population.year", "must be a year, got %d", p.Population.Year)
	}
	if err := source("population", p.Population.Source); err != nil {
		return err
	}
	if err := share("sex.male", p.Sex.Male); err != nil {
		return err
	}
	if p.Sex.Male == 0 || p.Sex.Male == 1 {
		return ferr("sex.male", "must be strictly between 0 and 1, got %v", p.Sex.Male)
	}
	return source("sex", p.Sex.Source)
}

func (p *Profile) checkAge() error {
	bands := p.Age.Bands
	if len(bands) == 0 {
		return ferr("age.bands", "must list at least one band")
	}
	sum := 0.0
	has14 := false
	for i, b := range bands {
		f := fmt.Sprintf("age.bands[%d]", i)
		want := 0
		if i > 0 {
			want = bands[i-1].Max + 1
		}
		if b.Min != want {
			return ferr(f+".min", "bands must be contiguous from 0: want min %d, got %d", want, b.Min)
		}
		if b.Max < b.Min {
			return ferr(f+".max", "max %d below min %d", b.Max, b.Min)
		}
		if b.Max > 110 {
			return ferr(f+".max", "ages above 110 are not supported, got %d", b.Max)
		}
		if b.Min == AdultAge {
			has14 = true
		}
		if err := share(f+".share", b.Share); err != nil {
			return err
		}
		sum += b.Share
	}
	if !has14 {
		return ferr("age.bands", "a band must start at %d (the age from which citizens hold their own account)", AdultAge)
	}
	if err := sumsToOne("age.bands", sum); err != nil {
		return err
	}
	if p.AdultShare() <= 0 {
		return ferr("age.bands", "the share aged 14+ must be positive")
	}
	return source("age", p.Age.Source)
}

func (p *Profile) checkEthnicity() error {
	gs := p.Ethnicity.Groups
	if len(gs) == 0 {
		return ferr("ethnic_groups.groups", "must list at least one group")
	}
	sum := 0.0
	seen := map[string]bool{}
	for i, g := range gs {
		f := fmt.Sprintf("ethnic_groups.groups[%d]", i)
		if !keyRe.MatchString(g.Key) {
			return ferr(f+".key", "must be an ASCII name such as \"Xo Dang\", got %q", g.Key)
		}
		if seen[g.Key] {
			return ferr(f+".key", "duplicate group %q", g.Key)
		}
		seen[g.Key] = true
		if g.Name == "" {
			return ferr(f+".name", "must not be empty (the group's name in Vietnamese script)")
		}
		if err := share(f+".share", g.Share); err != nil {
			return err
		}
		if !(g.RemoteAffinity > 0 && g.RemoteAffinity <= 100) {
			return ferr(f+".remote_affinity", "must be in (0,100], got %v", g.RemoteAffinity)
		}
		if !names.Known(g.Naming) {
			return ferr(f+".naming", "unknown naming scheme %q (known: %v)", g.Naming, names.Schemes())
		}
		sum += g.Share
	}
	if err := sumsToOne("ethnic_groups.groups", sum); err != nil {
		return err
	}
	return source("ethnic_groups", p.Ethnicity.Source)
}

func (p *Profile) checkSimple() error {
	if err := share("urban.share", p.Urban.Share); err != nil {
		return err
	}
	if err := source("urban", p.Urban.Source); err != nil {
		return err
	}
	if err := share("poverty.poor", p.Poverty.Poor); err != nil {
		return err
	}
	if err := share("poverty.near_poor", p.Poverty.NearPoor); err != nil {
		return err
	}
	if p.Poverty.Poor+p.Poverty.NearPoor > 1+SumTolerance {
		return ferr("poverty.near_poor", "poor %v + near-poor %v exceed 100%%", p.Poverty.Poor, p.Poverty.NearPoor)
	}
	if err := source("poverty", p.Poverty.Source); err != nil {
		return err
	}
	s := p.SIM
	if err := share("sim.owner_registered", s.OwnerRegistered); err != nil {
		return err
	}
	if err := share("sim.recycled_share", s.Recycled); err != nil {
		return err
	}
	if s.SwapsOwner < 0 || s.SwapsOwner > 52 || math.IsNaN(s.SwapsOwner) {
		return ferr("sim.swaps_per_year_owner", "must be in [0,52], got %v", s.SwapsOwner)
	}
	if s.SwapsNonOwner < 0 || s.SwapsNonOwner > 52 || math.IsNaN(s.SwapsNonOwner) {
		return ferr("sim.swaps_per_year_non_owner", "must be in [0,52], got %v", s.SwapsNonOwner)
	}
	if err := source("sim", s.Source); err != nil {
		return err
	}
	if err := share("chip_card.share", p.ChipCard.Share); err != nil {
		return err
	}
	return source("chip_card", p.ChipCard.Source)
}

func (p *Profile) checkHandsets() error {
	h := p.Handsets
	for _, x := range []struct {
		f string
		v float64
	}{{"handsets.smartphone", h.Smartphone}, {"handsets.feature", h.Feature}, {"handsets.none", h.None}, {"handsets.nfc_of_smartphones", h.NFC}} {
		if err := share(x.f, x.v); err != nil {
			return err
		}
	}
	if err := sumsToOne("handsets", h.Smartphone+h.Feature+h.None); err != nil {
		return err
	}
	return source("handsets", h.Source)
}

func (p *Profile) checkCarriers() error {
	cs := p.Carriers.Shares
	if len(cs) == 0 {
		return ferr("carriers.shares", "must list at least one carrier")
	}
	sum := 0.0
	seen := map[string]bool{}
	for i, c := range cs {
		f := fmt.Sprintf("carriers.shares[%d]", i)
		if !phone.Known(c.Name) {
			return ferr(f+".name", "unknown carrier %q (known: %v)", c.Name, phone.Carriers())
		}
		if seen[c.Name] {
			return ferr(f+".name", "duplicate carrier %q", c.Name)
		}
		seen[c.Name] = true
		if err := share(f+".share", c.Share); err != nil {
			return err
		}
		if max := phone.MaxShare(c.Name); c.Share > max {
			return ferr(f+".share", "%s has %d prefixes, enough for a share of at most %.3f", c.Name, len(phone.Prefixes(c.Name)), max)
		}
		sum += c.Share
	}
	if err := sumsToOne("carriers.shares", sum); err != nil {
		return err
	}
	return source("carriers", p.Carriers.Source)
}

func (p *Profile) checkVillages() error {
	v := p.Villages
	if v.Count <= 0 {
		return ferr("villages.count", "must be positive, got %d", v.Count)
	}
	if v.Count > 1_000_000 {
		return ferr("villages.count", "at most 1,000,000 villages, got %d", v.Count)
	}
	for _, x := range []struct {
		f string
		n int
	}{{"villages.without_2g", v.Without2G}, {"villages.only_2g", v.Only2G}, {"villages.without_power", v.WithoutPower}} {
		if x.n < 0 {
			return ferr(x.f, "must not be negative, got %d", x.n)
		}
		if x.n > v.Count {
			return ferr(x.f, "%d exceeds the %d villages (over 100%%)", x.n, v.Count)
		}
	}
	rural := v.Count - p.urbanVillages()
	if v.Without2G+v.Only2G > rural {
		return ferr("villages.only_2g", "%d villages without 4G exceed the %d rural villages", v.Without2G+v.Only2G, rural)
	}
	if v.WithoutPower > rural {
		return ferr("villages.without_power", "%d villages without power exceed the %d rural villages", v.WithoutPower, rural)
	}
	if p.Urban.Share < 1 && rural <= 0 {
		return ferr("villages.count", "too few villages for a rural population")
	}
	if !(v.RemoteSize > 0 && v.RemoteSize <= 10) {
		return ferr("villages.remote_size_ratio", "must be in (0,10], got %v", v.RemoteSize)
	}
	if !(v.UrbanSize > 0 && v.UrbanSize <= 100) {
		return ferr("villages.urban_size_ratio", "must be in (0,100], got %v", v.UrbanSize)
	}
	return source("villages", v.Source)
}

func (p *Profile) checkCommunes() error {
	c := p.Communes
	switch {
	case c.Count == 0 && c.Source == "":
		return nil // not given
	case c.Count <= 0:
		return ferr("communes.count", "must be positive, got %d", c.Count)
	case c.Count > p.Villages.Count:
		return ferr("communes.count", "%d communes exceed the %d villages", c.Count, p.Villages.Count)
	}
	return source("communes", c.Source)
}

// UrbanVillages returns how many of the villages are urban residential groups: enough that a
// rural village and an urban group of the stated relative sizes give the urban share.
func (p *Profile) UrbanVillages() int { return p.urbanVillages() }

func (p *Profile) urbanVillages() int {
	u := p.Urban.Share
	if u <= 0 {
		return 0
	}
	if u >= 1 {
		return p.Villages.Count
	}
	// n_u * s_u / (n_u * s_u + n_r * 1) = u  →  n_u = u*N / (u + s_u*(1-u))
	n := float64(p.Villages.Count)
	nu := int(math.Round(u * n / (u + p.Villages.UrbanSize*(1-u))))
	if nu < 1 {
		nu = 1
	}
	if nu >= p.Villages.Count {
		nu = p.Villages.Count - 1
	}
	return nu
}

func (p *Profile) checkAccounts() error {
	a := p.Accounts
	byCount := a.Profiles > 0 || a.Activated > 0 || a.Level2 > 0
	if byCount {
		for _, x := range []struct {
			f string
			n int64
		}{{"accounts.profiles", a.Profiles}, {"accounts.activated", a.Activated}, {"accounts.level2_activated", a.Level2}, {"accounts.eligible", a.Eligible}} {
			if x.n < 0 {
				return ferr(x.f, "must not be negative, got %d", x.n)
			}
		}
		el := p.EligiblePopulation()
		if a.Profiles > el {
			return ferr("accounts.profiles", "%d profiles exceed the eligible population aged 14+ (%d): over 100%%", a.Profiles, el)
		}
		if a.Activated > a.Profiles {
			return ferr("accounts.activated", "%d activated exceed the %d profiles collected", a.Activated, a.Profiles)
		}
		if a.Level2 > a.Activated {
			return ferr("accounts.level2_activated", "%d level-2 accounts exceed the %d activated", a.Level2, a.Activated)
		}
		if a.Level2 == 0 {
			if err := share("accounts.level2_share_of_activated", a.Level2Share); err != nil {
				return err
			}
		}
	} else {
		if err := share("accounts.profiles_share", a.ProfilesShare); err != nil {
			return err
		}
		if err := share("accounts.activated_share", a.ActivatedShare); err != nil {
			return err
		}
		if err := share("accounts.level2_share_of_activated", a.Level2Share); err != nil {
			return err
		}
		if a.ActivatedShare > a.ProfilesShare {
			return ferr("accounts.activated_share", "%v exceeds profiles_share %v", a.ActivatedShare, a.ProfilesShare)
		}
	}
	if err := share("accounts.locked_share", a.LockedShare); err != nil {
		return err
	}
	_, act, _ := p.AccountRates()
	if act > 1-p.Handsets.None+SumTolerance {
		return ferr("accounts.activated", "activated share %.3f of people aged 14+ exceeds the %.3f who have a phone to receive the OTP", act, 1-p.Handsets.None)
	}
	return source("accounts", a.Source)
}

func (p *Profile) checkAssociations() error {
	seen := map[[2]string]bool{}
	for i, as := range p.Associations {
		f := fmt.Sprintf("associations[%d]", i)
		if !IsIndicator(as.A) {
			return ferr(f+".a", "unknown indicator %q (known: %v)", as.A, Indicators)
		}
		if !IsIndicator(as.B) {
			return ferr(f+".b", "unknown indicator %q (known: %v)", as.B, Indicators)
		}
		if as.A == as.B {
			return ferr(f+".b", "an indicator cannot be associated with itself")
		}
		k := [2]string{as.A, as.B}
		if as.B < as.A {
			k = [2]string{as.B, as.A}
		}
		if seen[k] {
			return ferr(f, "duplicate association %s–%s", as.A, as.B)
		}
		seen[k] = true
		if !(as.OddsRatio > 0) || as.OddsRatio > 1000 || math.IsInf(as.OddsRatio, 0) {
			return ferr(f+".odds_ratio", "must be in (0,1000], got %v", as.OddsRatio)
		}
		if as.Source == "" {
			return ferr(f+".source", "every odds ratio needs a source or a stated assumption")
		}
	}
	return nil
}
