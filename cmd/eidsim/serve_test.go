package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// servePopulation is the fixture population of the serve tests: citizens 1–40 without an
// account, 41–56 with level-1 accounts (password Matkhau@NN, device device-NN), 57–58 at
// level 2, 59 with a SIM in someone else's name, 60 without coverage.
const servePopulation = "../../reference/httpapi/testdata/population.jsonl"

// syncBuffer is an io.Writer safe for concurrent use, for a server's stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRE = regexp.MustCompile(`listening on (http://[0-9.:\[\]]+)`)

func TestServe_Usage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		msg  string
	}{
		{"no population", []string{}, nil, exitUsage, "--population FILE is required"},
		{"bad hash", []string{"--population", servePopulation, "--hash", "md5"}, nil, exitUsage, `--hash: "md5" is not argon2id or fast`},
		{"bad sms", []string{"--population", servePopulation, "--sms", "slow"}, nil, exitUsage, `--sms: "slow"`},
		{"bad addr", []string{"--population", servePopulation, "--addr", "8080"}, nil, exitUsage, `--addr: "8080" is not HOST:PORT`},
		{"unknown flag", []string{"--population", servePopulation, "--bogus"}, nil, exitUsage, "unknown flag --bogus"},
		{"stray argument", []string{"--population", servePopulation, "extra"}, nil, exitUsage, `unexpected argument "extra"`},
		{"missing file", []string{"--population", "no/such/file.jsonl", "--data", "DATA"}, nil, exitUsage, "--population no/such/file.jsonl: no such file"},
		{"help", []string{"--help"}, nil, exitOK, "usage: eidsim serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			args := append([]string{"serve"}, tt.args...)
			for i, a := range args {
				if a == "DATA" {
					args[i] = t.TempDir()
				}
			}
			e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr,
				getenv: func(k string) string { return tt.env[k] }}
			code := runEnv(context.Background(), e, args)
			assert.Equal(t, tt.code, code, stderr.String())
			assert.Contains(t, stderr.String(), tt.msg)
			if tt.code != exitOK {
				assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr.String()), "\n")+1, "one line: %q", stderr.String())
			}
		})
	}
}

func TestServe_TokenFromEnv(t *testing.T) {
	e := &env{stderr: io.Discard, getenv: func(k string) string {
		if k == "EIDSIM_OPERATOR_TOKEN" {
			return "from-env"
		}
		return ""
	}}
	cfg, err := parseServe(commands["serve"], e, []string{"--population", "p"})
	require.NoError(t, err)
	assert.Equal(t, "from-env", cfg.token)
	cfg, err = parseServe(commands["serve"], e, []string{"--population", "p", "--operator-token", "from-flag"})
	require.NoError(t, err)
	assert.Equal(t, "from-flag", cfg.token)
}

// runningServe is `eidsim serve` running in-process.
type runningServe struct {
	url    string
	stderr *syncBuffer
	stop   func() int // cancels the command's context and returns its exit code
}

// startServeInProcess runs the real serve command in this process on a free port and waits
// until it listens.
func startServeInProcess(tb testing.TB, args ...string) *runningServe {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() { done <- runEnv(ctx, e, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	deadline := time.After(2 * time.Minute)
	for {
		if m := listeningRE.FindStringSubmatch(stderr.String()); m != nil {
			var once sync.Once
			code := -1
			rs := &runningServe{url: m[1], stderr: stderr, stop: func() int {
				once.Do(func() { cancel(); code = <-done })
				return code
			}}
			tb.Cleanup(func() { rs.stop() })
			return rs
		}
		select {
		case code := <-done:
			cancel()
			tb.Fatalf("serve exited with %d before listening: %s", code, stderr.String())
		case <-deadline:
			cancel()
			tb.Fatalf("serve did not listen within 2 minutes: %s", stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// client talks JSON to a running server; /sim/ calls carry op, the operator token.
type client struct {
	tb   testing.TB
	base string
	http *http.Client
	op   string
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
}

func (r reply) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

func (r reply) code() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (c *client) do(method, path string, body any, bearer string) reply {
	c.tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.tb, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.tb, err)
	req.Header.Set("Content-Type", "application/json")
	if bearer == "" && strings.HasPrefix(path, "/sim/") {
		bearer = c.op
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := c.http.Do(req)
	require.NoError(c.tb, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(c.tb, err)
	r := reply{status: res.StatusCode, header: res.Header}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		require.NoError(c.tb, json.Unmarshal(raw, &r.body), "%s %s: %s", method, path, raw)
	}
	return r
}

// otp waits for the next message carrying an OTP in the handset inbox of phone after the
// message id *after, and moves *after past it.
func (c *client) otp(phone string, after *int64) string {
	c.tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		r := c.do("GET", fmt.Sprintf("/sim/handsets/%s/messages?after=%d&wait=30", phone, *after), nil, "")
		require.Equal(c.tb, 200, r.status, "%v", r.body)
		msgs, _ := r.body["messages"].([]any)
		for _, m := range msgs {
			msg := m.(map[string]any)
			*after = int64(msg["id"].(float64))
			if otp, _ := msg["otp"].(string); otp != "" {
				return otp
			}
		}
	}
	c.tb.Fatalf("no OTP reached %s", phone)
	return ""
}

// TestServe_Journey runs the real serve command and walks a citizen's whole journey over
// HTTP, reading every OTP from the simulated handset's inbox: register, verify, log in on the
// bound device, log in on a new device with an OTP, recover a forgotten password, enrol at
// level 2 at the counter; and a second citizen's counter enrolment followed by activation.
// Then it checks the metrics and that the log holds none of the secrets that went by.
func TestServe_Journey(t *testing.T) {
	data := t.TempDir()
	srv := startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--sms", "fast")
	c := &client{tb: t, base: srv.url, http: &http.Client{Timeout: time.Minute}}
	var secrets []string

	// The operator token was generated into the data directory; its path, never its value,
	// was printed.
	tokBytes, err := os.ReadFile(filepath.Join(data, "operator-token"))
	require.NoError(t, err)
	opToken := strings.TrimSpace(string(tokBytes))
	c.op = opToken
	st, err := os.Stat(filepath.Join(data, "operator-token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.Contains(t, srv.stderr.String(), filepath.Join(data, "operator-token"))
	secrets = append(secrets, opToken)

	assert.Equal(t, 200, c.do("GET", "/healthz", nil, "").status)
	assert.Equal(t, 200, c.do("GET", "/readyz", nil, "").status)

	const (
		id, name, birth, phone = "001090000001", "Trần Văn Bình", "1990-02-02", "0971000001"
		password, passcode     = "Matkhau@2024", "246810"
	)
	var after int64

	// Register and verify.
	r := c.do("POST", "/v1/registrations", map[string]string{"citizen_id": id, "full_name": name,
		"birth_date": birth, "phone": phone, "device_id": "phone-A"}, "")
	require.Equal(t, 202, r.status, "%v", r.body)
	regID := r.str("registration_id")
	require.NotEmpty(t, regID)
	require.NotEmpty(t, r.str("otp_expires_at"))
	otp := c.otp(phone, &after)
	secrets = append(secrets, otp)
	r = c.do("POST", "/v1/registrations/"+regID+"/verify", map[string]string{"otp": otp, "password": password, "passcode": passcode}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	assert.Equal(t, map[string]any{"citizen_id": id, "level": 1.0}, r.body)
	secrets = append(secrets, password, passcode)

	// Registering again is account_exists.
	r = c.do("POST", "/v1/registrations", map[string]string{"citizen_id": id, "full_name": name,
		"birth_date": birth, "phone": phone, "device_id": "phone-A"}, "")
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "account_exists", r.code())

	// Log in on the bound device.
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": password, "device_id": "phone-A"}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	tokA := r.str("access_token")
	require.NotEmpty(t, tokA)
	secrets = append(secrets, tokA)
	r = c.do("GET", "/v1/me", nil, tokA)
	require.Equal(t, 200, r.status, "%v", r.body)
	assert.Equal(t, map[string]any{"citizen_id": id, "full_name": name, "level": 1.0}, r.body)

	// A wrong password is invalid_credentials.
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": "Wrong@2024x", "device_id": "phone-A"}, "")
	assert.Equal(t, 401, r.status)
	assert.Equal(t, "invalid_credentials", r.code())

	// Log in on a new device: an OTP challenge to the account's phone.
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": password, "device_id": "phone-B"}, "")
	require.Equal(t, 202, r.status, "%v", r.body)
	chID := r.str("challenge_id")
	require.NotEmpty(t, chID)
	otp = c.otp(phone, &after)
	secrets = append(secrets, otp)
	r = c.do("POST", "/v1/sessions/challenges/"+chID, map[string]string{"otp": otp}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	secrets = append(secrets, r.str("access_token"))
	// phone-B is now the bound device.
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": password, "device_id": "phone-B"}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	secrets = append(secrets, r.str("access_token"))

	// Forgotten password: recovery.
	r = c.do("POST", "/v1/recoveries", map[string]string{"citizen_id": id, "phone": phone, "full_name": name, "birth_date": birth}, "")
	require.Equal(t, 202, r.status, "%v", r.body)
	recID := r.str("recovery_id")
	otp = c.otp(phone, &after)
	secrets = append(secrets, otp)
	const newPassword = "Moi#Matkhau9"
	r = c.do("POST", "/v1/recoveries/"+recID+"/verify", map[string]string{"otp": otp, "new_password": newPassword}, "")
	require.Equal(t, 200, r.status, "%v", r.body)
	assert.Equal(t, map[string]any{"citizen_id": id}, r.body)
	secrets = append(secrets, newPassword)
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": newPassword, "device_id": "phone-B"}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	secrets = append(secrets, r.str("access_token"))

	// Counter enrolment: level 2.
	r = c.do("POST", "/sim/captures", map[string]string{"citizen_id": id}, "")
	require.Equal(t, 200, r.status, "%v", r.body)
	capture := r.str("capture")
	require.NotEmpty(t, capture)
	secrets = append(secrets, capture)
	enroll := map[string]string{"citizen_id": id, "phone": phone, "station_id": "HN-001", "capture": capture}
	r = c.do("POST", "/v1/counter/enrollments", enroll, "")
	assert.Equal(t, 401, r.status, "the counter needs the operator token")
	r = c.do("POST", "/v1/counter/enrollments", enroll, opToken)
	require.Equal(t, 201, r.status, "%v", r.body)
	assert.Equal(t, 2.0, r.body["level"])
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id, "password": newPassword, "device_id": "phone-B"}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	assert.Equal(t, 2.0, r.body["level"])
	secrets = append(secrets, r.str("access_token"))

	// A second citizen, without an account, is enrolled at the counter and activates.
	const id2, phone2 = "001190000002", "0981000002"
	var after2 int64
	r = c.do("POST", "/sim/captures", map[string]string{"citizen_id": id2}, "")
	require.Equal(t, 200, r.status, "%v", r.body)
	secrets = append(secrets, r.str("capture"))
	r = c.do("POST", "/v1/counter/enrollments", map[string]string{"citizen_id": id2, "phone": phone2, "station_id": "HN-001", "capture": r.str("capture")}, opToken)
	require.Equal(t, 201, r.status, "%v", r.body)
	assert.Equal(t, 2.0, r.body["level"])
	r = c.do("POST", "/v1/activations", map[string]string{"citizen_id": id2, "phone": phone2, "device_id": "phone-C"}, "")
	require.Equal(t, 202, r.status, "%v", r.body)
	actID := r.str("activation_id")
	otp = c.otp(phone2, &after2)
	secrets = append(secrets, otp)
	r = c.do("POST", "/v1/activations/"+actID+"/verify", map[string]string{"otp": otp, "password": "Kichhoat!77", "passcode": "135790"}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	assert.Equal(t, map[string]any{"citizen_id": id2, "level": 2.0}, r.body)
	secrets = append(secrets, "Kichhoat!77", "135790")
	r = c.do("POST", "/v1/sessions", map[string]string{"citizen_id": id2, "password": "Kichhoat!77", "device_id": "phone-C"}, "")
	require.Equal(t, 201, r.status, "%v", r.body)
	secrets = append(secrets, r.str("access_token"))

	// Metrics (behind the operator token): request counts by route pattern, logins, OTPs sent
	// and the telco's deliveries.
	res, err := c.http.Get(srv.url + "/metrics")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "/metrics needs the operator token")
	req, _ := http.NewRequest("GET", srv.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+opToken)
	res, err = c.http.Do(req)
	require.NoError(t, err)
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`eidsim_http_requests_total{code="201",method="POST",outcome="ok",route="/v1/registrations/{id}/verify"} 1`,
		`eidsim_logins_total{outcome="challenge"} 1`,
		`eidsim_logins_total{outcome="invalid_credentials"} 1`,
		`eidsim_otp_sent_total{purpose="registration"} 1`,
		`eidsim_sms_delivered_total`,
	} {
		assert.Contains(t, string(metrics), want)
	}

	assert.Equal(t, exitOK, srv.stop())
	log := srv.stderr.String()
	assert.Contains(t, log, `"route":"/v1/sessions/challenges/{id}"`)
	for _, s := range secrets {
		require.NotEmpty(t, s)
		re := regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(s) + `([^0-9A-Za-z]|$)`)
		assert.False(t, re.MatchString(log), "the log holds the secret %q", s)
	}
}

// TestServe_Restart checks that a second start on the same data directory keeps the state
// and the generated operator token, and does not import the population again.
func TestServe_Restart(t *testing.T) {
	data := t.TempDir()
	srv := startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--access-log=false")
	require.Contains(t, srv.stderr.String(), "imported 60 citizens")
	require.Equal(t, exitOK, srv.stop())
	tok1, err := os.ReadFile(filepath.Join(data, "operator-token"))
	require.NoError(t, err)

	srv = startServeInProcess(t, "--population", servePopulation, "--data", data, "--hash", "fast", "--access-log=false")
	assert.Contains(t, srv.stderr.String(), "already imported")
	tok2, err := os.ReadFile(filepath.Join(data, "operator-token"))
	require.NoError(t, err)
	assert.Equal(t, tok1, tok2)
	c := &client{tb: t, base: srv.url, http: http.DefaultClient}
	r := c.do("POST", "/v1/sessions", map[string]string{"citizen_id": "001190000042", "password": "Matkhau@42", "device_id": "device-42"}, "")
	assert.Equal(t, 201, r.status, "%v", r.body)
	require.Equal(t, exitOK, srv.stop())
	assert.Contains(t, srv.stderr.String(), "shutting down")
}

// scanLines calls fn with each line r yields until fn returns true or r ends.
func scanLines(r io.Reader, fn func(string) bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if fn(sc.Text()) {
			return
		}
	}
}

// TestServe_Errors checks, against the real service, that the domain's refusals reach the
// client with the documented status, code, extra fields and Retry-After header.
func TestServe_Errors(t *testing.T) {
	srv := startServeInProcess(t, "--population", servePopulation, "--data", t.TempDir(), "--hash", "fast", "--sms", "fast",
		"--access-log=false", "--operator-token", "op")
	c := &client{tb: t, base: srv.url, http: &http.Client{Timeout: time.Minute}, op: "op"}

	// Unknown citizen and a SIM in someone else's name.
	r := c.do("POST", "/v1/registrations", map[string]string{"citizen_id": "001090999999", "full_name": "Không Có",
		"birth_date": "1990-01-01", "phone": "0971999999", "device_id": "d"}, "")
	assert.Equal(t, 422, r.status)
	assert.Equal(t, "identity_mismatch", r.code())
	c59 := citizenN(59)
	r = c.do("POST", "/v1/registrations", map[string]string{"citizen_id": c59.id, "full_name": c59.name,
		"birth_date": c59.birth, "phone": c59.phone, "device_id": "d"}, "")
	assert.Equal(t, 422, r.status, "%v", r.body)
	assert.Equal(t, "phone_not_owner", r.code())

	// A wrong OTP tells how many tries are left; an immediate resend is too soon.
	c3 := citizenN(3)
	r = c.do("POST", "/v1/registrations", map[string]string{"citizen_id": c3.id, "full_name": c3.name,
		"birth_date": c3.birth, "phone": c3.phone, "device_id": "d"}, "")
	require.Equal(t, 202, r.status, "%v", r.body)
	regID := r.str("registration_id")
	var after int64
	wrong := wrongOTP(c.otp(c3.phone, &after))
	r = c.do("POST", "/v1/registrations/"+regID+"/verify", map[string]string{"otp": wrong, "password": "Matkhau@2024", "passcode": "246810"}, "")
	assert.Equal(t, 422, r.status)
	assert.Equal(t, "otp_invalid", r.code())
	e := r.body["error"].(map[string]any)
	assert.Equal(t, 4.0, e["attempts_left"])
	r = c.do("POST", "/v1/otp/"+regID+"/resend", nil, "")
	assert.Equal(t, 429, r.status)
	assert.Equal(t, "resend_too_soon", r.code())
	assert.NotEmpty(t, r.header.Get("Retry-After"))
	assert.NotNil(t, r.body["error"].(map[string]any)["retry_after"])

	// Five wrong passwords lock the account for 30 minutes.
	login := map[string]string{"citizen_id": "001090000043", "password": "Sai@mat-khau1", "device_id": "device-43"}
	for range 4 {
		r = c.do("POST", "/v1/sessions", login, "")
		require.Equal(t, 401, r.status, "%v", r.body)
	}
	r = c.do("POST", "/v1/sessions", login, "") // the fifth locks (and says so)
	require.Contains(t, []int{401, 423}, r.status, "%v", r.body)
	login["password"] = "Matkhau@43"
	r = c.do("POST", "/v1/sessions", login, "")
	assert.Equal(t, 423, r.status, "%v", r.body)
	assert.Equal(t, "account_locked", r.code())
	assert.NotNil(t, r.body["error"].(map[string]any)["locked_until"])
	assert.NotEmpty(t, r.header.Get("Retry-After"))

	// The counter lifts the lock.
	capt := c.do("POST", "/sim/captures", map[string]string{"citizen_id": "001090000043"}, "")
	require.Equal(t, 200, capt.status)
	r = c.do("POST", "/v1/counter/unlocks", map[string]string{"citizen_id": "001090000043", "capture": capt.str("capture")}, "op")
	require.Equal(t, 200, r.status, "%v", r.body)
	r = c.do("POST", "/v1/sessions", login, "")
	assert.Equal(t, 201, r.status, "%v", r.body)
}
