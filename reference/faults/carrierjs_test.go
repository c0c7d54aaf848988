package faults_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

// TestCarrierTableOfTheScenarios keeps scenarios/k6/lib/carrier.js, which attributes load
// outcomes to carriers, equal to reference's prefix table, which routes the SMS.
func TestCarrierTableOfTheScenarios(t *testing.T) {
	b, err := os.ReadFile("../../scenarios/k6/lib/carrier.js")
	require.NoError(t, err)
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`'(\d{3})': '([A-Za-z]+)'`).FindAllStringSubmatch(string(b), -1) {
		got[m[1]] = m[2]
	}
	want := map[string]string{}
	for _, c := range []string{reference.CarrierViettel, reference.CarrierMobiFone, reference.CarrierVinaPhone, reference.CarrierVietnamobile,
		reference.CarrierGmobile, reference.CarrierItelecom, reference.CarrierReddi} {
		for _, p := range reference.CarrierPrefixes(c) {
			want[p] = c
		}
	}
	assert.Equal(t, want, got)
}
