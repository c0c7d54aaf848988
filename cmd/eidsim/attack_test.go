package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/results"
	"github.com/eidsim/eidsim/scenarios/load"
)

// k6ForTest returns $EIDSIM_K6 when set, else builds the pinned k6.
func k6ForTest(t *testing.T) string {
	if p := os.Getenv("EIDSIM_K6"); p != "" {
		return p
	}
	return buildK6(t)
}

// TestLoad_AttackScenariosAgainstServe runs every adversarial scenario briefly with the real
// k6 against its own fresh eidsim serve (fast hasher) and checks that attack.json holds the
// figures each one promises. The figures describe today's service; the assertions hold
// whatever its defences are.
func TestLoad_AttackScenariosAgainstServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds k6 and runs load against in-process servers")
	}
	k6 := k6ForTest(t)
	var names []string
	for _, n := range load.Names() {
		if load.Scenarios[n].Attack {
			names = append(names, n)
		}
	}
	require.ElementsMatch(t, []string{"otp-bruteforce", "credential-stuffing", "sms-pumping", "lockout-dos", "enumeration", "overload"}, names)
	rates := map[string]string{"otp-bruteforce": "1", "credential-stuffing": "5", "sms-pumping": "3", "lockout-dos": "3", "enumeration": "3", "overload": "10"}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
				"--operator-token", "T0K", "--access-log=false")
			out := t.TempDir()
			code, stdout, stderr := runCmd(t, nil, "load", name, "--target", srv.url, "--population", servePopulation,
				"--rate", rates[name], "--duration", "2s", "--operator-token", "T0K", "--out", out, "--k6", k6)
			require.Contains(t, []int{exitOK, exitThreshold}, code, "%s\n%s", stdout, stderr)
			assert.Contains(t, stdout, "attack "+name+" over")
			runs, err := filepath.Glob(filepath.Join(out, "*-"+name+"-*"))
			require.NoError(t, err)
			require.Len(t, runs, 1)
			b, err := os.ReadFile(filepath.Join(runs[0], results.AttackFile))
			require.NoError(t, err)
			var a results.Attack
			require.NoError(t, json.Unmarshal(b, &a))
			assert.Equal(t, name, a.Scenario)
			assert.Greater(t, a.Seconds, 0.5)
			// The verdict decides the exit code: 99 when the attack succeeded.
			assert.Contains(t, stdout, "verdict: "+a.Verdict.String())
			m, err := results.ReadManifest(runs[0])
			require.NoError(t, err)
			if a.Verdict.Succeeded {
				assert.Equal(t, exitThreshold, code, stderr)
				assert.Contains(t, stderr, "ATTACK SUCCEEDED: ")
				assert.NotEmpty(t, a.Verdict.Reasons)
				assert.Equal(t, results.StatusAttackSucceeded, m.Status, "the run record says so too")
			} else {
				assert.Equal(t, exitOK, code, stderr)
				assert.Contains(t, stderr, "eidsim load: DEFENDED")
				assert.Equal(t, results.StatusPassed, m.Status)
			}
			byName := map[string]results.AttackVector{}
			for _, v := range a.Vectors {
				byName[v.Name] = v
				for _, ans := range v.Answers {
					assert.Less(t, ans.Status, 500, "%s: the service answered %d", v.Name, ans.Status)
				}
			}
			attacked := false
			for _, v := range a.Vectors {
				if v.Role == results.RoleAttacker && v.Requests > 0 {
					attacked = true
				}
			}
			assert.True(t, attacked, "some attacker requests: %s", b)
			odds := func(vec string) {
				t.Helper()
				v, ok := byName[vec]
				if assert.True(t, ok, "vector %s in %s", vec, b) && assert.NotNil(t, v.SuccessOdds, vec) {
					assert.GreaterOrEqual(t, *v.SuccessOdds, 0.0)
					assert.LessOrEqual(t, *v.SuccessOdds, 1.0)
				}
			}
			switch name {
			case "otp-bruteforce":
				odds("guess")
				require.NotNil(t, a.OTP)
				assert.Equal(t, 6, a.OTP.Length, "from the target's settings")
				assert.Greater(t, a.OTP.GuessesPerTarget, 0.0)
			case "credential-stuffing":
				odds("stuffing")
				odds("spraying")
				odds("burst")
				assert.Equal(t, 200*byName["burst"].Targets, byName["burst"].Requests+byName["burst_right"].Requests, "200 per target")
			case "sms-pumping":
				odds("registration")
				odds("resend")
			case "lockout-dos":
				odds("lock")
				assert.NotEmpty(t, a.Defences, "a lock is a defence")
				assert.True(t, a.Verdict.Succeeded, "under the default lockout: lock anyone knowing the ID can lock")
			case "enumeration":
				probes := map[string]results.EnumProbe{}
				for _, p := range a.Enumeration {
					probes[p.Name] = p
				}
				for _, p := range []string{"login_timing", "recovery_shape", "register_status", "lock_status", "metrics"} {
					if assert.Contains(t, probes, p) && assert.NotNil(t, probes[p].Accuracy, p) {
						assert.GreaterOrEqual(t, *probes[p].Accuracy, 0.5)
						assert.LessOrEqual(t, *probes[p].Accuracy, 1.0)
					}
				}
				assert.NotNil(t, probes["login_timing"].Timing)
			case "overload":
				o := a.Overload
				require.NotNil(t, o)
				assert.Greater(t, o.Baseline.Requests, int64(0))
				assert.Greater(t, o.During.Offered, int64(10))
				assert.Greater(t, o.During.GoodputPerS, 0.0)
				assert.Greater(t, o.During.AdmittedP99MS, 0.0)
				assert.NotEmpty(t, o.Windows)
				assert.Contains(t, a.Server, "rss_bytes", "the harness read /metrics")
				if assert.NotNil(t, o.ServerLoginsOK) {
					assert.Greater(t, *o.ServerLoginsOK, int64(0))
				}
			}
		})
	}
}

// TestOperatorSettings: a target whose /sim/settings needs the operator token still gives the
// attack summary its policy.
func TestOperatorSettings(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sim/settings" || r.Header.Get("Authorization") != "Bearer T0K" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"policy":{"otp_length":8,"send_window":60000000000}}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	got := operatorSettings(ctx, srv.URL+"/", "T0K")
	assert.Equal(t, results.AttackPolicy{OTPLength: 8, SendWindow: time.Minute}, results.AttackPolicyFrom(got))
	assert.Nil(t, operatorSettings(ctx, srv.URL, "wrong"))
	assert.Nil(t, operatorSettings(ctx, closedPort(t), "T0K"))
}
