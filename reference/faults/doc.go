// Package faults injects failures into a running reference service, switchable at run time
// through the simulated world's control plane (GET/PUT/DELETE /sim/faults, served by the HTTP
// API behind the operator token) and from scenario files (a timeline of fault settings, see
// Timeline):
//
//   - SMS: per-carrier extra delay (a lognormal by P50/P95), loss probability and submit rate,
//     and outage windows — handed to the telco simulator (smsfault.Setting);
//   - routes: added latency (fixed plus uniform jitter) and an error rate with a chosen status
//     on requests whose path starts with a given prefix (and optionally a method);
//   - the OpenID Connect provider unavailable (503 on /oidc/ and discovery);
//   - clock skew: the provider's ID-token times, and the service clock when it is wrapped in
//     Clock, run ahead (or behind) by the skew.
//
// Every change is appended to a journal — when, from where (control plane, scenario file,
// reset) and the full setting — which GET /sim/faults returns and which run manifests record,
// so that every injected fault of a run is on file; the last MaxJournal changes are kept. A
// setting is bounded (MaxSpecBytes, MaxRoutes, MaxCarriers, MaxOutages, MaxLatency,
// MaxClockSkew). The control plane itself (/sim/) is never impaired.
package faults
