package reference_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
)

// writePopulation writes a deterministic synthetic population of n citizens (n < 10^6 per
// distinct birth year is not needed: the serial is the index) to a file in dir and returns its
// path. It is a test helper, far simpler than the real generator: about half the citizens have
// an account, 5% of accounts are on an old number, a fifth of those old numbers were recycled
// to a later citizen's SIM, and passwords come from a pool of 100.
func writePopulation(t testing.TB, dir string, n int, seed uint64) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("pop-%d-%d.jsonl", n, seed))
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	r := rand.New(rand.NewPCG(seed, 1))
	provinces := []string{"001", "002", "031", "038", "040", "064", "079"}
	coverage := []string{"4g", "4g", "4g", "4g", "2g", "none"}
	recycledTo := map[int]int{} // later citizen index → citizen whose old number they hold
	for i := range n {
		year := 1940 + r.IntN(70)
		sex := "M"
		if r.IntN(2) == 1 {
			sex = "F"
		}
		rec := population.Record{
			CitizenID: fmt.Sprintf("%s%d%02d%06d", provinces[i%len(provinces)], population.CenturySexDigit(sex, year), year%100, i%1000000),
			FullName:  fmt.Sprintf("Nguyễn Văn %d", i), Sex: sex,
			BirthDate:    fmt.Sprintf("%04d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28)),
			ProvinceCode: provinces[i%len(provinces)], Ethnicity: "Kinh", Handset: population.HandsetSmartphone,
			Coverage: coverage[r.IntN(len(coverage))], VillageID: fmt.Sprintf("v%05d", i/500),
			SIM: population.SIM{Phone: fmt.Sprintf("091%07d", i), OwnerRegistered: r.Float64() < 0.85},
		}
		if owner, ok := recycledTo[i]; ok {
			rec.SIM = population.SIM{Phone: fmt.Sprintf("098%07d", owner), OwnerRegistered: true}
		} else if r.Float64() < 0.5 {
			a := &population.Account{Level: 1 + r.IntN(2), Phone: rec.SIM.Phone,
				Password: fmt.Sprintf("Matkhau@%03d", r.IntN(100)), DeviceID: fmt.Sprintf("dev-%d", i)}
			if r.Float64() < 0.05 {
				a.Phone = fmt.Sprintf("098%07d", i)
				if r.Float64() < 0.2 && i+10 < n {
					recycledTo[i+10] = i
				}
			}
			rec.Account = a
		}
		require.NoError(t, enc.Encode(&rec))
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	return path
}
