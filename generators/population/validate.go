package population

import (
	"fmt"
	"strconv"
	"time"
)

// FieldError names the field of a record that is wrong and why.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("field %s: %s", e.Field, e.Msg) }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// IsDigits reports whether s is exactly n ASCII digits.
func IsDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// DecodeID returns the sex ("M" or "F") and birth year encoded in a 12-digit citizen ID:
// province code (3 digits), century/sex digit (0/1 for 1900s male/female, 2/3 for 2000s, and
// so on), the last two digits of the birth year, and six serial digits. There is no checksum.
func DecodeID(id string) (sex string, birthYear int, err error) {
	if !IsDigits(id, 12) {
		return "", 0, fmt.Errorf("citizen ID %q is not 12 digits", id)
	}
	g := int(id[3] - '0')
	yy, _ := strconv.Atoi(id[4:6])
	birthYear = 1900 + 100*(g/2) + yy
	sex = "M"
	if g%2 == 1 {
		sex = "F"
	}
	return sex, birthYear, nil
}

// CenturySexDigit returns the fourth digit of a citizen ID for a sex and birth year.
func CenturySexDigit(sex string, birthYear int) int {
	d := 2 * ((birthYear - 1900) / 100)
	if sex == "F" {
		d++
	}
	return d
}

// ValidPhone reports whether s is a 10-digit Vietnamese mobile number starting with 0.
func ValidPhone(s string) bool { return IsDigits(s, 10) && s[0] == '0' }

// Validate checks a record against the contract and returns a *FieldError naming the first
// field that is wrong.
func (r *Record) Validate() error {
	sex, year, err := DecodeID(r.CitizenID)
	if err != nil {
		return fieldErr("citizen_id", "must be 12 digits, got %q", r.CitizenID)
	}
	if r.FullName == "" {
		return fieldErr("full_name", "must not be empty")
	}
	if r.Sex != "M" && r.Sex != "F" {
		return fieldErr("sex", `must be "M" or "F", got %q`, r.Sex)
	}
	if r.Sex != sex {
		return fieldErr("sex", "%q disagrees with the century/sex digit of citizen_id %s", r.Sex, r.CitizenID)
	}
	bd, err := time.Parse("2006-01-02", r.BirthDate)
	if err != nil {
		return fieldErr("birth_date", "must be YYYY-MM-DD, got %q", r.BirthDate)
	}
	if bd.Year() != year {
		return fieldErr("birth_date", "year %d disagrees with citizen_id %s (year %d)", bd.Year(), r.CitizenID, year)
	}
	if !IsDigits(r.ProvinceCode, 3) {
		return fieldErr("province_code", "must be 3 digits, got %q", r.ProvinceCode)
	}
	if r.Ethnicity == "" {
		return fieldErr("ethnicity", "must not be empty")
	}
	switch r.Handset {
	case HandsetSmartphone, HandsetFeature, HandsetNone:
	default:
		return fieldErr("handset", `must be "smartphone", "feature" or "none", got %q`, r.Handset)
	}
	if r.SIM.Phone != "" && !ValidPhone(r.SIM.Phone) {
		return fieldErr("sim.phone", "must be 10 digits starting with 0 or empty, got %q", r.SIM.Phone)
	}
	switch r.Coverage {
	case CoverageNone, Coverage2G, Coverage4G:
	default:
		return fieldErr("coverage", `must be "none", "2g" or "4g", got %q`, r.Coverage)
	}
	switch r.Poverty {
	case "", PovertyNone, PovertyNearPoor, PovertyPoor:
	default:
		return fieldErr("poverty", `must be "none", "near_poor" or "poor", got %q`, r.Poverty)
	}
	if t := r.Traits; t != nil {
		if t.ForgetPerYear < 0 {
			return fieldErr("traits.forget_per_year", "must not be negative")
		}
		if t.TypoRate < 0 || t.TypoRate > 1 {
			return fieldErr("traits.typo_rate", "must be in [0,1], got %v", t.TypoRate)
		}
		if t.BiometricQuality < 0 || t.BiometricQuality > 1 {
			return fieldErr("traits.biometric_quality", "must be in [0,1], got %v", t.BiometricQuality)
		}
		if t.Patience < 0 {
			return fieldErr("traits.patience", "must not be negative")
		}
	}
	if a := r.Account; a != nil {
		if a.Level != 1 && a.Level != 2 {
			return fieldErr("account.level", "must be 1 or 2, got %d", a.Level)
		}
		if !ValidPhone(a.Phone) {
			return fieldErr("account.phone", "must be 10 digits starting with 0, got %q", a.Phone)
		}
		if a.Password == "" {
			return fieldErr("account.password", "must not be empty")
		}
		switch a.Status {
		case "", AccountActive, AccountPendingActivation, AccountLocked:
		default:
			return fieldErr("account.status", `must be "active", "pending_activation" or "locked", got %q`, a.Status)
		}
		if a.DeviceID == "" && a.AccountStatus() != AccountPendingActivation {
			return fieldErr("account.device_id", "must not be empty for an active account")
		}
	}
	return nil
}
