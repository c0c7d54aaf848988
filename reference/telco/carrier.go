package telco

import "github.com/eidsim/eidsim/reference"

// unknownCarrier labels numbers outside the prefix table.
const unknownCarrier = "unknown"

// carrierOf returns the carrier of a number as reference.CarrierOf names it, or "unknown".
func carrierOf(phone string) string {
	if c := reference.CarrierOf(phone); c != "" {
		return c
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
