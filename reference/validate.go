package reference

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/eidsim/eidsim/generators/population"
)

// maxFieldLen bounds free-text request fields (device and station ids, names).
const maxFieldLen = 128

func checkCitizenID(v string) error {
	if !population.IsDigits(v, 12) {
		return InvalidField("citizen_id", "must be 12 digits")
	}
	return nil
}

func checkPhone(field, v string) error {
	if !population.IsDigits(v, 10) || v[0] != '0' {
		return InvalidField(field, "must be a 10-digit mobile number starting with 0")
	}
	return nil
}

func checkText(field, v string, required bool) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return InvalidField(field, "must not be empty")
	case len(v) > maxFieldLen:
		return InvalidField(field, "longer than %d bytes", maxFieldLen)
	case !utf8.ValidString(v):
		return InvalidField(field, "not valid UTF-8")
	}
	return nil
}

func checkDate(field, v string) error {
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return InvalidField(field, "must be a date YYYY-MM-DD")
	}
	return nil
}

func (s *Service) checkOTPFormat(v string) error {
	if !population.IsDigits(v, s.policy.OTPLength) {
		return InvalidField("otp", "must be %d digits", s.policy.OTPLength)
	}
	return nil
}

func (s *Service) checkPasscode(v string) error {
	if !population.IsDigits(v, s.policy.PasscodeLen) {
		return InvalidField("passcode", "must be %d digits", s.policy.PasscodeLen)
	}
	return nil
}

// passwordSpecials are the special characters the VNeID rule lists; any other printable
// non-alphanumeric ASCII character counts too.
const passwordSpecials = "!@#$^*()_"

// CheckPassword applies the password rule of p: PasswordMinLen–PasswordMaxLen characters with
// at least one digit, one upper-case letter, one lower-case letter and one special character
// (printable, neither letter nor digit nor space). It returns a weak_password error naming
// what is missing.
func (p Policy) CheckPassword(pw string) error { return p.checkPassword(pw, "password") }

func (p Policy) checkPassword(pw, field string) error {
	n := utf8.RuneCountInString(pw)
	if !utf8.ValidString(pw) || n < p.PasswordMinLen || n > p.PasswordMaxLen {
		return Errorf(EWeakPassword, "password must be %d–%d characters", p.PasswordMinLen, p.PasswordMaxLen).
			With("field", "password")
	}
	var digit, upper, lower, special bool
	for _, r := range pw {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case strings.ContainsRune(passwordSpecials, r) || (unicode.IsPrint(r) && !unicode.IsSpace(r) && !unicode.IsLetter(r)):
			special = true
		case unicode.IsSpace(r) || !unicode.IsPrint(r):
			return Errorf(EWeakPassword, "password must not contain spaces or control characters").With("field", field)
		}
	}
	var missing []string
	if !digit {
		missing = append(missing, "a digit")
	}
	if !upper {
		missing = append(missing, "an upper-case letter")
	}
	if !lower {
		missing = append(missing, "a lower-case letter")
	}
	if !special {
		missing = append(missing, "a special character such as "+passwordSpecials)
	}
	if len(missing) > 0 {
		return Errorf(EWeakPassword, "password needs %s", strings.Join(missing, ", ")).With("field", field)
	}
	return nil
}

// sameName compares two full names after Unicode NFC normalisation, case folding and
// collapsing of white space, so that "Nguyễn  văn An" matches "Nguyễn Văn An" in either
// composed or decomposed form.
func sameName(a, b string) bool {
	return strings.EqualFold(normName(a), normName(b))
}

func normName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}
