package httpapi

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// Codes the HTTP layer adds to the domain's codes; they never come from reference.API.
const (
	// CodeMethodNotAllowed is a known path called with a method it does not serve (405, with
	// an Allow header).
	CodeMethodNotAllowed = "method_not_allowed"
	// CodeUnsupportedMediaType is a request body whose Content-Type is not one the route
	// reads (415). Requiring application/json means a web page cannot make a browser post to
	// the service without a CORS preflight, which the service never answers.
	CodeUnsupportedMediaType = "unsupported_media_type"
	// CodePayloadTooLarge is a body longer than the route accepts (413); only PUT /sim/faults
	// answers it (the API's JSON bodies answer invalid_input, see MaxBodyBytes).
	CodePayloadTooLarge = "payload_too_large"
)

// statuses maps every error code to its HTTP status. It is the only place where codes meet
// statuses; a code missing here is answered as 500 internal.
var statuses = map[string]int{
	reference.EInvalidInput:          http.StatusBadRequest,
	reference.EUnauthorized:          http.StatusUnauthorized,
	reference.EInvalidCredentials:    http.StatusUnauthorized,
	reference.EForbidden:             http.StatusForbidden,
	reference.EAccountNotActive:      http.StatusForbidden,
	reference.ENotFound:              http.StatusNotFound,
	CodeMethodNotAllowed:             http.StatusMethodNotAllowed,
	CodeUnsupportedMediaType:         http.StatusUnsupportedMediaType,
	CodePayloadTooLarge:              http.StatusRequestEntityTooLarge,
	reference.EAccountExists:         http.StatusConflict,
	reference.EPhoneInUse:            http.StatusConflict,
	reference.EOTPExpired:            http.StatusGone,
	reference.EIdentityMismatch:      http.StatusUnprocessableEntity,
	reference.EPhoneNotOwner:         http.StatusUnprocessableEntity,
	reference.EOTPInvalid:            http.StatusUnprocessableEntity,
	reference.EWeakPassword:          http.StatusUnprocessableEntity,
	reference.EBiometricMismatch:     http.StatusUnprocessableEntity,
	reference.EAccountLocked:         http.StatusLocked,
	reference.ERateLimited:           http.StatusTooManyRequests,
	reference.EOTPAttemptsExceeded:   http.StatusTooManyRequests,
	reference.EResendTooSoon:         http.StatusTooManyRequests,
	reference.EResendLimit:           http.StatusTooManyRequests,
	reference.EOTPChallengesExceeded: http.StatusTooManyRequests,
	reference.EInternal:              http.StatusInternalServerError,
	reference.EUnavailable:           http.StatusServiceUnavailable,
	reference.EOverloaded:            http.StatusServiceUnavailable,
}

// StatusOf returns the HTTP status for an error code; unknown codes are 500.
func StatusOf(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Codes returns every error code the API can answer with, for documentation and tests.
func Codes() []string {
	out := make([]string, 0, len(statuses))
	for c := range statuses {
		out = append(out, c)
	}
	return out
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error map[string]any `json:"error"`
}

// reservedKeys may not be overwritten by an error's extra fields.
var reservedKeys = map[string]bool{"code": true, "message": true}

// errorResponse turns err into its status, body and code. Errors that are not
// *reference.Error are internal: the client sees only "internal error".
func errorResponse(err error) (status int, body errorBody, code string) {
	code = reference.ErrorCode(err)
	status = StatusOf(code)
	if _, known := statuses[code]; !known {
		code = reference.EInternal
	}
	obj := map[string]any{"code": code, "message": reference.ErrorMessage(err)}
	var e *reference.Error
	if errors.As(err, &e) && code != reference.EInternal {
		for k, v := range e.Fields {
			if reservedKeys[k] {
				continue
			}
			if d, ok := v.(time.Duration); ok {
				v = int64(math.Ceil(d.Seconds())) // durations are whole seconds on the wire
			}
			obj[k] = v
		}
	}
	if code == reference.EInternal {
		obj["message"] = "internal error"
	}
	return status, errorBody{Error: obj}, code
}

// retryAfter derives the Retry-After header value (whole seconds, at least 1) from an error's
// retry_after (seconds, a duration, a time or an RFC 3339 text) or locked_until field.
func retryAfter(fields map[string]any, now time.Time) (string, bool) {
	for _, key := range []string{"retry_after", "locked_until"} {
		v, ok := fields[key]
		if !ok {
			continue
		}
		if secs, ok := secondsOf(v, now); ok {
			return strconv.FormatInt(max(1, int64(math.Ceil(secs))), 10), true
		}
	}
	return "", false
}

func secondsOf(v any, now time.Time) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case time.Duration:
		return x.Seconds(), true
	case time.Time:
		return x.Sub(now).Seconds(), true
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.Sub(now).Seconds(), true
		}
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, true
		}
	}
	return 0, false
}
