package reference_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
	"github.com/eidsim/eidsim/reference/sqlite"
)

func freshEnv(t *testing.T) *env {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "eid.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st, false)
}

func TestImportFixture(t *testing.T) {
	e := freshEnv(t)
	st, err := assemble.ImportFile(bg, e.svc, "testdata/population.jsonl", reference.ImportOptions{BatchSize: 5})
	require.NoError(t, err)
	assert.False(t, st.Skipped)
	assert.EqualValues(t, 12, st.Citizens)
	assert.EqualValues(t, 6, st.Accounts)
	assert.EqualValues(t, 11, st.Subscribers)
	assert.EqualValues(t, 1, st.OldNumbers)
	assert.Equal(t, 6, st.PasswordPoolSize)
	assert.Len(t, st.SHA256, 64)

	again, err := assemble.ImportFile(bg, e.svc, "testdata/population.jsonl", reference.ImportOptions{})
	require.NoError(t, err)
	assert.True(t, again.Skipped, "the same file is skipped")
	assert.Equal(t, st.Citizens, again.Citizens)
}

// snapshot reads what an import decides for the fixture's people and numbers.
func snapshot(t *testing.T, e *env, path string) map[string]any {
	out := map[string]any{}
	ids, phones := fileKeys(t, path)
	require.NoError(t, e.store.View(bg, func(tx reference.Tx) error {
		for _, id := range ids {
			c, err := tx.Citizen(id)
			require.NoError(t, err)
			c.Captures = 0
			out["c"+id] = *c
			if a, err := tx.Account(id); err == nil {
				// Hashes differ by salt from one import to the next; compare what they verify.
				assert.NotEmpty(t, a.PasswordHash)
				assert.False(t, a.CreatedAt.IsZero())
				out["p"+id] = a.PasswordHash != ""
				a.PasswordHash, a.CreatedAt, a.UpdatedAt = "", time.Time{}, time.Time{}
				out["a"+id] = *a
			}
		}
		for _, p := range phones {
			s, err := tx.Subscriber(p)
			require.NoError(t, err)
			out["s"+p] = *s
		}
		return nil
	}))
	return out
}

func fileKeys(t *testing.T, path string) (ids, phones []string) {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		ids = append(ids, line[strings.Index(line, `"citizen_id":"`)+14:][:12])
		for _, key := range []string{`"sim":{"phone":"`, `"account":{"level":1,"phone":"`, `"account":{"level":2,"phone":"`} {
			if i := strings.Index(line, key); i >= 0 && line[i+len(key)] != '"' {
				phones = append(phones, line[i+len(key):][:10])
			}
		}
	}
	require.NoError(t, sc.Err())
	return ids, phones
}

func TestImportIsIdempotentAndOrderFree(t *testing.T) {
	e := freshEnv(t)
	path := "testdata/population.jsonl"
	_, err := assemble.ImportFile(bg, e.svc, path, reference.ImportOptions{})
	require.NoError(t, err)
	want := snapshot(t, e, path)

	// Forced re-import gives the same state.
	_, err = assemble.ImportFile(bg, e.svc, path, reference.ImportOptions{Force: true, BatchSize: 3})
	require.NoError(t, err)
	assert.Equal(t, want, snapshot(t, e, path))

	// The lines in reverse order give the same state too (the recycled number in particular).
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	slices.Reverse(lines)
	rev := filepath.Join(t.TempDir(), "reversed.jsonl")
	require.NoError(t, os.WriteFile(rev, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	e2 := freshEnv(t)
	_, err = assemble.ImportFile(bg, e2.svc, rev, reference.ImportOptions{BatchSize: 2})
	require.NoError(t, err)
	assert.Equal(t, want, snapshot(t, e2, path))
}

func TestImportErrorsNameFileAndLine(t *testing.T) {
	fixture, err := os.ReadFile("testdata/population.jsonl")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(fixture)), "\n")
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"bad field", []string{lines[0], lines[1], strings.Replace(lines[2], `"sex":"M"`, `"sex":"X"`, 1)},
			[]string{"bad.jsonl:3", "sex"}},
		{"malformed JSON", []string{lines[0], "{not json"}, []string{"bad.jsonl:2", "malformed JSON"}},
		{"account phone twice", []string{lines[0], strings.Replace(lines[1], `"phone":"0987654302","password"`, `"phone":"0912345601","password"`, 1)},
			[]string{"bad.jsonl:2", "account.phone", "0912345601"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := freshEnv(t)
			path := filepath.Join(t.TempDir(), "bad.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(strings.Join(tt.lines, "\n")+"\n"), 0o644))
			_, err := assemble.ImportFile(bg, e.svc, path, reference.ImportOptions{})
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			// A failed import is not recorded: it runs again next time.
			_, err = assemble.ImportFile(bg, e.svc, path, reference.ImportOptions{})
			require.Error(t, err)
		})
	}
	e := freshEnv(t)
	_, err = assemble.ImportFile(bg, e.svc, filepath.Join(t.TempDir(), "missing.jsonl"), reference.ImportOptions{})
	assert.ErrorContains(t, err, "missing.jsonl")
}

func TestImportGenerated(t *testing.T) {
	n := 3000
	path := writePopulation(t, t.TempDir(), n, 1)
	e := freshEnv(t)
	var progress []int64
	st, err := assemble.ImportFile(bg, e.svc, path, reference.ImportOptions{BatchSize: 1000, Progress: func(c int64) { progress = append(progress, c) }})
	require.NoError(t, err)
	assert.EqualValues(t, n, st.Citizens)
	assert.Equal(t, []int64{1000, 2000, 3000}, progress)
	assert.LessOrEqual(t, st.PasswordPoolSize, 100)
	assert.Positive(t, st.OldNumbers)
	s, err := e.svc.Settings(bg)
	require.NoError(t, err)
	assert.EqualValues(t, n, s.Citizens)
	assert.Equal(t, st.Accounts, s.Accounts)
	assert.Equal(t, st.PasswordPoolSize, s.PasswordPoolSize)
}

// TestImportHashBudget: a slow hasher hashes only the budget; the other accounts get a fast
// import hash that their first login replaces with the service's hasher.
func TestImportHashBudget(t *testing.T) {
	argon, err := reference.NewHasher(reference.HashArgon2id)
	require.NoError(t, err)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "eid.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	e := newEnvOn(t, st, false, func(c *reference.Config) { c.Hasher = argon })
	stats, err := assemble.ImportFile(bg, e.svc, "testdata/population.jsonl", reference.ImportOptions{HashBudget: 2})
	require.NoError(t, err)
	assert.Equal(t, 2, stats.PasswordPoolSize)
	assert.Equal(t, 4, stats.DeferredPasswordHashes)
	set, err := e.svc.Settings(bg)
	require.NoError(t, err)
	assert.Equal(t, 2, set.PasswordPoolSize)
	assert.Equal(t, 4, set.DeferredPasswordHashes)

	hashOf := func(id string) string {
		var h string
		require.NoError(t, e.store.View(bg, func(tx reference.Tx) error {
			a, err := tx.Account(id)
			if err == nil {
				h = a.PasswordHash
			}
			return err
		}))
		return h
	}
	// Every account logs in; afterwards every hash is argon2id.
	for _, c := range []struct{ id, pw, dev string }{
		{idAn, pwAn, "dev-an"}, {idBinh, "Vneid#1985", "dev-binh"}, {idEm, "Hoang@1975", "dev-em"},
		{idKhanh, "Khanh@1950x", "dev-khanh"},
	} {
		e.login(t, c.id, c.pw, c.dev)
		assert.True(t, strings.HasPrefix(hashOf(c.id), "$argon2id$v=19$m=19456,t=2,p=1$"), c.id)
		e.login(t, c.id, c.pw, c.dev)
		_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: c.id, Password: "Wrong@123", DeviceID: c.dev})
		requireCode(t, err, reference.EInvalidCredentials)
	}
}

// people is an in-memory reference.Population.
type people struct {
	ps   []reference.Person
	next int
}

func (p *people) Next(out *reference.Person) error {
	if p.next >= len(p.ps) {
		return io.EOF
	}
	*out = p.ps[p.next]
	p.next++
	return nil
}

func (p *people) Line() int { return p.next }

func person(id, sim string, acc *reference.PersonAccount) reference.Person {
	return reference.Person{Citizen: reference.Citizen{ID: id, FullName: "Người " + id, Sex: "F", BirthDate: "1990-01-01",
		ProvinceCode: "001", Coverage: "2g", Handset: "smartphone"}, SIM: reference.PersonSIM{Phone: sim, OwnerRegistered: true}, Account: acc}
}

// The import reads any Population (the caller opens files): its rules hold for a stream in
// memory, an unnamed source is neither recorded nor skipped, and its errors name the source
// and the record.
func TestImportFromAStream(t *testing.T) {
	e := freshEnv(t)
	pop := func() *people {
		return &people{ps: []reference.Person{
			person("001090000901", "0912000901", &reference.PersonAccount{Level: 1, Phone: "0912000902", Password: "Pw@12345", DeviceID: "d1"}),
			person("001090000902", "0912000902", nil), // holds the first one's old number
			person("001090000903", "", &reference.PersonAccount{Level: 2, Phone: "0912000999", Password: "Pw@12345", DeviceID: "d3",
				Status: reference.StatusPendingActivation}),
		}}
	}
	for range 2 {
		st, err := e.svc.Import(bg, pop(), reference.ImportOptions{BatchSize: 2})
		require.NoError(t, err)
		assert.False(t, st.Skipped, "no digest: never skipped")
		assert.EqualValues(t, 3, st.Citizens)
		assert.EqualValues(t, 2, st.OldNumbers)
		assert.Equal(t, 1, st.PasswordPoolSize)
	}
	set, err := e.svc.Settings(bg)
	require.NoError(t, err)
	assert.Empty(t, set.Population, "no digest: not recorded")
	tests := []struct{ phone, holder, owner string }{
		{"0912000901", "001090000901", "001090000901"},
		{"0912000902", "001090000902", "001090000902"}, // recycled: the new holder
		{"0912000999", "", ""},
	}
	for _, tt := range tests {
		h, err := e.svc.Handset(bg, tt.phone)
		require.NoError(t, err, tt.phone)
		assert.Equal(t, tt.holder, h.HolderID, tt.phone)
	}
	require.NoError(t, e.store.View(bg, func(tx reference.Tx) error {
		a, err := tx.Account("001090000901")
		require.NoError(t, err)
		assert.Equal(t, reference.StatusActive, a.Status, `"" is active`)
		c, err := tx.Citizen("001090000902")
		require.NoError(t, err)
		assert.Equal(t, reference.DefaultBiometricQuality, c.BiometricQuality, "0 is the default")
		return nil
	}))

	twice := &people{ps: []reference.Person{
		person("001090000911", "0912000911", &reference.PersonAccount{Level: 1, Phone: "0912000911", Password: "Pw@12345"}),
		person("001090000912", "0912000912", &reference.PersonAccount{Level: 1, Phone: "0912000911", Password: "Pw@12345"}),
	}}
	_, err = e.svc.Import(bg, twice, reference.ImportOptions{Name: "mine"})
	var re *reference.RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "mine", re.Name)
	assert.Equal(t, 2, re.Line)
	assert.ErrorContains(t, err, "mine:2: field account.phone: 0912000911 is on another citizen's account")
}

// StoreWorld answers the telco from the store alone: holder and coverage, "4g" outside the
// population, not_found for a number without a record.
func TestStoreWorld(t *testing.T) {
	e := newEnv(t)
	w := reference.StoreWorld{Store: e.store}
	tests := []struct {
		phone, holder, coverage, code string
	}{
		{"0977000105", "001203000109", "4g", ""}, // recycled: Khoa holds Em's old number
		{"0912345601", idAn, "4g", ""},
		{"0999999999", "", "", reference.ENotFound},
	}
	for _, tt := range tests {
		h, err := w.Handset(bg, tt.phone)
		if tt.code != "" {
			requireCode(t, err, tt.code)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.holder, h.HolderID)
		assert.Equal(t, tt.coverage, h.Coverage)
		via, err := e.svc.Handset(bg, tt.phone)
		require.NoError(t, err)
		assert.Equal(t, h, via, "the service answers the same")
	}
}
