package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// ticketBody is the answer of a call that sent an OTP: {"<flow>_id": …, "otp_expires_at": …}.
func ticketBody(idName string, t *reference.Ticket) json.RawMessage {
	id, _ := json.Marshal(t.ID)
	exp, _ := json.Marshal(t.ExpiresAt.UTC().Format(time.RFC3339))
	return json.RawMessage(fmt.Sprintf(`{%q:%s,"otp_expires_at":%s}`, idName, id, exp))
}

// register handles POST /v1/registrations: level-1 self-registration.
func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	var req reference.RegisterRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID, "full_name", req.FullName,
		"birth_date", req.BirthDate, "phone", req.Phone, "device_id", req.DeviceID); err != nil {
		return err
	}
	t, err := s.api.Register(r.Context(), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusAccepted, ticketBody("registration_id", t))
}

// verifyRegistration handles POST /v1/registrations/{id}/verify.
func (s *Server) verifyRegistration(w http.ResponseWriter, r *http.Request) error {
	var req reference.VerifyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("otp", req.OTP, "password", req.Password, "passcode", req.Passcode); err != nil {
		return err
	}
	acc, err := s.api.VerifyRegistration(r.Context(), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, acc)
}

// login handles POST /v1/sessions: a token on the bound device, an OTP challenge on a new one.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req reference.LoginRequest
	if err := decode(w, r, &req); err != nil {
		s.metrics.login(reference.EInvalidInput)
		return err
	}
	if err := required("citizen_id", req.CitizenID, "password", req.Password, "device_id", req.DeviceID); err != nil {
		s.metrics.login(reference.EInvalidInput)
		return err
	}
	res, err := s.api.Login(r.Context(), req)
	switch {
	case err != nil:
		s.metrics.login(loginOutcome(err))
		return err
	case res.Token != nil:
		s.metrics.login("token")
		return respond(w, http.StatusCreated, res.Token)
	case res.Challenge != nil:
		s.metrics.login("challenge")
		return respond(w, http.StatusAccepted, ticketBody("challenge_id", res.Challenge))
	}
	s.metrics.login(reference.EInternal)
	return errorf(reference.EInternal, "login returned neither a token nor a challenge")
}

// loginOutcome is the eidsim_logins_total label of a failed login: its code, bounded to the
// codes of the status table.
func loginOutcome(err error) string {
	code := reference.ErrorCode(err)
	if _, ok := statuses[code]; !ok {
		return reference.EInternal
	}
	return code
}

// verifyLogin handles POST /v1/sessions/challenges/{id}: the new device's OTP.
func (s *Server) verifyLogin(w http.ResponseWriter, r *http.Request) error {
	var req reference.OTPRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("otp", req.OTP); err != nil {
		return err
	}
	tok, err := s.api.VerifyLogin(r.Context(), r.PathValue("id"), req.OTP)
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, tok)
}

// startRecovery handles POST /v1/recoveries: the same answer whether or not the data matched.
func (s *Server) startRecovery(w http.ResponseWriter, r *http.Request) error {
	var req reference.RecoveryRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID, "phone", req.Phone,
		"full_name", req.FullName, "birth_date", req.BirthDate); err != nil {
		return err
	}
	t, err := s.api.StartRecovery(r.Context(), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusAccepted, ticketBody("recovery_id", t))
}

// verifyRecovery handles POST /v1/recoveries/{id}/verify.
func (s *Server) verifyRecovery(w http.ResponseWriter, r *http.Request) error {
	var req reference.RecoveryVerifyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("otp", req.OTP, "new_password", req.NewPassword); err != nil {
		return err
	}
	id, err := s.api.VerifyRecovery(r.Context(), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, map[string]string{"citizen_id": id})
}

// startActivation handles POST /v1/activations.
func (s *Server) startActivation(w http.ResponseWriter, r *http.Request) error {
	var req reference.ActivationRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID, "phone", req.Phone, "device_id", req.DeviceID); err != nil {
		return err
	}
	t, err := s.api.StartActivation(r.Context(), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusAccepted, ticketBody("activation_id", t))
}

// verifyActivation handles POST /v1/activations/{id}/verify.
func (s *Server) verifyActivation(w http.ResponseWriter, r *http.Request) error {
	var req reference.VerifyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("otp", req.OTP, "password", req.Password, "passcode", req.Passcode); err != nil {
		return err
	}
	acc, err := s.api.VerifyActivation(r.Context(), r.PathValue("id"), req)
	if err != nil {
		return err
	}
	return respond(w, http.StatusCreated, acc)
}

// resend handles POST /v1/otp/{id}/resend. The body is empty or {}.
func (s *Server) resend(w http.ResponseWriter, r *http.Request) error {
	if err := decodeEmpty(w, r); err != nil {
		return err
	}
	exp, err := s.api.Resend(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return respond(w, http.StatusAccepted, map[string]string{"otp_expires_at": exp.UTC().Format(time.RFC3339)})
}

// me handles GET /v1/me with the citizen's bearer token.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	tok, ok := bearer(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="eidsim"`)
		return errorf(reference.EUnauthorized, "bearer access token required")
	}
	p, err := s.api.Me(r.Context(), tok)
	if err != nil {
		if reference.ErrorCode(err) == reference.EUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="eidsim", error="invalid_token"`)
		}
		return err
	}
	return respond(w, http.StatusOK, p)
}

// bearer returns the token of an "Authorization: Bearer TOKEN" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
