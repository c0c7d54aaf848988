package httpapi_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/eidsim/eidsim/reference/faults"
	"github.com/eidsim/eidsim/reference/httpapi"
)

// fuzzRoute feeds arbitrary bodies to one route and checks that the answer is never a 5xx
// and that every error is well formed: {"error":{"code","message"}} with the code's status.
func fuzzRoute(f *testing.F, method, path string, header []string, seeds ...string) {
	f.Helper()
	for _, s := range append(seeds, ``, `{}`, `null`, `[]`, `{"a":1}`, `{"citizen_id":1}`, `{"otp":["1"]}`,
		`{"`+strings.Repeat("x", 100)+`":""}`, "\xff\xfe", `{"citizen_id":"1"}{"citizen_id":"1"}`, `{"citizen_id":"\u0000"}`) {
		f.Add([]byte(s))
	}
	s := mustServer(f, &fakeAPI{}, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: status %d: %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code < 400 {
			return
		}
		var e struct {
			Error map[string]any `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
			t.Fatalf("error body %q is not JSON: %v", rec.Body, err)
		}
		code, _ := e.Error["code"].(string)
		msg, _ := e.Error["message"].(string)
		if code == "" || msg == "" {
			t.Fatalf("error body %q lacks code or message", rec.Body)
		}
		if got := httpapi.StatusOf(code); got != rec.Code {
			t.Fatalf("status %d for code %s; the table says %d", rec.Code, code, got)
		}
	})
}

func FuzzDecodeRegister(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/registrations", nil, calls[0].body)
}

func FuzzDecodeVerify(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/registrations/r/verify", nil, calls[1].body)
}

func FuzzDecodeLogin(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/sessions", nil, calls[2].body)
}

func FuzzDecodeOTP(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/sessions/challenges/c", nil, calls[3].body)
}

func FuzzDecodeRecovery(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/recoveries", nil, calls[4].body)
}

func FuzzDecodeRecoveryVerify(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/recoveries/r/verify", nil, calls[5].body)
}

func FuzzDecodeActivation(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/activations", nil, calls[6].body)
}

func FuzzDecodeActivationVerify(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/activations/a/verify", nil, calls[7].body)
}

func FuzzDecodeResend(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/otp/o/resend", nil, ` {} `)
}

func FuzzDecodeEnroll(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/counter/enrollments", auth, calls[10].body)
}

func FuzzDecodePhoneChange(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/counter/phone-changes", auth, calls[11].body)
}

func FuzzDecodeCounter(f *testing.F) {
	fuzzRoute(f, "POST", "/v1/counter/unlocks", auth, calls[13].body)
}

func FuzzDecodeCapture(f *testing.F) {
	fuzzRoute(f, "POST", "/sim/captures", auth, calls[14].body)
}

// FuzzFaultsPut feeds arbitrary settings (YAML or JSON) to PUT /sim/faults: never a 5xx, every
// error well formed, and a refused setting changes nothing.
func FuzzFaultsPut(f *testing.F) {
	for _, s := range []string{`{}`, `clock_skew: 5m`, `{"routes": [{"prefix": "/v1/me", "latency": "1ms"}]}`,
		`routes: [{prefix: /sim/x}]`, `sms: {carriers: {Viettel: {loss: 0.3}}}`, `{"clock_skew": 1e400}`, "a: &a [*a, *a]", "\t\x00"} {
		f.Add([]byte(s))
	}
	ctrl := faults.New(nil, nil, 1)
	s, err := httpapi.New(httpapi.Config{API: &fakeAPI{}, OperatorToken: opToken, Sim: true, Inbox: &fakeInbox{}, Faults: ctrl})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := len(ctrl.State().Journal)
		req := httptest.NewRequest("PUT", "/sim/faults", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/yaml")
		req.Header.Set("Authorization", "Bearer "+opToken)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch {
		case rec.Code >= 500:
			t.Fatalf("%q: status %d: %s", body, rec.Code, rec.Body)
		case rec.Code != 200 && len(ctrl.State().Journal) != before:
			t.Fatalf("%q: refused with %d but journaled", body, rec.Code)
		case rec.Code != 200 && httpapi.StatusOf(errorCode(t, rec.Body.Bytes())) != rec.Code:
			t.Fatalf("%q: status %d does not match its code: %s", body, rec.Code, rec.Body)
		}
	})
}

// FuzzContentType sends a valid body with arbitrary Content-Type values: the answer is the
// API's (a JSON type) or 415, never a 5xx.
func FuzzContentType(f *testing.F) {
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "text/plain", "", ";", "application/json; charset=\"", "APPLICATION/JSON;;"} {
		f.Add(ct)
	}
	s := mustServer(f, &fakeAPI{}, nil)
	f.Fuzz(func(t *testing.T, ct string) {
		req := httptest.NewRequest("POST", "/v1/sessions", strings.NewReader(calls[2].body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 201 && rec.Code != 415 {
			t.Fatalf("Content-Type %q: status %d: %s", ct, rec.Code, rec.Body)
		}
	})
}

// errorCode returns the code of an error body, failing t when the body is not one.
func errorCode(t *testing.T, b []byte) string {
	t.Helper()
	var e struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", b, err)
	}
	code, _ := e.Error["code"].(string)
	return code
}
