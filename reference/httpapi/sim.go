package httpapi

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/eidsim/eidsim/reference"
)

// messages handles GET /sim/handsets/{phone}/messages?after=ID&wait=SECONDS&purpose=P: the
// handset's messages with an ID above after (and, with purpose, only those the flow P sent:
// registration, login, recovery, …), long-polling up to wait seconds (capped at MaxWait) when
// there are none yet. The answer is {"messages": [...]}, possibly empty.
func (s *Server) messages(w http.ResponseWriter, r *http.Request) error {
	phone := r.PathValue("phone")
	q := r.URL.Query()
	var after int64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return reference.InvalidField("after", "must be a message ID (a whole number ≥ 0)")
		}
		after = n
	}
	var wait time.Duration
	if v := q.Get("wait"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return reference.InvalidField("wait", "must be a number of seconds ≥ 0")
		}
		wait = s.maxWait
		if f < s.maxWait.Seconds() {
			wait = time.Duration(f * float64(time.Second))
		}
	}
	purpose := q.Get("purpose")
	if len(purpose) > 32 {
		return reference.InvalidField("purpose", "must be a flow name such as login or recovery")
	}
	// A long-poll ends when the client goes away or the server shuts down.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.closing, cancel)
	defer stop()

	deadline := time.Now().Add(wait)
	var msgs []Message
	for {
		got, err := s.inbox.Messages(ctx, phone, after, wait)
		if err != nil && ctx.Err() != nil && s.closing.Err() != nil {
			// Cut short by shutdown: answer what there is (nothing) rather than an error.
			got, err = nil, nil
		}
		if err != nil {
			return err
		}
		msgs = ofPurpose(got, purpose)
		// Messages of other flows arrived while waiting: wait on past them for the rest.
		if len(msgs) > 0 || len(got) == 0 || purpose == "" {
			break
		}
		after = got[len(got)-1].ID
		if wait = time.Until(deadline); wait <= 0 {
			break
		}
	}
	if msgs == nil {
		msgs = []Message{}
	}
	return respond(w, http.StatusOK, map[string]any{"messages": msgs})
}

// ofPurpose returns the messages sent by flow purpose; all of them when purpose is "".
func ofPurpose(msgs []Message, purpose string) []Message {
	if purpose == "" {
		return msgs
	}
	out := msgs[:0:0]
	for _, m := range msgs {
		if m.Purpose == purpose {
			out = append(out, m)
		}
	}
	return out
}

// browserTruster is implemented by a service with web-login browser bindings
// (reference.Service.TrustBrowser).
type browserTruster interface {
	TrustBrowser(ctx context.Context, citizenID string) (string, error)
}

// browser handles POST /sim/browsers: a browser the citizen signed in with before, as the
// value of its device cookie (eidsim_device, path /oidc/), so that a load scenario can measure
// web logins from a bound browser without an OTP login first for every citizen. The value
// is replaced at each login of that browser, as a real one's is.
func (s *Server) browser(w http.ResponseWriter, r *http.Request) error {
	var req reference.CaptureRequest // {"citizen_id": …}
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID); err != nil {
		return err
	}
	tb, ok := s.api.(browserTruster)
	if !ok {
		return reference.Errorf(reference.ENotFound, "this service has no web-login browser bindings")
	}
	v, err := tb.TrustBrowser(r.Context(), req.CitizenID)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, map[string]string{"browser": v})
}

// capture handles POST /sim/captures: what a station's scanner captures from the person.
func (s *Server) capture(w http.ResponseWriter, r *http.Request) error {
	var req reference.CaptureRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("citizen_id", req.CitizenID); err != nil {
		return err
	}
	c, err := s.api.Capture(r.Context(), req.CitizenID)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, map[string]string{"capture": c})
}

// settings handles GET /sim/settings: the service's recorded parameters (password hashing and
// its cost, the password pool, the policies, the store), which load runs write into their
// manifests. It belongs to the simulated world because a production system would not say.
func (s *Server) settings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.api.Settings(r.Context())
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, st)
}
