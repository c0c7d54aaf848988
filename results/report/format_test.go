package report

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{num(math.NaN()), "–"},
		{num(math.Inf(1)), "∞"},
		{num(25), "25"},
		{num(1135.4), "1135"},
		{num(77.14), "77.1"},
		{num(0.504), "0.50"},
		{pct(0.0293), "2.9 %"},
		{pct(0.0002), "0.02 %"},
		{pct(0), "0 %"},
		{pct(1), "100 %"},
		{shareOf(4, 12), "33.3 % (4 of 12)"},
		{shareOf(0, 0), "– (0 of 0)"},
		{shareOf(1234, 5000), "24.7 % (1,234 of 5,000)"},
		{thousands(357943), "357,943"},
		{thousands(-1234567.4), "-1,234,567"},
		{thousands(999), "999"},
		{thousands(-0.2), "0"},
		{shortNum(500000), "500k"},
		{shortNum(2500), "2500"},
		{shortNum(25000), "25k"},
		{shortNum(0.1 + 0.2 + 0.3), "0.6"},
		{shortNum(3e6), "3M"},
		{shortNum(0.25), "0.25"},
		{ratioText(ratioOf(2138, 116)), "×0.05"},
		{ratioText(ratioOf(0, 0)), "×1.00"},
		{ratioText(ratioOf(0, 3)), "∞"},
		{ratioText(ratioOf(math.NaN(), 3)), "–"},
		{verdict(2138, 116, -1), "better"},
		{verdict(0.42, 0.53, +1), "better"},
		{verdict(0.0293, 0.031, -1), "worse"},
		{verdict(100, 100.5, -1), "same"},
		{verdict(1, 2, 0), ""},
		{shortStep("C01_Recover_02_Start"), "02_Start"},
		{shortStep("all service steps"), "all"},
		{slug("Adoption: accounts activated"), "adoption-accounts-activated"},
		{label("activated_level2"), "Activated level2"},
		{mdText("a|b\n<svg> p(95)<=1000"), `a\|b &lt;svg> p(95)<=1000`},
	} {
		assert.Equal(t, tc.want, tc.got)
	}
}
