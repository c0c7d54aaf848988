package telco

// prefixes maps the three-digit prefix of a 10-digit Vietnamese mobile number to its carrier
// (the post-2018 prefix table; Itelecom is the MVNO on 087, Reddi on 055).
var prefixes = map[string]string{
	"086": "viettel", "096": "viettel", "097": "viettel", "098": "viettel",
	"032": "viettel", "033": "viettel", "034": "viettel", "035": "viettel",
	"036": "viettel", "037": "viettel", "038": "viettel", "039": "viettel",
	"089": "mobifone", "090": "mobifone", "093": "mobifone", "070": "mobifone",
	"076": "mobifone", "077": "mobifone", "078": "mobifone", "079": "mobifone",
	"088": "vinaphone", "091": "vinaphone", "094": "vinaphone", "081": "vinaphone",
	"082": "vinaphone", "083": "vinaphone", "084": "vinaphone", "085": "vinaphone",
	"092": "vietnamobile", "056": "vietnamobile", "058": "vietnamobile", "052": "vietnamobile",
	"099": "gmobile", "059": "gmobile",
	"087": "itelecom",
	"055": "reddi",
}

// unknownCarrier labels numbers outside the prefix table.
const unknownCarrier = "unknown"

// carrierOf returns the carrier of a 10-digit number from its prefix, normalised as the
// Config keys are, or "unknown".
func carrierOf(phone string) string {
	if len(phone) >= 3 {
		if c, ok := prefixes[phone[:3]]; ok {
			return c
		}
	}
	return unknownCarrier
}

// validPhone reports whether phone is a 10-digit national number starting with 0.
func validPhone(phone string) bool {
	if len(phone) != 10 || phone[0] != '0' {
		return false
	}
	for i := 1; i < len(phone); i++ {
		if phone[i] < '0' || phone[i] > '9' {
			return false
		}
	}
	return true
}
