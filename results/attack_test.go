package results

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawLines builds k6 JSON output lines.
type rawLines struct {
	b  strings.Builder
	t0 time.Time
}

func (r *rawLines) point(metric string, at time.Duration, v float64, tags map[string]string) {
	tb, _ := json.Marshal(tags)
	fmt.Fprintf(&r.b, `{"metric":%q,"type":"Point","data":{"time":%q,"value":%g,"tags":%s}}`+"\n", metric, r.t0.Add(at).Format(time.RFC3339Nano), v, tb)
}

// req records a request that started at start and took ms.
func (r *rawLines) req(start time.Duration, ms float64, vector, role string, status int, code string, ra bool, truth string) {
	tags := map[string]string{"vector": vector, "role": role, "status": fmt.Sprint(status), "code": code, "ra": "n"}
	if ra {
		tags["ra"] = "y"
	}
	if truth != "" {
		tags["truth"] = truth
	}
	r.point(MetricAttackReq, start+time.Duration(ms*float64(time.Millisecond)), ms, tags)
}

func newRaw() *rawLines {
	r := &rawLines{t0: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	r.b.WriteString(`{"type":"Metric","data":{"name":"eidsim_attack_req","type":"trend"},"metric":"eidsim_attack_req"}` + "\n")
	r.b.WriteString(`{"metric":"http_reqs","type":"Point","data":{"time":"2026-12-01T08:00:00Z","value":1,"tags":{}}}` + "\n")
	return r
}

func read(t *testing.T, r *rawLines, scenario string, p AttackPolicy) *Attack {
	t.Helper()
	a, err := ReadAttack(strings.NewReader(r.b.String()), "raw", scenario, p)
	require.NoError(t, err)
	return a
}

func vector(t *testing.T, a *Attack, name string) AttackVector {
	t.Helper()
	for _, v := range a.Vectors {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no vector %q in %+v", name, a.Vectors)
	return AttackVector{}
}

func TestReadAttack_OddsAnswersDefencesAndOTPBudget(t *testing.T) {
	r := newRaw()
	// Two guess targets: each 5 starts (202), 25 evaluated wrong codes, then a refused start.
	at := time.Duration(0)
	for target := 0; target < 2; target++ {
		for s := 0; s < 5; s++ {
			r.req(at, 1, "guess", RoleAttacker, 202, "", false, "")
			for g := 0; g < 5; g++ {
				at += time.Millisecond
				code, st := "otp_invalid", 422
				if g == 4 {
					code, st = "otp_attempts_exceeded", 429
				}
				r.req(at, 1, "guess", RoleAttacker, st, code, false, "")
				r.point(MetricAttackTry, at, 1, map[string]string{"vector": "guess", "result": "fail"})
			}
		}
		r.req(at, 2, "guess", RoleAttacker, 429, "rate_limited", false, "")
		r.point(MetricAttackTarget, at, 1, map[string]string{"vector": "guess", "result": "safe"})
	}
	// The victim's 423 is not an attacker's defence; the sim inbox vector wins once of two.
	r.req(at, 1, "lock_victim", RoleVictim, 423, "account_locked", true, "")
	r.req(at, 1, "sim_inbox", RoleAttacker, 200, "", false, "")
	r.req(at, 1, "sim_inbox", RoleAttacker, 401, "unauthorized", false, "")
	r.point(MetricAttackTry, at, 1, map[string]string{"vector": "sim_inbox", "result": "success"})
	r.point(MetricAttackTry, at, 1, map[string]string{"vector": "sim_inbox", "result": "refused"})
	r.point(MetricAttackTarget, at, 1, map[string]string{"vector": "sim_inbox", "result": "compromised"})
	r.point(MetricAttackTarget, at, 1, map[string]string{"vector": "sim_inbox", "result": "safe"})

	a := read(t, r, "otp-bruteforce", AttackPolicy{OTPLength: 6, SendWindow: 10 * time.Minute})
	assert.Equal(t, "otp-bruteforce", a.Scenario)
	g := vector(t, a, "guess")
	assert.Equal(t, int64(62), g.Requests)
	assert.Equal(t, map[string]int64{"fail": 50}, g.Attempts)
	require.NotNil(t, g.SuccessOdds)
	assert.Equal(t, 0.0, *g.SuccessOdds)
	assert.Equal(t, int64(2), g.Targets)
	require.NotNil(t, g.EvaluatedPerTarget)
	assert.Equal(t, 25.0, *g.EvaluatedPerTarget)
	assert.Equal(t, []AttackAnswer{{Status: 422, Code: "otp_invalid", Count: 40}, {Status: 202, Count: 10},
		{Status: 429, Code: "otp_attempts_exceeded", Count: 10}, {Status: 429, Code: "rate_limited", Count: 2}}, g.Answers)
	s := vector(t, a, "sim_inbox")
	require.NotNil(t, s.SuccessOdds)
	assert.Equal(t, 0.5, *s.SuccessOdds)
	assert.Equal(t, 0.5, *s.TargetOdds)
	assert.Equal(t, []AttackAnswer{{Status: 429, Code: "otp_attempts_exceeded", Count: 10}, {Status: 429, Code: "rate_limited", Count: 2},
		{Status: 401, Code: "unauthorized", Count: 1}}, a.Defences, "attacker defences only, the victim's 423 is not one")
	assert.Equal(t, RoleAttacker, a.Vectors[0].Role, "attackers first")
	assert.Equal(t, RoleVictim, a.Vectors[len(a.Vectors)-1].Role)

	require.NotNil(t, a.OTP)
	assert.Equal(t, 25.0, a.OTP.GuessesPerTarget)
	assert.True(t, a.OTP.Exhausted)
	assert.InDelta(t, 25e-6, a.OTP.OddsPerTarget, 1e-9)
	require.NotNil(t, a.OTP.Projected30d)
	assert.InDelta(t, 1-math.Pow(1-1e-6, 25*4320), *a.OTP.Projected30d, 1e-9, "25 guesses × 4,320 ten-minute windows ≈ 10 %")

	assert.Equal(t, 25.0, a.OTP.LiveGuessesPerTarget, "no failed-challenge cap reported")

	// With the per-citizen cap of 3 failed challenges of 5 codes per 24 h, only 15 guesses per
	// target met a code, and 30 days give 30 × 15.
	a = read(t, r, "otp-bruteforce", AttackPolicy{OTPLength: 6, SendWindow: 10 * time.Minute,
		OTPMaxAttempts: 5, MaxFailedChallenges: 3, FailedChallengeWindow: 24 * time.Hour})
	assert.Equal(t, 25.0, a.OTP.GuessesPerTarget)
	assert.Equal(t, 15.0, a.OTP.LiveGuessesPerTarget)
	assert.InDelta(t, 15e-6, a.OTP.OddsPerTarget, 1e-9)
	require.NotNil(t, a.OTP.Projected30d)
	assert.InDelta(t, 1-math.Pow(1-1e-6, 15*30), *a.OTP.Projected30d, 1e-9, "≈ 0.045 %")
	assert.Contains(t, a.OTP.Basis, "max_failed_challenges")
	var out strings.Builder
	a.Print(&out)
	assert.Contains(t, out.String(), "15.0 of them against a code sent")

	// Without a known send window, or without a refusal, there is no projection.
	a = read(t, r, "otp-bruteforce", AttackPolicy{})
	assert.Equal(t, 6, a.OTP.Length)
	assert.Nil(t, a.OTP.Projected30d)
}

func TestReadAttack_Enumeration(t *testing.T) {
	r := newRaw()
	for i := 0; i < 20; i++ {
		truth := TruthAccount
		if i%2 == 1 {
			truth = TruthNone
		}
		// register_status is a perfect oracle, recovery_shape uniform.
		sig := "409|account_exists|error|code,message|ra=n"
		if truth == TruthNone {
			sig = "422|phone_not_owner|error|code,field,message|ra=n"
		}
		r.point(MetricEnumObs, 0, 1, map[string]string{"vector": "register_status", "truth": truth, "sig": sig})
		r.point(MetricEnumObs, 0, 1, map[string]string{"vector": "recovery_shape", "truth": truth, "sig": "202||expires_at,recovery_id||ra=n"})
		// login_timing: accounts 30–39 ms, unknown IDs 1–10 ms: fully separable.
		ms := float64(30 + i/2)
		if truth == TruthNone {
			ms = float64(1 + i/2)
		}
		r.req(time.Duration(i)*time.Second, ms, "login_timing", RoleAttacker, 401, "invalid_credentials", false, truth)
		// recovery timing identical for both.
		r.req(time.Duration(i)*time.Second, float64(5+i/2), "recovery_shape", RoleAttacker, 202, "", false, truth)
	}
	a := read(t, r, "enumeration", AttackPolicy{})
	byName := map[string]EnumProbe{}
	for _, p := range a.Enumeration {
		byName[p.Name] = p
	}
	require.Contains(t, byName, "register_status")
	assert.Equal(t, 1.0, *byName["register_status"].Accuracy)
	assert.Len(t, byName["register_status"].Signatures, 2)
	assert.Equal(t, 0.5, *byName["recovery_shape"].Accuracy)
	lt := byName["login_timing"].Timing
	require.NotNil(t, lt)
	assert.Equal(t, 1.0, lt.KS)
	assert.True(t, lt.Leaks)
	assert.Equal(t, int64(10), lt.Account)
	assert.Equal(t, 34.5, lt.AccountP50MS)
	rt := byName["recovery_shape"].Timing
	require.NotNil(t, rt)
	assert.Equal(t, 0.0, rt.KS)
	assert.False(t, rt.Leaks)
	assert.Nil(t, a.Overload)
	assert.Nil(t, a.OTP)
}

func TestKSDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, 0},
		{[]float64{1, 2}, []float64{3, 4}, 1},
		{[]float64{1, 3}, []float64{2, 4}, 0.5},
		{[]float64{1, 2, 3, 4}, []float64{3, 4, 5, 6}, 0.5},
	} {
		assert.InDelta(t, tc.want, KSDistance(tc.a, tc.b), 1e-12, "%v vs %v", tc.a, tc.b)
	}
}

func TestReadAttack_Overload(t *testing.T) {
	r := newRaw()
	s := func(x float64) time.Duration { return time.Duration(x * float64(time.Second)) }
	// Baseline: probes every 0.1 s for 10 s, 10 ms each, all 201.
	for i := 0; i < 100; i++ {
		r.req(s(float64(i)/10), 10, "probe", RoleVictim, 201, "", false, "")
	}
	// Overload 10–20 s: crowd at 20/s: a quarter 201 at 50 ms, a quarter 503 with Retry-After,
	// a quarter 429 without, a quarter timed out (5 s); probes alongside, all timing out.
	for n := 0; n <= 200; n++ {
		x := 10 + float64(n)/20
		switch n % 4 {
		case 0:
			r.req(s(x), 50, "crowd", RoleAttacker, 201, "", false, "")
		case 1:
			r.req(s(x), 1, "crowd", RoleAttacker, 503, "unavailable", true, "")
		case 2:
			r.req(s(x), 1, "crowd", RoleAttacker, 429, "rate_limited", false, "")
		case 3:
			r.req(s(x), 5000, "crowd", RoleAttacker, 0, "", false, "")
		}
	}
	for i := 0; i < 100; i++ {
		r.req(s(10.05+float64(i)/10), 5000, "probe", RoleVictim, 0, "", false, "")
	}
	// After: 3 s of slow probes (100 ms), then normal again.
	for i := 0; i < 100; i++ {
		x := 20.05 + float64(i)/10
		ms := 10.0
		if x < 23 {
			ms = 100
		}
		r.req(s(x), ms, "probe", RoleVictim, 201, "", false, "")
	}
	r.point("dropped_iterations", s(15), 7, map[string]string{"scenario": "crowd"})
	// The service completed 300 logins between 0 s and 30 s; clients received 100 + 51 + 100.
	r.point(MetricAttackServer, s(0), 1000, map[string]string{"gauge": "logins_ok_total"})
	r.point(MetricAttackServer, s(30), 1300, map[string]string{"gauge": "logins_ok_total"})
	r.point("dropped_iterations", s(15), 2, map[string]string{"scenario": "probe"})
	r.point(MetricAttackServer, s(1), 50<<20, map[string]string{"gauge": "rss_bytes"})
	r.point(MetricAttackServer, s(15), 300<<20, map[string]string{"gauge": "rss_bytes"})
	r.point(MetricAttackServer, s(29), 100<<20, map[string]string{"gauge": "rss_bytes"})

	a := read(t, r, "overload", AttackPolicy{})
	o := a.Overload
	require.NotNil(t, o)
	assert.InDelta(t, 10, o.OverloadS, 0.01)
	assert.InDelta(t, 10, o.BaselineS, 0.2)
	assert.Equal(t, int64(100), o.Baseline.Requests)
	assert.Equal(t, 1.0, o.Baseline.SuccessShare)
	assert.InDelta(t, 10, o.Baseline.P99MS, 0.1)
	d := o.During
	assert.Equal(t, int64(201+100), d.Offered)
	assert.Equal(t, int64(51), d.OK)
	assert.InDelta(t, 5.1, d.GoodputPerS, 0.01)
	assert.Equal(t, int64(301-50-50), d.Admitted, "429 and 503 are not admitted")
	assert.InDelta(t, 5000, d.AdmittedP99MS, 40)
	assert.InDelta(t, 50.0/301, d.Share503, 0.001)
	assert.InDelta(t, 50.0/301, d.Share429, 0.001)
	assert.Equal(t, 0.5, d.ShareRetryAfter)
	assert.InDelta(t, 150.0/301, d.ShareTimeout, 0.001)
	assert.Equal(t, 1.0, o.DenialOdds)
	assert.Equal(t, int64(7), o.CrowdDropped, "the crowd's only")
	require.NotNil(t, o.ServerLoginsOK)
	assert.Equal(t, int64(300), *o.ServerLoginsOK)
	assert.Equal(t, int64(300-251), *o.UnansweredLoginsOK)
	require.NotNil(t, o.BackToNormalS)
	assert.Equal(t, 3.0, *o.BackToNormalS)
	assert.False(t, o.Windows[0].Normal)
	assert.True(t, o.Windows[3].Normal)
	assert.Equal(t, ServerStat{First: 50 << 20, Max: 300 << 20, Last: 100 << 20, Samples: 3}, a.Server["rss_bytes"])

	var out strings.Builder
	a.Print(&out)
	assert.Contains(t, out.String(), "back to normal 3 s after the load stopped")
	assert.Contains(t, out.String(), "rss_bytes 50 MiB→max 300 MiB→100 MiB")
}

func TestReadAttack_NeverNormalAndNoBaseline(t *testing.T) {
	r := newRaw()
	r.req(0, 10, "probe", RoleVictim, 201, "", false, "")
	r.req(time.Second, 10, "crowd", RoleAttacker, 201, "", false, "")
	r.req(2*time.Second, 9000, "probe", RoleVictim, 0, "", false, "")
	a := read(t, r, "overload", AttackPolicy{})
	require.NotNil(t, a.Overload)
	assert.Nil(t, a.Overload.BackToNormalS)
	var out strings.Builder
	a.Print(&out)
	assert.Contains(t, out.String(), "not back to normal")

	r = newRaw()
	r.req(0, 10, "crowd", RoleAttacker, 201, "", false, "")
	a = read(t, r, "overload", AttackPolicy{})
	assert.Contains(t, a.Overload.NormalRule, "no baseline")
}

func TestDefenceAnswer(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		want   bool
	}{
		{401, "invalid_credentials", false}, {401, "unauthorized", true}, {401, "", true},
		{422, "otp_invalid", false}, {409, "account_exists", false}, {202, "", false}, {0, "", false},
		{403, "forbidden", true}, {415, "unsupported_media_type", true}, {423, "account_locked", true},
		{429, "rate_limited", true}, {500, "internal", true}, {503, "unavailable", true},
	} {
		assert.Equal(t, tc.want, DefenceAnswer(tc.status, tc.code), "%d %s", tc.status, tc.code)
	}
}

func TestAttackPolicyFrom(t *testing.T) {
	assert.Equal(t, AttackPolicy{OTPLength: 6, SendWindow: 10 * time.Minute},
		AttackPolicyFrom(json.RawMessage(`{"policy":{"otp_length":6,"send_window":600000000000}}`)))
	assert.Equal(t, AttackPolicy{OTPLength: 6, SendWindow: 10 * time.Minute, OTPMaxAttempts: 5, MaxFailedChallenges: 3, FailedChallengeWindow: 24 * time.Hour},
		AttackPolicyFrom(json.RawMessage(`{"policy":{"otp_length":6,"send_window":600000000000,"otp_max_attempts":5,"max_failed_challenges":3,"failed_challenge_window":86400000000000}}`)))
	assert.Equal(t, AttackPolicy{}, AttackPolicyFrom(nil))
	assert.Equal(t, AttackPolicy{}, AttackPolicyFrom(json.RawMessage(`"unknown"`)))
}

func TestWriteAttackAndBadInput(t *testing.T) {
	dir := t.TempDir()
	r := newRaw()
	r.req(0, 1, "lock", RoleAttacker, 423, "account_locked", true, "")
	require.NoError(t, WriteAttack(dir, read(t, r, "lockout-dos", AttackPolicy{})))
	b, err := os.ReadFile(filepath.Join(dir, AttackFile))
	require.NoError(t, err)
	var back Attack
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, "lockout-dos", back.Scenario)
	assert.Equal(t, []AttackAnswer{{Status: 423, Code: "account_locked", RetryAfter: true, Count: 1}}, back.Defences)

	_, err = ReadAttack(strings.NewReader(`{"metric":"eidsim_attack_req", oops`+"\n"), "raw", "x", AttackPolicy{})
	assert.ErrorContains(t, err, "raw:1")
}
