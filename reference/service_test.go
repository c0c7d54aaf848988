package reference_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/assemble"
)

func TestPolicyValidate(t *testing.T) {
	require.NoError(t, reference.DefaultPolicy().Validate())
	tests := []struct {
		name string
		edit func(p *reference.Policy)
	}{
		{"otp length", func(p *reference.Policy) { p.OTPLength = 3 }},
		{"otp validity", func(p *reference.Policy) { p.OTPValidity = 0 }},
		{"attempts", func(p *reference.Policy) { p.OTPMaxAttempts = 0 }},
		{"sends", func(p *reference.Policy) { p.SendsPerPhone = 0 }},
		{"password length", func(p *reference.Policy) { p.PasswordMaxLen = 4 }},
		{"passcode", func(p *reference.Policy) { p.PasscodeLen = 2 }},
		{"biometric", func(p *reference.Policy) { p.BiometricMinScore = 1.5 }},
		{"lock", func(p *reference.Policy) { p.LockDuration = -time.Second }},
		{"lockout mode", func(p *reference.Policy) { p.Lockout = "ban" }},
		{"throttle delay", func(p *reference.Policy) { p.ThrottleDelay = 0 }},
		{"throttle max delay", func(p *reference.Policy) { p.ThrottleMaxDelay = time.Millisecond }},
		{"throttle max failures over NIST's 100", func(p *reference.Policy) { p.ThrottleMaxFailures = 101 }},
		{"throttle max failures under max_failed_logins", func(p *reference.Policy) { p.ThrottleMaxFailures = 5 }},
		{"login answers", func(p *reference.Policy) { p.LoginAnswers = "vague" }},
		{"failed challenges", func(p *reference.Policy) { p.MaxFailedChallenges = 0 }},
		{"failed challenge window", func(p *reference.Policy) { p.FailedChallengeWindow = 0 }},
		{"hash queue", func(p *reference.Policy) { p.HashQueue = -1 }},
		{"hash queue wait", func(p *reference.Policy) { p.HashQueueWait = 0 }},
	}
	for _, tt := range tests {
		p := reference.DefaultPolicy()
		tt.edit(&p)
		assert.Error(t, p.Validate(), tt.name)
		_, err := reference.NewService(reference.Config{Store: newEnv(t).store, Gateway: &recordingGateway{}, Policy: p})
		assert.Error(t, err, tt.name)
	}
	_, err := reference.NewService(reference.Config{Gateway: &recordingGateway{}})
	assert.ErrorContains(t, err, "Store")
	_, err = reference.NewService(reference.Config{Store: newEnv(t).store})
	assert.ErrorContains(t, err, "Gateway")
	_, err = reference.NewService(reference.Config{Store: newEnv(t).store, Gateway: &recordingGateway{}, HashWorkers: -1})
	assert.ErrorContains(t, err, "HashWorkers")
}

func TestPolicyIsApplied(t *testing.T) {
	p := reference.DefaultPolicy()
	p.OTPMaxAttempts, p.MaxFailedLogins, p.LockDuration = 2, 2, time.Minute
	e := newEnv(t, func(c *reference.Config) { c.Policy = p })
	_, err := e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
	requireCode(t, err, reference.EInvalidCredentials)
	_, err = e.svc.Login(bg, reference.LoginRequest{CitizenID: idAn, Password: "Wrong@123", DeviceID: "dev-an"})
	got := requireCode(t, err, reference.EAccountLocked)
	assert.Equal(t, fixtureTime.Add(time.Minute), got.Fields["locked_until"])
	e.clock.Advance(time.Minute)
	ch, code := newDeviceChallenge(t, e, "dev-new")
	_, err = e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
	got = requireCode(t, err, reference.EOTPInvalid)
	assert.Equal(t, 1, got.Fields["attempts_left"])
	_, err = e.svc.VerifyLogin(bg, ch.ID, wrongCode(code))
	requireCode(t, err, reference.EOTPAttemptsExceeded)
	s, err := e.svc.Settings(bg)
	require.NoError(t, err)
	assert.Equal(t, p, s.Policy)
}

func TestPruneExpiredChallenges(t *testing.T) {
	defer reference.SetPruneEvery(1)()
	e := newEnv(t)
	old, _ := newDeviceChallenge(t, e, "dev-1")
	e.clock.Advance(3*time.Minute + 10*time.Minute + time.Second) // expired and out of the send window
	fresh, code := newDeviceChallenge(t, e, "dev-2")              // opens one and prunes
	_, err := e.svc.VerifyLogin(bg, old.ID, "123456")
	requireCode(t, err, reference.ENotFound)
	_, err = e.svc.VerifyLogin(bg, fresh.ID, code)
	require.NoError(t, err)
}

// noBulk hides the store's optional BulkTx so that Import takes its one-row path.
type noBulk struct{ reference.Store }

type plainTx struct{ reference.Tx }

func (s noBulk) Update(ctx context.Context, fn func(reference.Tx) error) error {
	return s.Store.Update(ctx, func(tx reference.Tx) error { return fn(plainTx{tx}) })
}

func TestImportWithoutBulkWrites(t *testing.T) {
	bulk := freshEnv(t)
	_, err := assemble.ImportFile(bg, bulk.svc, "testdata/population.jsonl", reference.ImportOptions{})
	require.NoError(t, err)
	want := snapshot(t, bulk, "testdata/population.jsonl")

	plain := freshEnv(t)
	h, _ := reference.NewHasher(reference.HashFast)
	svc, err := reference.NewService(reference.Config{Store: noBulk{plain.store}, Hasher: h, Gateway: plain.gw, Clock: plain.clock})
	require.NoError(t, err)
	_, err = assemble.ImportFile(bg, svc, "testdata/population.jsonl", reference.ImportOptions{BatchSize: 4})
	require.NoError(t, err)
	assert.Equal(t, want, snapshot(t, plain, "testdata/population.jsonl"))
}

// Settings reports every rule under its JSON name, the new lockout, OTP-cap and admission
// rules included, and the number of hashing slots.
func TestSettingsReportPolicy(t *testing.T) {
	h, err := reference.NewHasher(reference.HashFast)
	require.NoError(t, err)
	e := newEnv(t, func(c *reference.Config) { c.Hasher, c.HashWorkers = h, 3 })
	s, err := e.svc.Settings(bg)
	require.NoError(t, err)
	assert.Equal(t, 3, s.HashWorkers)
	raw, err := json.Marshal(s)
	require.NoError(t, err)
	var got struct {
		Policy map[string]any `json:"policy"`
	}
	require.NoError(t, json.Unmarshal(raw, &got))
	for k, v := range map[string]any{"lockout": "lock", "login_answers": "explicit", "throttle_max_failures": 100.0,
		"max_failed_challenges": 3.0, "hash_queue": 32.0, "hash_queue_wait": 1e9, "failed_challenge_window": 864e11,
		"throttle_delay": 1e9, "throttle_max_delay": 36e11} {
		assert.Equal(t, v, got.Policy[k], k)
	}
}
