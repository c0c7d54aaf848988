package cluster

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/telco"
)

// Paths of the telco process's HTTP interface.
const (
	// SendPath: POST a reference.SMS (JSON); 202 when accepted, else a refusal (see refusal).
	SendPath = "/telco/send"
	// InboxPath: GET …/{phone}/messages?after=ID&wait=SECONDS, {"messages": [telco.Message]}.
	InboxPath = "/telco/handsets/"
	// MaxWait caps an inbox long-poll on the telco process.
	MaxWait = 30 * time.Second
)

// Inbox reads the handsets' messages; *telco.Sim implements it.
type Inbox interface {
	Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]telco.Message, error)
}

// refusal is the JSON body of a refused submission or a bad request.
type refusal struct {
	// Kind is invalid_destination, outage, throttled, queue_full, or bad_request.
	Kind         string `json:"kind"`
	Message      string `json:"message"`
	Phone        string `json:"phone,omitempty"`
	Carrier      string `json:"carrier,omitempty"`
	Status       uint32 `json:"command_status,omitempty"`
	RetryAfterMS int64  `json:"retry_after_ms,omitempty"`
	// Code and Fields carry a *reference.Error (kind "domain"), such as an invalid phone.
	Code   string         `json:"code,omitempty"`
	Fields map[string]any `json:"fields,omitempty"`
}

var kinds = []struct {
	kind string
	err  error
}{
	{"invalid_destination", telco.ErrInvalidDestination},
	{"outage", telco.ErrOutage},
	{"throttled", telco.ErrThrottled},
	{"queue_full", telco.ErrQueueFull},
}

// TelcoHandler serves gw (the simulated network's SMSC) and inbox over HTTP to the service
// instances, behind the bearer token (required, compared in constant time). GET /healthz
// answers 200 without the token, for a supervisor. GET /metrics (behind the token) serves
// metrics when it is not nil: the telco's own, which the instances' /metrics do not have.
func TelcoHandler(gw reference.Gateway, inbox Inbox, token string, metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST "+SendPath, func(w http.ResponseWriter, r *http.Request) {
		var msg reference.SMS
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&msg); err != nil {
			writeJSON(w, http.StatusBadRequest, refusal{Kind: "bad_request", Message: "body: " + err.Error()})
			return
		}
		err := gw.Send(r.Context(), msg)
		if err == nil {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		ref := refusal{Kind: "error", Message: err.Error()}
		var se *telco.SubmitError
		if errors.As(err, &se) {
			ref.Phone, ref.Carrier, ref.Status, ref.RetryAfterMS = se.Phone, se.Carrier, se.Status, se.RetryAfter.Milliseconds()
			for _, k := range kinds {
				if errors.Is(err, k.err) {
					ref.Kind = k.kind
				}
			}
		}
		writeJSON(w, http.StatusServiceUnavailable, ref)
	})
	mux.HandleFunc("GET "+InboxPath+"{phone}/messages", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after, err := strconv.ParseInt(q.Get("after"), 10, 64)
		if q.Get("after") == "" {
			after, err = 0, nil
		}
		if err != nil || after < 0 {
			writeJSON(w, http.StatusBadRequest, refusal{Kind: "bad_request", Message: "after: must be a message ID ≥ 0"})
			return
		}
		var wait time.Duration
		if v := q.Get("wait"); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
				writeJSON(w, http.StatusBadRequest, refusal{Kind: "bad_request", Message: "wait: must be seconds ≥ 0"})
				return
			}
			wait = min(MaxWait, time.Duration(f*float64(time.Second)))
		}
		msgs, err := inbox.Messages(r.Context(), r.PathValue("phone"), after, wait)
		if err != nil {
			if r.Context().Err() != nil {
				return // the caller went away
			}
			ref := refusal{Kind: "bad_request", Message: err.Error()}
			var re *reference.Error
			if errors.As(err, &re) {
				ref = refusal{Kind: "domain", Code: re.Code, Message: re.Message, Fields: re.Fields}
			}
			writeJSON(w, http.StatusBadRequest, ref)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" && !bearer(r, token) {
			writeJSON(w, http.StatusUnauthorized, refusal{Kind: "unauthorized", Message: "the telco needs its bearer token"})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func bearer(r *http.Request, token string) bool {
	const p = "Bearer "
	h := r.Header.Get("Authorization")
	return token != "" && len(h) > len(p) && h[:len(p)] == p &&
		subtle.ConstantTimeCompare([]byte(h[len(p):]), []byte(token)) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
