// Package names composes full names in Vietnamese script by the naming custom of a citizen's
// ethnic group (sources in docs/sources.md, section Names):
//
//   - Kinh (and Hoa, Tày, Nùng, Mường, Thổ): family name, one or two middle names, given name,
//     with era-dependent middle and given names (Văn/Thị dominant for older cohorts, modern
//     middle names such as Gia, Bảo, Khánh for the young; four-word names common for young women);
//   - Thái, Khơ Mú: Thái clan names (Lò, Lường, Quàng, …; the Nghệ An variant Lô, Lang, Vi, …),
//     middle Văn / Thị [vietnamese-name-generator] [naming-kho-mu];
//   - Hmong: clan + "A" for men, "Thị" for women + given name (Giàng A Páo, Vừ Thị Dua)
//     [naming-hmong];
//   - Dao: Bàn, Triệu, Chảo, Tẩn, Phàn …, with lineage middle names beside Văn / Thị;
//   - Jrai: clan first (Ksor, Rơ Mah, Siu, Nay, Kpă, …), women marked "H'" or "Hơ" [naming-jrai];
//   - Ê Đê: personal name first with "Y" (men) or "H'" (women), clan last (Y Ngông Niê Kdăm,
//     H'Hen Niê) [naming-ede];
//   - Bahnar: "A"/"Y" + one name, or Đinh Văn/Thị + name (no clan name [naming-bahnar]; the
//     forms are an assumption);
//   - Xơ Đăng, Giẻ Triêng: "A" (men) / "Y" (women) + name;
//   - Khmer: Thạch, Sơn, Danh, Kim … + Khmer given names.
//
// Lists and weights are data in this package; the weights of Kinh family names follow the
// published surname shares, the other lists are plausible-frequency orderings (stated in
// data.go).
package names

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eidsim/eidsim/generators/sampling"
)

// list is a weighted word list.
type list struct {
	words []string
	alias *sampling.Alias
}

func newList(ws []w) list {
	l := list{words: make([]string, len(ws))}
	weights := make([]float64, len(ws))
	for i, x := range ws {
		l.words[i] = x.s
		weights[i] = x.p
	}
	l.alias = sampling.MustAlias(weights)
	return l
}

func (l *list) draw(r *rand.PCG) string { return l.words[l.alias.Draw(r.Uint64())] }

// unit returns a uniform float in [0,1) from r.
func unit(r *rand.PCG) float64 { return float64(r.Uint64()>>11) * 0x1p-53 }

// w is a word and its weight.
type w struct {
	s string
	p float64
}

// shape is the order of the parts of a name.
type shape int

const (
	shapeKinh  shape = iota // family middle [middle2] given
	shapeClan               // family middle given (middle fixed by sex, e.g. Hmong A/Thị)
	shapeJrai               // clan [H'|Hơ ]given
	shapeEde                // Y given clan | H'given clan
	shapeAY                 // A given | Y given, or Đinh Văn/Thị given
	shapeKhmer              // family [Thị] given (1–2 syllables)
)

// era splits birth cohorts: before 1975, 1975–1999, 2000 on.
func era(birthYear int) int {
	switch {
	case birthYear < 1975:
		return 0
	case birthYear < 2000:
		return 1
	}
	return 2
}

type scheme struct {
	name   string
	shape  shape
	family list
	// middle[sex][era]; sex 0 male, 1 female
	middle  [2][3]list
	middle2 [2]list // second middle names for four-word names
	double  [2][3]float64
	given   [2][3]list
	// variant: for shapeAY the share of "Đinh Văn/Thị" names; for shapeJrai the share of "Hơ"
	// among female markers.
	variant float64
}

var (
	schemes []*scheme
	index   = map[string]int{}
)

func register(s *scheme) {
	index[s.name] = len(schemes)
	schemes = append(schemes, s)
}

func alias(name, target string) { index[name] = index[target] }

// Schemes returns the names of the naming schemes.
func Schemes() []string {
	out := make([]string, 0, len(index))
	for k := range index {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Known reports whether name is a naming scheme.
func Known(name string) bool { _, ok := index[name]; return ok }

// Index returns the scheme's index for Append, or -1.
func Index(name string) int {
	if i, ok := index[name]; ok {
		return i
	}
	return -1
}

// Append appends a full name of scheme idx for a person of that sex and birth year to dst.
func Append(dst []byte, idx int, female bool, birthYear int, r *rand.PCG) []byte {
	s := schemes[idx]
	sx := 0
	if female {
		sx = 1
	}
	e := era(birthYear)
	switch s.shape {
	case shapeKinh, shapeClan:
		fam := s.family.draw(r)
		mid := s.middle[sx][e].draw(r)
		for k := 0; k < 3 && mid == fam; k++ {
			mid = s.middle[sx][e].draw(r)
		}
		dst = append(dst, fam...)
		dst = append(dst, ' ')
		dst = append(dst, mid...)
		last := mid
		if s.double[sx][e] > 0 && unit(r) < s.double[sx][e] {
			m2 := s.middle2[sx].draw(r)
			for k := 0; k < 3 && (m2 == mid || m2 == fam); k++ {
				m2 = s.middle2[sx].draw(r)
			}
			if m2 != mid && m2 != fam {
				dst = append(dst, ' ')
				dst = append(dst, m2...)
				last = m2
			}
		}
		g := s.given[sx][e].draw(r)
		for k := 0; k < 4 && (g == last || g == fam); k++ {
			g = s.given[sx][e].draw(r)
		}
		dst = append(dst, ' ')
		return append(dst, g...)
	case shapeJrai:
		dst = append(dst, s.family.draw(r)...)
		dst = append(dst, ' ')
		if female {
			if unit(r) < s.variant {
				dst = append(dst, "Hơ "...)
			} else {
				dst = append(dst, "H'"...)
			}
		}
		return append(dst, s.given[sx][e].draw(r)...)
	case shapeEde:
		if female {
			dst = append(dst, "H'"...)
		} else {
			dst = append(dst, "Y "...)
		}
		dst = append(dst, s.given[sx][e].draw(r)...)
		dst = append(dst, ' ')
		return append(dst, s.family.draw(r)...)
	case shapeAY:
		if unit(r) < s.variant {
			dst = append(dst, s.family.draw(r)...)
			if female {
				dst = append(dst, " Thị "...)
			} else {
				dst = append(dst, " Văn "...)
			}
			return append(dst, s.given[sx][e].draw(r)...)
		}
		if female {
			dst = append(dst, "Y "...)
		} else {
			dst = append(dst, "A "...)
		}
		return append(dst, s.given[sx][e].draw(r)...)
	case shapeKhmer:
		dst = append(dst, s.family.draw(r)...)
		dst = append(dst, ' ')
		if female && unit(r) < s.variant {
			dst = append(dst, "Thị "...)
		}
		return append(dst, s.given[sx][e].draw(r)...)
	}
	return dst
}

// Name returns a full name as a string (for tests and tools; Append does not allocate).
func Name(scheme string, female bool, birthYear int, r *rand.PCG) string {
	return string(Append(nil, Index(scheme), female, birthYear, r))
}

// checkWords panics at start-up if a word list holds text that would need escaping in JSON
// or CSV, so encoders may copy names verbatim.
func checkWords() {
	for _, s := range schemes {
		lists := []list{s.family, s.middle2[0], s.middle2[1]}
		for x := 0; x < 2; x++ {
			for e := 0; e < 3; e++ {
				lists = append(lists, s.middle[x][e], s.given[x][e])
			}
		}
		for _, l := range lists {
			for _, w := range l.words {
				if !utf8.ValidString(w) || strings.ContainsAny(w, "\"\\,\n\r\t") || w == "" {
					panic("names: bad word " + strconv.Quote(w) + " in scheme " + s.name)
				}
			}
		}
	}
}
