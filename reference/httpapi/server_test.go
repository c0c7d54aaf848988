package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/httpapi"
)

const opToken = "operator-secret-0123456789"

// mustServer returns a Server over api with the simulated world on and a fake inbox.
func mustServer(tb testing.TB, api reference.API, inbox httpapi.Inbox) *httpapi.Server {
	tb.Helper()
	if inbox == nil {
		inbox = &fakeInbox{}
	}
	s, err := httpapi.New(httpapi.Config{API: api, OperatorToken: opToken, Sim: true, Inbox: inbox,
		MaxWait: 2 * time.Second,
		Now:     func() time.Time { return time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC) }})
	require.NoError(tb, err)
	return s
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends one request to h and decodes a JSON object answer. A body goes as
// application/json unless header sets another Content-Type.
func do(tb testing.TB, h http.Handler, method, path, body string, header ...string) response {
	tb.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		require.NoError(tb, json.Unmarshal(rec.Body.Bytes(), &res.body), "body %q", res.raw)
	}
	return res
}

func errCode(r response) string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func errField(r response, key string) any {
	e, _ := r.body["error"].(map[string]any)
	return e[key]
}

var auth = []string{"Authorization", "Bearer " + opToken}

// call is one valid request to each route that reaches the API.
type call struct {
	name, method, path, body string
	header                   []string
	apiCall                  string
}

var calls = []call{
	{"register", "POST", "/v1/registrations", `{"citizen_id":"001090000001","full_name":"Nguyễn Văn An","birth_date":"1990-01-02","phone":"0912345678","device_id":"dev-1"}`, nil, "Register"},
	{"verify registration", "POST", "/v1/registrations/reg-1/verify", `{"otp":"123456","password":"Secr3t!pass","passcode":"123456"}`, nil, "VerifyRegistration"},
	{"login", "POST", "/v1/sessions", `{"citizen_id":"001090000001","password":"Secr3t!pass","device_id":"dev-1"}`, nil, "Login"},
	{"verify login", "POST", "/v1/sessions/challenges/chl-1", `{"otp":"123456"}`, nil, "VerifyLogin"},
	{"start recovery", "POST", "/v1/recoveries", `{"citizen_id":"001090000001","phone":"0912345678","full_name":"Nguyễn Văn An","birth_date":"1990-01-02"}`, nil, "StartRecovery"},
	{"verify recovery", "POST", "/v1/recoveries/rec-1/verify", `{"otp":"123456","new_password":"N3w!passw"}`, nil, "VerifyRecovery"},
	{"start activation", "POST", "/v1/activations", `{"citizen_id":"001090000001","phone":"0912345678","device_id":"dev-1"}`, nil, "StartActivation"},
	{"verify activation", "POST", "/v1/activations/act-1/verify", `{"otp":"123456","password":"Secr3t!pass","passcode":"123456"}`, nil, "VerifyActivation"},
	{"resend", "POST", "/v1/otp/reg-1/resend", ``, nil, "Resend"},
	{"me", "GET", "/v1/me", ``, []string{"Authorization", "Bearer tok-1"}, "Me"},
	{"enroll", "POST", "/v1/counter/enrollments", `{"citizen_id":"001090000001","phone":"0912345678","station_id":"st-1","capture":"cap"}`, auth, "Enroll"},
	{"phone change", "POST", "/v1/counter/phone-changes", `{"citizen_id":"001090000001","new_phone":"0987654321","capture":"cap"}`, auth, "ChangePhone"},
	{"counter password reset", "POST", "/v1/counter/password-resets", `{"citizen_id":"001090000001","capture":"cap"}`, auth, "CounterPasswordReset"},
	{"unlock", "POST", "/v1/counter/unlocks", `{"citizen_id":"001090000001","capture":"cap"}`, auth, "Unlock"},
	{"capture", "POST", "/sim/captures", `{"citizen_id":"001090000001"}`, auth, "Capture"},
	{"readyz", "GET", "/readyz", ``, nil, "Ready"},
}

func TestRoutes_OK(t *testing.T) {
	exp := "2026-07-01T08:03:00Z"
	want := map[string]struct {
		status int
		body   map[string]any
	}{
		"register":               {202, map[string]any{"registration_id": "reg-1", "otp_expires_at": exp}},
		"verify registration":    {201, map[string]any{"citizen_id": "001090000001", "level": 1.0}},
		"login":                  {201, map[string]any{"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600.0, "level": 1.0}},
		"verify login":           {201, map[string]any{"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600.0, "level": 1.0}},
		"start recovery":         {202, map[string]any{"recovery_id": "rec-1", "otp_expires_at": exp}},
		"verify recovery":        {200, map[string]any{"citizen_id": "001090000001"}},
		"start activation":       {202, map[string]any{"activation_id": "act-1", "otp_expires_at": exp}},
		"verify activation":      {201, map[string]any{"citizen_id": "001090000001", "level": 2.0}},
		"resend":                 {202, map[string]any{"otp_expires_at": exp}},
		"me":                     {200, map[string]any{"citizen_id": "001090000001", "full_name": "Nguyễn Văn An", "level": 1.0}},
		"enroll":                 {201, map[string]any{"enrollment_id": "enr-1", "level": 2.0, "status": "active"}},
		"phone change":           {200, map[string]any{"citizen_id": "001090000001", "level": 2.0}},
		"counter password reset": {202, map[string]any{"activation_id": "act-2", "otp_expires_at": exp}},
		"unlock":                 {200, map[string]any{"citizen_id": "001090000001", "level": 1.0}},
		"capture":                {200, map[string]any{"capture": "cap:001090000001"}},
		"readyz":                 {200, map[string]any{"status": "ready"}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			api := &fakeAPI{}
			res := do(t, mustServer(t, api, nil), c.method, c.path, c.body, c.header...)
			w, ok := want[c.name]
			require.True(t, ok, "no expectation for %s", c.name)
			assert.Equal(t, w.status, res.status, res.raw)
			assert.Equal(t, w.body, res.body)
			assert.Equal(t, c.apiCall, api.lastCall)
			assert.Equal(t, "no-store", res.header.Get("Cache-Control"))
		})
	}
}

// TestRoutes_PassesRequest checks that path values and bodies reach the API unchanged.
func TestRoutes_PassesRequest(t *testing.T) {
	api := &fakeAPI{}
	s := mustServer(t, api, nil)
	do(t, s, "POST", "/v1/registrations/reg-42/verify", `{"otp":"654321","password":"P4ss!word","passcode":"111111"}`)
	assert.Equal(t, "reg-42", api.lastID)
	assert.Equal(t, reference.VerifyRequest{OTP: "654321", Password: "P4ss!word", Passcode: "111111"}, api.lastReq)

	do(t, s, "POST", "/v1/sessions/challenges/chl-9", `{"otp":"000001"}`)
	assert.Equal(t, "chl-9", api.lastID)
	assert.Equal(t, "000001", api.lastReq)

	do(t, s, "GET", "/v1/me", "", "Authorization", "bearer  tok-xyz ")
	assert.Equal(t, "tok-xyz", api.lastID)
}

func TestLogin_NewDeviceChallenge(t *testing.T) {
	s := mustServer(t, &fakeAPI{newDev: true}, nil)
	res := do(t, s, "POST", "/v1/sessions", `{"citizen_id":"001090000001","password":"x","device_id":"dev-2"}`)
	assert.Equal(t, 202, res.status)
	assert.Equal(t, map[string]any{"challenge_id": "chl-1", "otp_expires_at": "2026-07-01T08:03:00Z"}, res.body)
}

// TestRoutes_Errors checks, for every route that calls the API, that each domain error
// comes back with the status of the table and the code and fields in the error object.
func TestRoutes_Errors(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{reference.Errorf(reference.EIdentityMismatch, "identity does not match"), 422, "identity_mismatch"},
		{reference.Errorf(reference.EPhoneNotOwner, "not owner"), 422, "phone_not_owner"},
		{reference.Errorf(reference.EAccountExists, "exists"), 409, "account_exists"},
		{reference.Errorf(reference.EPhoneInUse, "in use"), 409, "phone_in_use"},
		{reference.Errorf(reference.ERateLimited, "slow down").With("retry_after", 120), 429, "rate_limited"},
		{reference.Errorf(reference.EOTPInvalid, "wrong").With("attempts_left", 3), 422, "otp_invalid"},
		{reference.Errorf(reference.EOTPExpired, "expired"), 410, "otp_expired"},
		{reference.Errorf(reference.EOTPAttemptsExceeded, "too many"), 429, "otp_attempts_exceeded"},
		{reference.Errorf(reference.EWeakPassword, "weak").With("field", "password"), 422, "weak_password"},
		{reference.Errorf(reference.EInvalidCredentials, "bad"), 401, "invalid_credentials"},
		{reference.Errorf(reference.EAccountLocked, "locked").With("locked_until", "2026-07-01T08:30:00Z"), 423, "account_locked"},
		{reference.Errorf(reference.EResendTooSoon, "wait").With("retry_after", 42*time.Second), 429, "resend_too_soon"},
		{reference.Errorf(reference.EResendLimit, "no more"), 429, "resend_limit"},
		{reference.Errorf(reference.EUnauthorized, "who"), 401, "unauthorized"},
		{reference.Errorf(reference.EForbidden, "no"), 403, "forbidden"},
		{reference.Errorf(reference.EAccountNotActive, "pending"), 403, "account_not_active"},
		{reference.Errorf(reference.EBiometricMismatch, "no match"), 422, "biometric_mismatch"},
		{reference.Errorf(reference.ENotFound, "none"), 404, "not_found"},
		{reference.Errorf(reference.EInvalidInput, "bad").With("field", "phone"), 400, "invalid_input"},
		{reference.Errorf(reference.EUnavailable, "down"), 503, "unavailable"},
		{reference.Errorf(reference.EInternal, "boom"), 500, "internal"},
		{errors.New("disk on fire"), 500, "internal"},
		{reference.Errorf("some_new_code", "?"), 500, "internal"},
	}
	for _, c := range calls {
		for _, tc := range cases {
			t.Run(c.name+"/"+tc.code, func(t *testing.T) {
				res := do(t, mustServer(t, &fakeAPI{err: tc.err}, nil), c.method, c.path, c.body, c.header...)
				wantStatus, wantCode := tc.status, tc.code
				if c.name == "readyz" { // readiness failures are always 503
					wantStatus, wantCode = 503, "unavailable"
				}
				require.Equal(t, wantStatus, res.status, res.raw)
				require.Equal(t, wantCode, errCode(res), res.raw)
				msg, _ := errField(res, "message").(string)
				assert.NotEmpty(t, msg)
				if wantStatus == 500 || c.name == "readyz" {
					assert.NotContains(t, res.raw, "disk on fire")
					assert.NotContains(t, res.raw, "boom")
				}
				if c.name == "readyz" {
					return
				}
				var e *reference.Error
				if errors.As(tc.err, &e) && wantStatus != 500 {
					for k := range e.Fields {
						assert.NotNil(t, errField(res, k), "field %s", k)
					}
				}
			})
		}
	}
}

func TestErrorFieldsAndRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		retryAfter string
		fields     map[string]any
	}{
		{"seconds", reference.Errorf(reference.ERateLimited, "x").With("retry_after", 120), "120", map[string]any{"retry_after": 120.0}},
		{"duration", reference.Errorf(reference.EResendTooSoon, "x").With("retry_after", 42500*time.Millisecond), "43", map[string]any{"retry_after": 43.0}},
		{"locked until", reference.Errorf(reference.EAccountLocked, "x").With("locked_until", "2026-07-01T08:30:00Z"), "1800", map[string]any{"locked_until": "2026-07-01T08:30:00Z"}},
		{"no hint", reference.Errorf(reference.EResendLimit, "x"), "", nil},
		{"overloaded", reference.Errorf(reference.EOverloaded, "x").With("retry_after", 1), "1", map[string]any{"retry_after": 1.0}},
		{"unavailable", reference.Errorf(reference.EUnavailable, "x").With("retry_after", 5), "5", map[string]any{"retry_after": 5.0}},
		{"attempts left", reference.Errorf(reference.EOTPInvalid, "x").With("attempts_left", 2), "", map[string]any{"attempts_left": 2.0}},
		{"reserved keys kept", reference.Errorf(reference.EOTPInvalid, "real").With("code", "fake").With("message", "fake"), "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, mustServer(t, &fakeAPI{err: tt.err}, nil), "POST", "/v1/otp/x/resend", "")
			assert.Equal(t, tt.retryAfter, res.header.Get("Retry-After"))
			e := res.body["error"].(map[string]any)
			for k, v := range tt.fields {
				assert.Equal(t, v, e[k], k)
			}
			assert.NotEqual(t, "fake", e["code"])
			assert.NotEqual(t, "fake", e["message"])
			assert.Len(t, e, 2+len(tt.fields))
		})
	}
}

func TestStatusOf(t *testing.T) {
	want := map[string]int{
		reference.EInvalidInput: 400, reference.EUnauthorized: 401, reference.EInvalidCredentials: 401,
		reference.EForbidden: 403, reference.EAccountNotActive: 403, reference.ENotFound: 404,
		reference.EAccountExists: 409, reference.EPhoneInUse: 409, reference.EOTPExpired: 410,
		reference.EIdentityMismatch: 422, reference.EPhoneNotOwner: 422, reference.EOTPInvalid: 422,
		reference.EWeakPassword: 422, reference.EBiometricMismatch: 422, reference.EAccountLocked: 423,
		reference.ERateLimited: 429, reference.EOTPAttemptsExceeded: 429, reference.EResendTooSoon: 429,
		reference.EResendLimit: 429, reference.EOTPChallengesExceeded: 429, reference.EUnavailable: 503,
		reference.EOverloaded: 503, reference.EInternal: 500,
		httpapi.CodeMethodNotAllowed: 405, httpapi.CodeUnsupportedMediaType: 415, httpapi.CodePayloadTooLarge: 413,
	}
	for code, status := range want {
		assert.Equal(t, status, httpapi.StatusOf(code), code)
	}
	assert.ElementsMatch(t, keys(want), httpapi.Codes(), "every code in the table is tested")
	assert.Equal(t, 500, httpapi.StatusOf("no_such_code"))
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCounter_Unauthorized(t *testing.T) {
	for _, path := range []string{"/v1/counter/enrollments", "/v1/counter/phone-changes", "/v1/counter/password-resets", "/v1/counter/unlocks"} {
		for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic " + opToken}, {"Authorization", "Bearer " + opToken + "x"}, {"Authorization", "Bearer"}} {
			api := &fakeAPI{}
			res := do(t, mustServer(t, api, nil), "POST", path, `{"citizen_id":"001090000001","capture":"c"}`, hdr...)
			assert.Equal(t, 401, res.status, "%s %v", path, hdr)
			assert.Equal(t, "unauthorized", errCode(res))
			assert.Contains(t, res.header.Get("WWW-Authenticate"), "Bearer")
			assert.Empty(t, api.lastCall, "the API must not be called")
		}
	}
}

func TestMe_Unauthorized(t *testing.T) {
	api := &fakeAPI{}
	s := mustServer(t, api, nil)
	for _, hdr := range [][]string{nil, {"Authorization", "Basic abc"}, {"Authorization", "Bearer "}} {
		res := do(t, s, "GET", "/v1/me", "", hdr...)
		assert.Equal(t, 401, res.status)
		assert.Equal(t, "unauthorized", errCode(res))
	}
	assert.Empty(t, api.lastCall)
}

func TestMethodNotAllowed(t *testing.T) {
	s := mustServer(t, &fakeAPI{}, nil)
	tests := []struct{ method, path, allow string }{
		{"GET", "/v1/registrations", "POST"},
		{"DELETE", "/v1/sessions", "POST"},
		{"PUT", "/v1/registrations/r1/verify", "POST"},
		{"POST", "/v1/me", "GET, HEAD"},
		{"POST", "/healthz", "GET, HEAD"},
		{"POST", "/sim/handsets/0912345678/messages", "GET, HEAD"},
		{"BREW", "/metrics", "GET, HEAD"},
	}
	for _, tt := range tests {
		res := do(t, s, tt.method, tt.path, "")
		assert.Equal(t, 405, res.status, "%s %s", tt.method, tt.path)
		assert.Equal(t, tt.allow, res.header.Get("Allow"), "%s %s", tt.method, tt.path)
		assert.Equal(t, "method_not_allowed", errCode(res))
	}
}

func TestNotFound(t *testing.T) {
	s := mustServer(t, &fakeAPI{}, nil)
	for _, p := range []string{"/", "/v1", "/v1/registrations/", "/v2/sessions", "/v1/registrations/a/b/verify"} {
		res := do(t, s, "POST", p, "{}")
		assert.Equal(t, 404, res.status, p)
		assert.Equal(t, "not_found", errCode(res), p)
	}
}

func TestSimOff(t *testing.T) {
	s, err := httpapi.New(httpapi.Config{API: &fakeAPI{}, OperatorToken: opToken})
	require.NoError(t, err)
	for _, c := range []struct{ method, path string }{{"GET", "/sim/handsets/0912345678/messages"}, {"POST", "/sim/captures"}} {
		res := do(t, s, c.method, c.path, `{"citizen_id":"001090000001"}`)
		assert.Equal(t, 404, res.status)
		assert.Equal(t, "not_found", errCode(res))
	}
}

func TestNew_Validates(t *testing.T) {
	_, err := httpapi.New(httpapi.Config{OperatorToken: "x"})
	assert.ErrorContains(t, err, "API")
	_, err = httpapi.New(httpapi.Config{API: &fakeAPI{}})
	assert.ErrorContains(t, err, "OperatorToken")
	_, err = httpapi.New(httpapi.Config{API: &fakeAPI{}, OperatorToken: "x", Sim: true})
	assert.ErrorContains(t, err, "Inbox")
}

func TestHealthz(t *testing.T) {
	res := do(t, mustServer(t, &fakeAPI{err: errors.New("store down")}, nil), "GET", "/healthz", "")
	assert.Equal(t, 200, res.status)
	assert.Equal(t, map[string]any{"status": "ok"}, res.body)
}

func TestMessages(t *testing.T) {
	at := time.Date(2026, 7, 1, 8, 0, 5, 0, time.UTC)
	inbox := &fakeInbox{msgs: []httpapi.Message{
		{ID: 1, Sender: "VNeID", Body: "Ma OTP 111111", Purpose: "registration", OTP: "111111", DeliveredAt: at},
		{ID: 2, Sender: "VNeID", Body: "Ma OTP 222222", Purpose: "login", OTP: "222222", DeliveredAt: at},
	}}
	s := mustServer(t, &fakeAPI{}, inbox)

	res := do(t, s, "GET", "/sim/handsets/0912345678/messages", "", auth...)
	require.Equal(t, 200, res.status, res.raw)
	msgs := res.body["messages"].([]any)
	require.Len(t, msgs, 2)
	assert.Equal(t, map[string]any{"id": 1.0, "sender": "VNeID", "body": "Ma OTP 111111", "purpose": "registration", "otp": "111111",
		"delivered_at": "2026-07-01T08:00:05Z"}, msgs[0])

	// purpose picks one flow's messages, waiting past the others.
	res = do(t, s, "GET", "/sim/handsets/0912345678/messages?purpose=login", "", auth...)
	require.Equal(t, 200, res.status, res.raw)
	require.Len(t, res.body["messages"], 1)
	assert.Equal(t, "222222", res.body["messages"].([]any)[0].(map[string]any)["otp"])
	res = do(t, s, "GET", "/sim/handsets/0912345678/messages?purpose=recovery&wait=0.05", "", auth...)
	require.Equal(t, 200, res.status, res.raw)
	assert.Equal(t, []any{}, res.body["messages"], "no recovery message: empty once the wait is over")

	res = do(t, s, "GET", "/sim/handsets/0912345678/messages?after=2&wait=1.5", "", auth...)
	require.Equal(t, 200, res.status)
	assert.Equal(t, []any{}, res.body["messages"], "an empty inbox is an empty list, not null")
	assert.Equal(t, 1500*time.Millisecond, inbox.lastWait)

	res = do(t, s, "GET", "/sim/handsets/0912345678/messages?wait=3600", "", auth...)
	require.Equal(t, 200, res.status)
	assert.Equal(t, 2*time.Second, inbox.lastWait, "wait is capped at MaxWait")

	for _, q := range []struct{ query, field string }{
		{"after=-1", "after"}, {"after=x", "after"}, {"purpose=" + strings.Repeat("x", 33), "purpose"}, {"wait=-2", "wait"}, {"wait=NaN", "wait"}, {"wait=Inf", "wait"}, {"wait=1e400", "wait"},
	} {
		res := do(t, s, "GET", "/sim/handsets/0912345678/messages?"+q.query, "", auth...)
		assert.Equal(t, 400, res.status, q.query)
		assert.Equal(t, q.field, errField(res, "field"), q.query)
	}

	inbox.err = reference.Errorf(reference.ENotFound, "no such handset")
	res = do(t, s, "GET", "/sim/handsets/0000000000/messages", "", auth...)
	assert.Equal(t, 404, res.status)
}

// TestShutdownEndsLongPoll checks that a pending long-poll returns when the server shuts
// down, so that draining does not wait for it.
func TestShutdownEndsLongPoll(t *testing.T) {
	inbox := &fakeInbox{block: true}
	s, err := httpapi.New(httpapi.Config{API: &fakeAPI{}, OperatorToken: opToken, Sim: true, Inbox: inbox, MaxWait: time.Hour})
	require.NoError(t, err)
	require.NoError(t, s.Open("127.0.0.1:0"))
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", s.URL()+"/sim/handsets/0912345678/messages?wait=3600", nil)
		req.Header.Set("Authorization", "Bearer "+opToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- -1
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		done <- res.StatusCode
	}()
	require.Eventually(t, func() bool {
		inbox.mu.Lock()
		defer inbox.mu.Unlock()
		return inbox.lastWait == time.Hour
	}, 5*time.Second, 5*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.Shutdown(ctx))
	assert.Equal(t, 200, <-done)
}

func TestMetrics(t *testing.T) {
	s := mustServer(t, &fakeAPI{}, nil)
	do(t, s, "POST", "/v1/registrations/abc/verify", `{"otp":"1","password":"p","passcode":"1"}`)
	do(t, s, "POST", "/v1/registrations/def/verify", `{"otp":"1"}`)
	do(t, s, "POST", "/v1/sessions", `{"citizen_id":"1","password":"p","device_id":"d"}`)
	do(t, s, "GET", "/no/such/path/12345", "")
	gw := s.Metrics().Gateway(gatewayFunc(func(_ context.Context, m reference.SMS) error {
		if m.To == "0000000000" {
			return errors.New("refused")
		}
		return nil
	}))
	require.NoError(t, gw.Send(context.Background(), reference.SMS{To: "0912345678", Purpose: "registration", OTP: "999999"}))
	require.NoError(t, gw.Send(context.Background(), reference.SMS{To: "0912345678", Purpose: "notice"}))
	require.Error(t, gw.Send(context.Background(), reference.SMS{To: "0000000000", Purpose: "registration", OTP: "1"}))

	res := do(t, s, "GET", "/metrics", "", auth...)
	require.Equal(t, 200, res.status)
	for _, want := range []string{
		`eidsim_http_requests_total{code="201",method="POST",outcome="ok",route="/v1/registrations/{id}/verify"} 1`,
		`eidsim_http_requests_total{code="400",method="POST",outcome="invalid_input",route="/v1/registrations/{id}/verify"} 1`,
		`eidsim_http_requests_total{code="404",method="GET",outcome="not_found",route="unmatched"} 1`,
		`eidsim_http_request_duration_seconds_bucket{outcome="ok",route="/v1/sessions",le="32"} 1`,
		`eidsim_logins_total{outcome="token"} 1`,
		`eidsim_otp_sent_total{purpose="registration"} 1`,
	} {
		assert.Contains(t, res.raw, want)
	}
	assert.NotContains(t, res.raw, `purpose="notice"`, "notices are not OTPs")
	for _, raw := range []string{"abc", "def", "12345"} {
		assert.NotContains(t, res.raw, raw, "raw paths never become labels")
	}
}

type gatewayFunc func(context.Context, reference.SMS) error

func (f gatewayFunc) Send(ctx context.Context, m reference.SMS) error { return f(ctx, m) }

func TestAccessLog_NoSecrets(t *testing.T) {
	var buf bytes.Buffer
	s, err := httpapi.New(httpapi.Config{API: &fakeAPI{err: errors.New("internal detail")}, OperatorToken: opToken,
		Logger: slogJSON(&buf)})
	require.NoError(t, err)
	do(t, s, "POST", "/v1/sessions", `{"citizen_id":"001090000001","password":"Sup3r!secret","device_id":"d"}`)
	do(t, s, "GET", "/v1/me", "", "Authorization", "Bearer tok-very-secret")
	log := buf.String()
	assert.Contains(t, log, `"route":"/v1/sessions"`)
	assert.Contains(t, log, `"status":500`)
	assert.Contains(t, log, `"error":"internal"`)
	assert.Contains(t, log, `"cause":"internal detail"`, "internal causes are logged, not shown")
	assert.NotContains(t, log, "Sup3r!secret")
	assert.NotContains(t, log, "tok-very-secret")
}

// TestShutdownDrainTimeout checks that a request still running when the drain time ends
// does not hold Shutdown: its connection is closed and Shutdown reports the timeout.
func TestShutdownDrainTimeout(t *testing.T) {
	api := &fakeAPI{block: make(chan struct{})}
	defer close(api.block)
	s, err := httpapi.New(httpapi.Config{API: api, OperatorToken: opToken})
	require.NoError(t, err)
	require.NoError(t, s.Open("127.0.0.1:0"))
	done := make(chan error, 1)
	go func() {
		res, err := http.Post(s.URL()+"/v1/registrations", "application/json", strings.NewReader(calls[0].body))
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool {
		api.mu.Lock()
		defer api.mu.Unlock()
		return api.lastCall == "Register"
	}, 5*time.Second, 5*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, s.Shutdown(ctx), context.DeadlineExceeded)
	assert.Error(t, <-done, "the stuck request's connection is closed")
}

func TestMiddleware(t *testing.T) {
	s, err := httpapi.New(httpapi.Config{API: &fakeAPI{}, OperatorToken: opToken,
		Middleware: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/extra" {
					w.WriteHeader(http.StatusTeapot)
					return
				}
				w.Header().Set("X-Wrapped", "1")
				next.ServeHTTP(w, r)
			})
		}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusTeapot, do(t, s, "GET", "/extra", "").status)
	res := do(t, s, "GET", "/healthz", "")
	assert.Equal(t, 200, res.status)
	assert.Equal(t, "1", res.header.Get("X-Wrapped"))
}
