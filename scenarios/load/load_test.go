package load_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/load"
)

// synthPopulation returns n valid records in JSON Lines: every 4th citizen has no account,
// every 5th account's phone differs from the SIM in hand, every 7th village has no coverage.
func synthPopulation(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := 0; i < n; i++ {
		sim := fmt.Sprintf("09%08d", i)
		r := population.Record{
			CitizenID: fmt.Sprintf("011080%06d", i), FullName: "Lò Văn A", Sex: "M", BirthDate: "1980-01-02",
			ProvinceCode: "011", Ethnicity: "Thai", Handset: population.HandsetSmartphone,
			SIM: population.SIM{Phone: sim, OwnerRegistered: i%3 != 0}, Coverage: population.Coverage4G,
			Traits: &population.Traits{TypoRate: 0.1, Patience: 3, BiometricQuality: 0.95},
		}
		if i%7 == 6 {
			r.Coverage = population.CoverageNone
		}
		if i%4 != 0 {
			phone := sim
			if i%5 == 0 {
				phone = fmt.Sprintf("08%08d", i)
			}
			r.Account = &population.Account{Level: 1 + i%2, Phone: phone, Password: "Pw!12345a", DeviceID: fmt.Sprintf("dev-%d", i)}
		}
		require.NoError(t, r.Validate())
		require.NoError(t, enc.Encode(&r))
	}
	return buf.Bytes()
}

func TestSampleIsDeterministicEligibleAndDisjointAcrossOffsets(t *testing.T) {
	pop := synthPopulation(t, 2000)
	want := map[string]int{"login": 50, "recover": 40}
	a, st, err := load.Sample(bytes.NewReader(pop), "pop", 7, 0, want)
	require.NoError(t, err)
	assert.Equal(t, int64(2000), st.Lines)
	require.Len(t, a["login"], 50)
	require.Len(t, a["recover"], 40)
	for _, c := range a["login"] {
		require.NotNil(t, c.Account)
		assert.Equal(t, c.Account.Phone, c.SIM.Phone, "login pool: OTP reaches the handset")
		assert.NotEqual(t, population.CoverageNone, c.Coverage)
	}

	inLogin := map[int]bool{}
	for _, c := range a["login"] {
		inLogin[c.Line] = true
	}
	for _, c := range a["recover"] {
		assert.False(t, inLogin[c.Line], "a citizen is drawn for one flow only (line %d)", c.Line)
	}

	again, _, err := load.Sample(bytes.NewReader(pop), "pop", 7, 0, want)
	require.NoError(t, err)
	assert.Equal(t, a, again, "same file and seed, same draw")

	next, _, err := load.Sample(bytes.NewReader(pop), "pop", 7, 50, map[string]int{"login": 50})
	require.NoError(t, err)
	seen := map[int]bool{}
	for _, c := range a["login"] {
		seen[c.Line] = true
	}
	for _, c := range next["login"] {
		assert.False(t, seen[c.Line], "offset draws are disjoint (line %d)", c.Line)
	}

	other, _, err := load.Sample(bytes.NewReader(pop), "pop", 8, 0, want)
	require.NoError(t, err)
	assert.NotEqual(t, a["login"], other["login"], "another seed, another draw")

	// Spread over the whole file, not its head.
	maxLine := 0
	for _, c := range a["recover"] {
		maxLine = max(maxLine, c.Line)
	}
	assert.Greater(t, maxLine, 1000)
}

func TestSampleShortPoolAndErrors(t *testing.T) {
	pop := synthPopulation(t, 20)
	got, st, err := load.Sample(bytes.NewReader(pop), "pop", 1, 0, map[string]int{"activate": 5, "register": 1000})
	require.NoError(t, err)
	assert.Empty(t, got["activate"], "no account is pending activation")
	assert.Equal(t, int(st.Eligible["register"]), len(got["register"]), "a short pool yields all eligible citizens")

	_, _, err = load.Sample(bytes.NewReader(pop), "pop", 1, 0, map[string]int{"nope": 1})
	require.ErrorContains(t, err, `unknown pool "nope"`)

	_, _, err = load.Sample(strings.NewReader("{}\n"), "bad.jsonl", 1, 0, map[string]int{"login": 1})
	require.ErrorContains(t, err, "bad.jsonl:1:")
}

func TestParseSegment(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{in: "1/2", want: []string{"--execution-segment", "0:1/2", "--execution-segment-sequence", "0,1/2,1"}},
		{in: "2/2", want: []string{"--execution-segment", "1/2:1", "--execution-segment-sequence", "0,1/2,1"}},
		{in: "2/3", want: []string{"--execution-segment", "1/3:2/3", "--execution-segment-sequence", "0,1/3,2/3,1"}},
		{in: "1/1", want: nil},
		{in: "0/2", err: "1 ≤ i ≤ n"},
		{in: "3/2", err: "1 ≤ i ≤ n"},
		{in: "1-2", err: "want i/n"},
		{in: "a/b", err: "want i/n"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := load.ParseSegment(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.K6Args())
		})
	}
}

func FuzzParseSegment(f *testing.F) {
	for _, s := range []string{"1/2", "3/4", "0/0", "1/1025", " 1 / 2 ", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seg, err := load.ParseSegment(s)
		if err != nil {
			return
		}
		if seg.I < 1 || seg.I > seg.N || seg.N > load.MaxSegments {
			t.Fatalf("ParseSegment(%q) = %+v", s, seg)
		}
	})
}

// fakeService passes every rate at or below knee.
func fakeService(knee float64, calls *[]float64) load.RunStep {
	return func(_ context.Context, n int, rate float64, warm bool) (results.LoadStep, error) {
		*calls = append(*calls, rate)
		return results.LoadStep{Passed: rate <= knee, P95: rate}, nil
	}
}

func TestFindMaxBisectsToTheKnee(t *testing.T) {
	for _, knee := range []float64{3.3, 37.25, 100, 9.99} {
		t.Run(fmt.Sprint(knee), func(t *testing.T) {
			var calls []float64
			best, steps, err := load.FindMax(context.Background(), load.Search{Start: 5, Increment: 8, Resolution: 0.5, MaxSteps: 40, WarmUp: true}, fakeService(knee, &calls))
			require.NoError(t, err)
			assert.LessOrEqual(t, best.Rate, knee)
			assert.Greater(t, best.Rate, knee-1.0, "within twice the resolution")
			assert.True(t, steps[0].WarmUp)
			lowestFail := math.Inf(1)
			for _, s := range steps[1:] {
				assert.Less(t, s.Rate, lowestFail, "never retries at or above a failed rate")
				if !s.Passed {
					lowestFail = math.Min(lowestFail, s.Rate)
				}
			}
		})
	}
}

func TestFindMaxBounds(t *testing.T) {
	var calls []float64
	_, steps, err := load.FindMax(context.Background(), load.Search{Start: 1, Increment: 1, Resolution: 0.001, MaxSteps: 6}, fakeService(1e9, &calls))
	require.NoError(t, err)
	assert.Len(t, steps, 6, "MaxSteps bounds the search")

	calls = nil
	_, _, err = load.FindMax(context.Background(), load.Search{Start: 10, Increment: 8, Resolution: 1, MaxSteps: 20}, fakeService(0.1, &calls))
	require.ErrorContains(t, err, "no rate passed the thresholds")

	_, _, err = load.FindMax(context.Background(), load.Search{Start: 0, Increment: 1, Resolution: 1, MaxSteps: 1}, fakeService(1, &calls))
	require.ErrorContains(t, err, "start rate must be > 0")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = load.FindMax(ctx, load.Search{Start: 1, Increment: 1, Resolution: 1, MaxSteps: 3}, fakeService(1, &calls))
	require.ErrorIs(t, err, context.Canceled)
}

func TestLookup(t *testing.T) {
	s, err := load.Lookup("recovery-storm")
	require.NoError(t, err)
	assert.Equal(t, "recovery-storm.js", s.Script)
	s, err = load.Lookup("rp-login")
	require.NoError(t, err)
	assert.Equal(t, "rp-login.js", s.Script)
	_, err = load.Lookup("nope")
	require.ErrorContains(t, err, `unknown scenario "nope" (known: counter-enrolment, credential-stuffing, deadline-surge, enumeration, lockout-dos, login-throughput, otp-bruteforce, overload, recovery-storm, replay, rp-login, smoke, sms-pumping)`)
}

func TestK6ArgsAndEnv(t *testing.T) {
	env := load.ScriptEnv("http://127.0.0.1:8080/", "/run/x", "/run/x/k6-summary.json", 3,
		load.Options{Rate: 12.5, Duration: 30 * time.Second, VUs: 10, OTPWait: 20 * time.Second, Mix: map[string]float64{"new_device": 0.2}}, true)
	assert.Equal(t, "http://127.0.0.1:8080", env["EIDSIM_TARGET"])
	assert.Equal(t, "12.5", env["EIDSIM_RATE"])
	assert.Equal(t, "30", env["EIDSIM_DURATION"])
	assert.Equal(t, `{"new_device":0.2}`, env["EIDSIM_MIX"])
	assert.Equal(t, "1", env["EIDSIM_FIND_MAX"])
	seg, _ := load.ParseSegment("1/2")
	k := load.K6{Binary: "k6", Script: "s.js", Env: map[string]string{"B": "2", "A": "1"}, SecretEnv: map[string]string{"EIDSIM_OPERATOR_TOKEN": "secret"}, RawOut: "raw.json.gz", Segment: seg}
	args := k.Args()
	assert.Equal(t, []string{"run", "--quiet", "--no-color", "--out", "json=raw.json.gz", "--execution-segment", "0:1/2",
		"--execution-segment-sequence", "0,1/2,1", "-e", "A=1", "-e", "B=2", "s.js"}, args)
	assert.NotContains(t, strings.Join(args, " "), "secret", "the operator token never appears on the command line")
}
