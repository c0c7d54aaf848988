// Package profile holds province profiles: the published figures a synthetic population is
// calibrated to, one YAML file per province, each figure with its source or with the
// assumption made where nothing is published.
//
// A profile is decoded strictly (unknown fields are errors) and checked: every share lies in
// [0,1], the shares of a distribution sum to 1, counts are consistent (villages without 2G do not
// exceed the villages, activated accounts do not exceed collected profiles, …) and every
// section names its source. Errors are *Error values naming the file, the line and the field.
//
// The built-in profiles (Điện Biên, Kon Tum, Gia Lai, Nghệ An, Hà Nội, Hồ Chí Minh City and the
// whole country) are embedded in the binary; Load accepts a built-in name or a file path.
package profile

import (
	"fmt"
	"math"
	"time"
)

// Shares of a distribution must sum to 1 within this tolerance.
const SumTolerance = 0.001

// AdultAge is the age from which a citizen may hold an e-ID account of their own.
const AdultAge = 14

// Profile is one province (or the whole country).
type Profile struct {
	// Name is the short identifier used on the command line (e.g. "dien-bien").
	Name string `yaml:"name"`
	// Title is the name in Vietnamese script (e.g. "Điện Biên").
	Title string `yaml:"title"`
	// ProvinceCode is the 3-digit code used in citizen IDs (birth-registration province).
	ProvinceCode string `yaml:"province_code"`
	// Provinces, when given, spreads birth registration over several province codes (the
	// whole-country profile); ProvinceCode is then the code shown for the profile as a whole.
	Provinces *Provinces `yaml:"provinces"`
	// Snapshot is the date (YYYY-MM-DD) the figures describe; ages and account states are
	// computed at this date.
	Snapshot string `yaml:"snapshot"`
	// Summary is a one-line description of the sources, shown by `eidsim profiles`.
	Summary string `yaml:"summary"`

	Population Population `yaml:"population"`
	Sex        Sex        `yaml:"sex"`
	Age        Age        `yaml:"age"`
	Ethnicity  Ethnicity  `yaml:"ethnic_groups"`
	Urban      Share      `yaml:"urban"`
	Poverty    Poverty    `yaml:"poverty"`
	Handsets   Handsets   `yaml:"handsets"`
	SIM        SIM        `yaml:"sim"`
	Carriers   Carriers   `yaml:"carriers"`
	Villages   Villages   `yaml:"villages"`
	// Communes is the number of commune-level units (communes, wards, townships), each with a
	// police post; optional (campaign defaults derive counter kits and community digital
	// teams from it, or from the villages when it is absent).
	Communes     Communes      `yaml:"communes"`
	ChipCard     Share         `yaml:"chip_card"`
	Accounts     Accounts      `yaml:"accounts"`
	Associations []Association `yaml:"associations"`

	// File is where the profile was read from ("builtin:NAME" for embedded ones).
	File string `yaml:"-"`
	// SHA256 is the hex digest of the profile's bytes.
	SHA256 string `yaml:"-"`
}

// Provinces lists the birth-registration provinces of a multi-province profile.
type Provinces struct {
	Codes  []ProvinceWeight `yaml:"codes"`
	Source string           `yaml:"source"`
}

// ProvinceWeight is one province code and its relative population weight.
type ProvinceWeight struct {
	Code   string  `yaml:"code"`
	Name   string  `yaml:"name"`
	Weight float64 `yaml:"weight"`
}

// Population is the number of inhabitants.
type Population struct {
	Count  int64  `yaml:"count"`
	Year   int    `yaml:"year"`
	Source string `yaml:"source"`
}

// Sex is the sex ratio.
type Sex struct {
	Male   float64 `yaml:"male"`
	Source string  `yaml:"source"`
}

// Age is the age structure at the snapshot, in contiguous bands starting at 0.
type Age struct {
	Bands  []AgeBand `yaml:"bands"`
	Source string    `yaml:"source"`
}

// AgeBand is the share of the population aged Min to Max years inclusive.
type AgeBand struct {
	Min   int     `yaml:"min"`
	Max   int     `yaml:"max"`
	Share float64 `yaml:"share"`
}

// Ethnicity lists the ethnic groups. The group with key "Kinh" is the majority; every other
// group counts as an ethnic minority.
type Ethnicity struct {
	Groups []EthnicGroup `yaml:"groups"`
	Source string        `yaml:"source"`
}

// EthnicGroup is one group: its ASCII key (the record's ethnicity field), its name in
// Vietnamese script, its share and its naming custom (a names scheme; defaults from the key).
type EthnicGroup struct {
	Key    string  `yaml:"key"`
	Name   string  `yaml:"name"`
	Share  float64 `yaml:"share"`
	Naming string  `yaml:"naming"`
	// RemoteAffinity weights how strongly the group's villages are the ones without 4G
	// (default 1; e.g. 2 for groups living highest in the mountains). An assumption unless a
	// source is given.
	RemoteAffinity float64 `yaml:"remote_affinity"`
}

// Share is a single proportion with its source.
type Share struct {
	Share  float64 `yaml:"share"`
	Source string  `yaml:"source"`
}

// Poverty gives the poor and near-poor shares (MOLISA multidimensional standard).
type Poverty struct {
	Poor     float64 `yaml:"poor"`
	NearPoor float64 `yaml:"near_poor"`
	Source   string  `yaml:"source"`
}

// Handsets gives the shares of people aged 14+ by the phone they have, and the share of
// smartphones that can read the chip card by NFC.
type Handsets struct {
	Smartphone float64 `yaml:"smartphone"`
	Feature    float64 `yaml:"feature"`
	None       float64 `yaml:"none"`
	NFC        float64 `yaml:"nfc_of_smartphones"`
	Source     string  `yaml:"source"`
}

// SIM describes SIM ownership and churn among people with a phone.
type SIM struct {
	// OwnerRegistered is the share of SIM users whose SIM is registered in their own name.
	OwnerRegistered float64 `yaml:"owner_registered"`
	// SwapsOwner and SwapsNonOwner are mean SIM swaps per year.
	SwapsOwner    float64 `yaml:"swaps_per_year_owner"`
	SwapsNonOwner float64 `yaml:"swaps_per_year_non_owner"`
	// Recycled is the share of abandoned account phone numbers that the carrier has since
	// given to another citizen.
	Recycled float64 `yaml:"recycled_share"`
	Source   string  `yaml:"source"`
}

// Carriers gives mobile-operator market shares among SIM users.
type Carriers struct {
	Shares []CarrierShare `yaml:"shares"`
	Source string         `yaml:"source"`
}

// CarrierShare is one operator's share.
type CarrierShare struct {
	Name  string  `yaml:"name"`
	Share float64 `yaml:"share"`
}

// Villages gives the number of villages (thôn, bản, làng, tổ dân phố) and how many lack
// coverage or grid power.
type Villages struct {
	Count        int    `yaml:"count"`
	Without2G    int    `yaml:"without_2g"`
	Only2G       int    `yaml:"only_2g"`
	WithoutPower int    `yaml:"without_power"`
	Source       string `yaml:"source"`
	// RemoteSize is the mean population of a village without 4G relative to a rural village
	// with 4G (assumption; default 0.6). UrbanSize is the same for urban wards' residential
	// groups (default 1.5).
	RemoteSize float64 `yaml:"remote_size_ratio"`
	UrbanSize  float64 `yaml:"urban_size_ratio"`
}

// Communes is a count of commune-level units with its source.
type Communes struct {
	Count  int    `yaml:"count"`
	Source string `yaml:"source"`
}

// Accounts gives the e-ID account state at the snapshot: either counts (with the eligible
// population they refer to) or shares of the population aged 14+.
type Accounts struct {
	Profiles  int64 `yaml:"profiles"`
	Activated int64 `yaml:"activated"`
	Level2    int64 `yaml:"level2_activated"`
	// Eligible is the population aged 14+ the counts refer to; 0 means population.count
	// times the share aged 14+.
	Eligible int64 `yaml:"eligible"`
	// Shares, used when the counts are not given.
	ProfilesShare  float64 `yaml:"profiles_share"`
	ActivatedShare float64 `yaml:"activated_share"`
	Level2Share    float64 `yaml:"level2_share_of_activated"`
	// LockedShare is the share of activated accounts locked at the snapshot.
	LockedShare float64 `yaml:"locked_share"`
	Source      string  `yaml:"source"`
}

// Association is an assumed odds ratio between two barrier indicators, used to build the
// seed table that the fit starts from (see Indicators for the names).
type Association struct {
	A         string  `yaml:"a"`
	B         string  `yaml:"b"`
	OddsRatio float64 `yaml:"odds_ratio"`
	Source    string  `yaml:"source"`
}

// Indicators are the barrier indicators an Association may name.
var Indicators = []string{
	"minority",      // ethnic group other than Kinh
	"rural",         // lives in a rural village
	"poor",          // poor household (near-poor households get the square root of the ratio)
	"remote",        // village without 4G (2G only or no coverage)
	"no_coverage",   // village without even 2G
	"no_smartphone", // feature phone or no phone
	"no_phone",      // no phone at all
	"non_owner_sim", // SIM not registered in the user's own name
	"no_account",    // no e-ID account (aged 14+)
	"not_activated", // no account or an account pending activation
	"level2",        // activated level-2 account
}

// IsIndicator reports whether s names a barrier indicator.
func IsIndicator(s string) bool {
	for _, x := range Indicators {
		if x == s {
			return true
		}
	}
	return false
}

// SnapshotDate returns the parsed snapshot date.
func (p *Profile) SnapshotDate() time.Time {
	t, _ := time.Parse("2006-01-02", p.Snapshot)
	return t
}

// AdultShare returns the share of the population aged 14 or more.
func (p *Profile) AdultShare() float64 {
	s := 0.0
	for _, b := range p.Age.Bands {
		if b.Min >= AdultAge {
			s += b.Share
		}
	}
	return s
}

// MinorityShare returns the share of the population in groups other than Kinh.
func (p *Profile) MinorityShare() float64 {
	s := 0.0
	for _, g := range p.Ethnicity.Groups {
		if g.Key != "Kinh" {
			s += g.Share
		}
	}
	return s
}

// AccountRates returns the shares of the population aged 14+ with an account (profile
// collected), with an activated account, and the share of level 2 among activated accounts.
func (p *Profile) AccountRates() (profiles, activated, level2 float64) {
	a := p.Accounts
	if a.Profiles > 0 || a.Activated > 0 {
		el := float64(p.EligiblePopulation())
		profiles = float64(a.Profiles) / el
		activated = float64(a.Activated) / el
		if a.Level2 > 0 && a.Activated > 0 {
			level2 = float64(a.Level2) / float64(a.Activated)
		} else {
			level2 = a.Level2Share
		}
		return
	}
	return a.ProfilesShare, a.ActivatedShare, a.Level2Share
}

// EligiblePopulation returns the population aged 14+ that the account counts refer to.
func (p *Profile) EligiblePopulation() int64 {
	if p.Accounts.Eligible > 0 {
		return p.Accounts.Eligible
	}
	return int64(math.Round(float64(p.Population.Count) * p.AdultShare()))
}

// VillageCoverage returns the village counts by coverage class: no coverage, 2G only, 4G.
func (p *Profile) VillageCoverage() (none, only2g, full int) {
	v := p.Villages
	return v.Without2G, v.Only2G, v.Count - v.Without2G - v.Only2G
}

// Describe returns a one-line description for listings.
func (p *Profile) Describe() string {
	return fmt.Sprintf("%s (%s), population %d (%d)", p.Title, p.ProvinceCode, p.Population.Count, p.Population.Year)
}
