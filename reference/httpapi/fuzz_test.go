package httpapi_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

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
