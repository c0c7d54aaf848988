// Package httpapi is the HTTP API of the reference identity service: the citizen's app calls
// under /v1/, the police counter under /v1/counter/, the simulated world under /sim/ (handset
// inboxes, the station scanner, the settings and the fault control plane; can be switched
// off), and operations (/healthz, /readyz, /metrics). The counter, every /sim/ route and
// /metrics need the operator bearer token (401 with WWW-Authenticate: Bearer otherwise); a
// request body anywhere must be application/json (/sim/faults also YAML), else 415.
//
// The package translates HTTP to calls of reference.API and back and knows nothing about how
// the service is built: the domain, the store and the telco simulator are wired together in
// cmd/eidsim. Every handler reads decode → validate → call → respond. Errors come from the
// domain as *reference.Error and are written as
//
//	{"error": {"code": "otp_invalid", "message": "…", "attempts_left": 3}}
//
// with the status from one table (StatusOf). Request bodies are decoded strictly: at most
// MaxBodyBytes, exactly one JSON object, no unknown fields, every field of the right type and
// every required field present; any violation is 400 invalid_input naming the field.
//
// The full contract is reference/openapi.yaml; a test keeps it and the route table (Routes)
// in step.
package httpapi
