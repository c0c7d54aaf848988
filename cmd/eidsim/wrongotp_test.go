package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// wrongOTP returns a code of the same length that differs from otp in every digit, so a
// test's wrong entry is wrong whatever code was drawn.
func wrongOTP(otp string) string {
	b := []byte(otp)
	for i, d := range b {
		b[i] = '0' + (d-'0'+1)%10
	}
	return string(b)
}

func TestWrongOTP(t *testing.T) {
	tests := []struct{ otp, want string }{
		{"000000", "111111"},
		{"999999", "000000"},
		{"340592", "451603"},
		{"0042", "1153"},
	}
	for _, tt := range tests {
		t.Run(tt.otp, func(t *testing.T) {
			got := wrongOTP(tt.otp)
			assert.Equal(t, tt.want, got)
			for i := range got {
				assert.NotEqual(t, tt.otp[i], got[i], "digit %d", i)
			}
		})
	}
}
