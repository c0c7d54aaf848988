package synth

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/phone"
	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/generators/profile"
	"github.com/eidsim/eidsim/reference"
)

var update = flag.Bool("update", false, "rewrite golden files")

func build(t testing.TB, name string, seed uint64, n int64) *Population {
	t.Helper()
	p, err := profile.Load(name)
	require.NoError(t, err)
	m, err := NewModel(p, seed)
	require.NoError(t, err)
	pop, err := m.NewPopulation(n)
	require.NoError(t, err)
	return pop
}

func generate(t testing.TB, pop *Population, o Options) ([]byte, *Tally) {
	t.Helper()
	var buf bytes.Buffer
	tl, err := pop.Write(context.Background(), &buf, o)
	require.NoError(t, err)
	return buf.Bytes(), tl
}

func records(t testing.TB, out []byte) []population.Record {
	t.Helper()
	var recs []population.Record
	rd := population.NewReader(bytes.NewReader(out), "generated")
	for {
		var r population.Record
		err := rd.Next(&r)
		if err != nil {
			require.ErrorContains(t, err, "EOF")
			break
		}
		recs = append(recs, r)
	}
	return recs
}

// libphonenumber's VN mobile pattern (national significant number, 9 digits).
var vnMobile = regexp.MustCompile(`^(?:(?:5(?:2[238]|59)|89[6-9]|99[013-9])\d{6}|(?:3\d|5[1689]|7[06-9]|8[1-8]|9[0-8])\d{7})$`)

func TestRecordsAreValid(t *testing.T) {
	const n = 25000
	pop := build(t, "dien-bien", 7, n)
	out, _ := generate(t, pop, Options{})
	recs := records(t, out)
	require.Len(t, recs, n)
	ids := map[string]bool{}
	sims := map[string]int{}
	acctPhones := map[string]bool{}
	passwords := map[string]bool{}
	var recycled, swapped int
	for i := range recs {
		r := &recs[i]
		require.NoError(t, r.Validate())
		sex, year, err := population.DecodeID(r.CitizenID)
		require.NoError(t, err)
		assert.Equal(t, r.Sex, sex, r.CitizenID)
		assert.Equal(t, r.BirthDate[:4], itoa(year), r.CitizenID)
		assert.Equal(t, "011", r.CitizenID[:3])
		assert.False(t, ids[r.CitizenID], "duplicate ID %s", r.CitizenID)
		ids[r.CitizenID] = true
		if r.Handset == population.HandsetNone {
			assert.Empty(t, r.SIM.Phone)
			assert.Empty(t, r.SIM.Carrier)
			assert.False(t, r.NFC)
		} else {
			require.True(t, vnMobile.MatchString(r.SIM.Phone[1:]), "phone %s", r.SIM.Phone)
			assert.Equal(t, phone.CarrierOf(r.SIM.Phone), r.SIM.Carrier)
			sims[r.SIM.Phone]++
			assert.Equal(t, 1, sims[r.SIM.Phone], "duplicate SIM %s", r.SIM.Phone)
		}
		age := ageAt(r.BirthDate, "2023-10-01")
		if age < 14 {
			assert.Nil(t, r.Account, "under-14 %s has an account", r.CitizenID)
		}
		if a := r.Account; a != nil {
			assert.True(t, vnMobile.MatchString(a.Phone[1:]), "account phone %s", a.Phone)
			assert.False(t, acctPhones[a.Phone], "account phone %s used twice", a.Phone)
			acctPhones[a.Phone] = true
			assert.NoError(t, reference.DefaultPolicy().CheckPassword(a.Password), a.Password)
			passwords[a.Password] = true
			switch a.AccountStatus() {
			case population.AccountPendingActivation:
				assert.Equal(t, 2, a.Level)
				assert.Empty(t, a.DeviceID)
			default:
				assert.Regexp(t, `^dev-[0-9a-f]{16}$`, a.DeviceID)
				assert.NotEqual(t, population.HandsetNone, r.Handset, "activated account without a phone")
			}
			if a.Level >= 1 && a.Status != population.AccountPendingActivation && r.SIM.Phone != "" && a.Phone != r.SIM.Phone {
				swapped++
			}
		}
	}
	for i := range recs {
		if a := recs[i].Account; a != nil && a.Phone != recs[i].SIM.Phone && sims[a.Phone] > 0 {
			recycled++
		}
	}
	assert.LessOrEqual(t, len(passwords), PasswordPoolSize)
	assert.Positive(t, swapped, "some accounts should point at an old number after a SIM swap")
	assert.Positive(t, recycled, "some abandoned numbers should be recycled to other citizens")
	assert.Less(t, recycled, swapped)
}

func itoa(y int) string { return strconv.Itoa(y) }

func ageAt(birth, snap string) int {
	a := int(atoi(snap[:4]) - atoi(birth[:4]))
	if snap[5:] < birth[5:] {
		a--
	}
	return a
}

func atoi(s string) int64 {
	var v int64
	for _, c := range s {
		v = v*10 + int64(c-'0')
	}
	return v
}

func TestSameBytesForAnyWorkerCount(t *testing.T) {
	pop := build(t, "dien-bien", 3, 25000)
	one, _ := generate(t, pop, Options{Workers: 1})
	two, _ := generate(t, pop, Options{Workers: 2})
	odd, _ := generate(t, pop, Options{Workers: 3, Chunk: 777})
	require.Equal(t, one, two, "1 vs 2 workers")
	require.Equal(t, one, odd, "1 worker vs 3 workers with odd chunks")
	other, _ := generate(t, build(t, "dien-bien", 4, 25000), Options{Workers: 2})
	require.NotEqual(t, one, other, "another seed gives another population")
}

func TestShardsConcatenateToTheWhole(t *testing.T) {
	for _, format := range []string{FormatJSONL, FormatCSV} {
		t.Run(format, func(t *testing.T) {
			pop := build(t, "kon-tum", 1, 20011)
			whole, _ := generate(t, pop, Options{Format: format})
			var cat []byte
			for i := 1; i <= 3; i++ {
				part, _ := generate(t, pop, Options{Format: format, Shard: i, Shards: 3, Workers: i})
				cat = append(cat, part...)
			}
			require.Equal(t, whole, cat)
		})
	}
}

func TestValidationWithinOnePoint(t *testing.T) {
	n := int64(200000)
	if testing.Short() {
		n = 60000
	}
	pop := build(t, "dien-bien", 1, n)
	_, tl := generate(t, pop, Options{Tally: true})
	v := pop.M.Validate(tl)
	ok, checked, failed := v.AllOK()
	if !ok {
		var b strings.Builder
		v.Print(&b, "Điện Biên", tl.N)
		t.Log(b.String())
	}
	assert.True(t, ok, "%d of %d controls out of tolerance", failed, checked)
	assert.GreaterOrEqual(t, checked, 40)
	// the barriers go together
	idx := map[string]int{}
	for i, n := range v.Names {
		idx[n] = i
	}
	for _, pair := range [][2]string{{"minority", "poor"}, {"poor", "no_smartphone"}, {"minority", "remote"}, {"no_smartphone", "not_activated"}, {"minority", "non_owner_sim"}} {
		assert.Greater(t, v.Phi[idx[pair[0]]][idx[pair[1]]], 0.05, "phi %s × %s", pair[0], pair[1])
	}
}

func TestEveryBuiltinProfileGenerates(t *testing.T) {
	for _, name := range profile.Builtin() {
		t.Run(name, func(t *testing.T) {
			pop := build(t, name, 2, 6000)
			out, tl := generate(t, pop, Options{Tally: true})
			recs := records(t, out)
			require.Len(t, recs, 6000)
			assert.Equal(t, int64(6000), tl.N)
			ids := map[string]bool{}
			for _, r := range recs {
				assert.False(t, ids[r.CitizenID])
				ids[r.CitizenID] = true
				if name != "vietnam" {
					assert.Equal(t, pop.M.Profile.ProvinceCode, r.ProvinceCode)
				} else {
					assert.Equal(t, r.CitizenID[:3], r.ProvinceCode)
				}
			}
		})
	}
}

func TestCountryProfileSpreadsProvinces(t *testing.T) {
	pop := build(t, "vietnam", 1, 10000)
	out, _ := generate(t, pop, Options{})
	codes := map[string]int{}
	for _, r := range records(t, out) {
		codes[r.ProvinceCode]++
	}
	assert.Len(t, codes, 63)
	assert.Greater(t, codes["079"], codes["011"])
}

func TestGoldenFirstRecords(t *testing.T) {
	pop := build(t, "dien-bien", 1, 1000)
	var buf bytes.Buffer
	_, err := pop.Write(context.Background(), &limitLines{w: &buf, n: 5}, Options{Workers: 1, Chunk: 5})
	require.NoError(t, err)
	golden := filepath.Join("testdata", "dien-bien-seed1-first5.jsonl")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())
}

// limitLines keeps the first n lines written to it and drops the rest.
type limitLines struct {
	w *bytes.Buffer
	n int
}

func (l *limitLines) Write(p []byte) (int, error) {
	sc := bufio.NewScanner(bytes.NewReader(p))
	sc.Buffer(nil, len(p)+1)
	for l.n > 0 && sc.Scan() {
		l.w.Write(sc.Bytes())
		l.w.WriteByte('\n')
		l.n--
	}
	return len(p), nil
}

// TestPasswordPool: the pool is PasswordPoolSize distinct passwords that the service's own
// rule (reference.Policy.CheckPassword, the only password rule) accepts, the same for the
// same seed, and its symbols come from reference.PasswordSpecials.
func TestPasswordPool(t *testing.T) {
	rule := reference.DefaultPolicy()
	pool := PasswordPool(9)
	require.Len(t, pool, PasswordPoolSize)
	seen := map[string]bool{}
	for _, p := range pool {
		assert.NoError(t, rule.CheckPassword(p), p)
		assert.True(t, strings.ContainsAny(p[len(p)-1:], reference.PasswordSpecials), p)
		assert.False(t, seen[p])
		seen[p] = true
	}
	assert.Equal(t, pool, PasswordPool(9))
	assert.NotEqual(t, pool, PasswordPool(10))
	// The first passwords of seed 1, as every population generated since 1.0.0 has them.
	assert.Equal(t, wantPool1, PasswordPool(1)[:len(wantPool1)])
}

func TestCivilDays(t *testing.T) {
	for _, d := range []struct{ y, m, d int }{{1970, 1, 1}, {2000, 2, 29}, {1900, 3, 1}, {2023, 12, 31}, {1899, 12, 31}} {
		z := daysFromCivil(d.y, d.m, d.d)
		y, m, dd := civilFromDays(z)
		assert.Equal(t, d, struct{ y, m, d int }{y, m, dd})
	}
	assert.Equal(t, int64(0), daysFromCivil(1970, 1, 1))
	assert.Equal(t, int64(11016), daysFromCivil(2000, 2, 29))
}

func TestJSONEscaping(t *testing.T) {
	got := string(appendJSONString(nil, "a\"b\\c\n\x01đ\u2028"))
	assert.Equal(t, `"a\"b\\c\n\u0001đ\u2028"`, got)
}

func TestSystematicAllocation(t *testing.T) {
	// many tiny strata: every one gets floor or ceil of its expectation, the total is exact
	p := make([]float64, 400)
	for i := range p {
		p[i] = 1 + float64(i%7)
	}
	for _, n := range []int64{1, 7, 100, 1000, 12345} {
		for _, u0 := range []float64{0, 0.37, 0.999} {
			c := systematic(p, n, u0)
			sum := int64(0)
			tot := 0.0
			for _, x := range p {
				tot += x
			}
			for k, x := range c {
				sum += x
				want := float64(n) * p[k] / tot
				assert.True(t, float64(x) >= math.Floor(want)-1e-9 && float64(x) <= math.Ceil(want)+1e-9, "n=%d stratum %d: %d for %.3f", n, k, x, want)
			}
			assert.Equal(t, n, sum)
		}
	}
}

// wantPool1 are the first passwords of PasswordPool(1).
var wantPool1 = []string{"OverthereBusstop71*", "SeveralHand06_", "ManyPerson75*", "ItNotebook07*"}
