package names

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func words(l list) map[string]bool {
	m := map[string]bool{}
	for _, w := range l.words {
		m[w] = true
	}
	return m
}

func TestNamingRules(t *testing.T) {
	r := rand.NewPCG(1, 2)
	rr := rand.New(rand.NewPCG(5, 6))
	jraiClans := words(schemes[Index("jrai")].family)
	edeClans := words(schemes[Index("ede")].family)
	hmongClans := words(schemes[Index("hmong")].family)
	kinhFamilies := words(schemes[Index("kinh")].family)
	for i := 0; i < 3000; i++ {
		year := 1940 + rr.IntN(80)
		female := i%2 == 1

		// Hmong: clan + "A" (men) / "Thị" (women) + given name.
		n := strings.Fields(Name("hmong", female, year, r))
		require.Len(t, n, 3)
		assert.True(t, hmongClans[n[0]], "Hmong clan %q", n[0])
		if female {
			assert.Equal(t, "Thị", n[1])
		} else {
			assert.Equal(t, "A", n[1])
		}

		// Ê Đê: personal name first with Y (men) or H' (women), clan last.
		s := Name("ede", female, year, r)
		if female {
			assert.True(t, strings.HasPrefix(s, "H'"), s)
		} else {
			assert.True(t, strings.HasPrefix(s, "Y "), s)
		}
		clan := s[strings.Index(s[2:], " ")+3:]
		if !edeClans[clan] {
			// two-word given names are not used, so the rest is a (possibly compound) clan
			t.Errorf("Ê Đê name %q does not end with a clan", s)
		}

		// Jrai: clan first; women marked H' or Hơ, men not.
		s = Name("jrai", female, year, r)
		var found string
		for c := range jraiClans {
			if strings.HasPrefix(s, c+" ") && len(c) > len(found) {
				found = c
			}
		}
		require.NotEmpty(t, found, "Jrai name %q does not start with a clan", s)
		rest := s[len(found)+1:]
		if female {
			assert.True(t, strings.HasPrefix(rest, "H'") || strings.HasPrefix(rest, "Hơ "), s)
		} else {
			assert.False(t, strings.HasPrefix(rest, "H'") || strings.HasPrefix(rest, "Hơ "), s)
		}

		// Xơ Đăng: A (men) / Y (women), or Đinh Văn / Đinh Thị.
		s = Name("xodang", female, year, r)
		if female {
			assert.True(t, strings.HasPrefix(s, "Y ") || strings.HasPrefix(s, "Đinh Thị "), s)
		} else {
			assert.True(t, strings.HasPrefix(s, "A ") || strings.HasPrefix(s, "Đinh Văn "), s)
		}

		// Kinh: family, one or two middle names, given name; no word repeated back to back.
		n = strings.Fields(Name("kinh", female, year, r))
		assert.True(t, len(n) == 3 || len(n) == 4, n)
		assert.True(t, kinhFamilies[n[0]], n)
		for k := 1; k < len(n); k++ {
			assert.NotEqual(t, n[k-1], n[k], n)
		}

		// Thái: Văn / Thị dominate the middle.
		n = strings.Fields(Name("thai", female, year, r))
		assert.Len(t, n, 3)
	}
}

func TestMiddleNameShares(t *testing.T) {
	r := rand.NewPCG(3, 4)
	count := func(scheme string, female bool, year int, mid string) float64 {
		k := 0
		for i := 0; i < 4000; i++ {
			if strings.Fields(Name(scheme, female, year, r))[1] == mid {
				k++
			}
		}
		return float64(k) / 4000
	}
	assert.Greater(t, count("kinh", true, 1960, "Thị"), 0.6, "older Kinh women are mostly Thị")
	assert.Less(t, count("kinh", true, 2010, "Thị"), 0.3, "young Kinh women less often Thị")
	assert.Greater(t, count("thai", false, 1980, "Văn"), 0.85)
	four := 0
	for i := 0; i < 4000; i++ {
		if len(strings.Fields(Name("kinh", true, 2008, r))) == 4 {
			four++
		}
	}
	assert.InDelta(t, 0.62, float64(four)/4000, 0.05, "young women mostly have four-word names")
}

func TestSchemesKnown(t *testing.T) {
	for _, s := range []string{"kinh", "thai", "thainghean", "hmong", "dao", "khomu", "tay", "nung", "muong", "tho", "hoa", "khmer", "jrai", "ede", "bahnar", "xodang", "gietrieng", "lao", "khang", "minority", "other"} {
		assert.True(t, Known(s), s)
		assert.GreaterOrEqual(t, Index(s), 0)
	}
	assert.False(t, Known("klingon"))
	assert.Equal(t, -1, Index("klingon"))
}
