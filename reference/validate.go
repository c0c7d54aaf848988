package reference

import (
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxFieldLen bounds free-text request fields (device and station ids, names).
const maxFieldLen = 128

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
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

func checkCitizenID(v string) error {
	if !isDigits(v, 12) {
		return InvalidField("citizen_id", "must be 12 digits")
	}
	return nil
}

func checkPhone(field, v string) error {
	if !isDigits(v, 10) || v[0] != '0' {
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
	if !isDigits(v, s.policy.OTPLength) {
		return InvalidField("otp", "must be %d digits", s.policy.OTPLength)
	}
	return nil
}

func (s *Service) checkPasscode(v string) error {
	if !isDigits(v, s.policy.PasscodeLen) {
		return InvalidField("passcode", "must be %d digits", s.policy.PasscodeLen)
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
