package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"

	"github.com/eidsim/eidsim/reference"
)

// operator admits only requests that carry the operator token as a bearer token: the counter
// routes, the simulated world (/sim/) and /metrics. The tokens are compared as SHA-256
// digests in constant time, so neither content nor length leaks. A refusal is 401
// unauthorized with WWW-Authenticate: Bearer.
func (s *Server) operator(h handlerFunc) handlerFunc {
	want := sha256.Sum256([]byte(s.token))
	return func(w http.ResponseWriter, r *http.Request) error {
		tok, ok := bearer(r)
		got := sha256.Sum256([]byte(tok))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="eidsim-operator"`)
			return errorf(reference.EUnauthorized, "operator token required")
		}
		return h(w, r)
	}
}

// enroll handles POST /v1/counter/enrollments: level-2 enrolment.
func (s *Server) enroll(w http.ResponseWriter, r *http.Request) error {
	var req reference.EnrollRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID, "phone", req.Phone,
		"station_id", req.StationID, "capture", req.Capture); err != nil {
		return err
	}
	e, err := s.api.Enroll(r.Context(), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, e)
}

// changePhone handles POST /v1/counter/phone-changes.
func (s *Server) changePhone(w http.ResponseWriter, r *http.Request) error {
	var req reference.PhoneChangeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID, "new_phone", req.NewPhone, "capture", req.Capture); err != nil {
		return err
	}
	acc, err := s.api.ChangePhone(r.Context(), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, acc)
}

// counterPasswordReset handles POST /v1/counter/password-resets: an activation OTP goes to
// the account's phone.
func (s *Server) counterPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var req reference.CounterRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID, "capture", req.Capture); err != nil {
		return err
	}
	t, err := s.api.CounterPasswordReset(r.Context(), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusAccepted, ticketBody("activation_id", t))
}

// unlock handles POST /v1/counter/unlocks.
func (s *Server) unlock(w http.ResponseWriter, r *http.Request) error {
	var req reference.CounterRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID, "capture", req.Capture); err != nil {
		return err
	}
	acc, err := s.api.Unlock(r.Context(), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, acc)
}
