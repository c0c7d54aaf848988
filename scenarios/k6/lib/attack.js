// attack.js — the instrument of the adversarial scenarios (attack-*.js). They measure what the
// service does against an attacker; they never depend on a particular defence, so the same
// script shows an attack succeeding against an undefended service and failing against a
// defended one. eidsim load reduces the metrics below to attack.json (results/attack.go).
//
// Metrics (every one tagged with the attack vector):
//   eidsim_attack_req{vector, role, status, code, ra[, truth]}  Trend, one point per request:
//       the latency the client saw (ms, timeouts included); role is attacker, victim or
//       harness; code is the API error code ('' on success); ra is 'y' when the answer
//       carried Retry-After. The point's time minus its value is the request's start.
//   eidsim_attack_try{vector, result}     Counter, one per attacker attempt: success, fail
//       (the service evaluated it and said no), refused (a defence answered instead) or
//       unknown (a uniform answer the harness could not check).
//   eidsim_attack_target{vector, result}  Counter, one per target: compromised or safe.
//   eidsim_enum_obs{vector, truth, sig}   Counter, one per enumeration observation: what the
//       attacker saw (sig) for an ID whose truth (account or none) the harness knows.
//   eidsim_attack_server{gauge}           Trend, the service's own process figures from
//       /metrics (rss_bytes, open_fds, goroutines, queue), read by the harness.
//
// The attacker never holds the operator token. The harness (ground truth: a victim's inbox,
// the service's /metrics) sends it when one is given (--operator-token), unless
// EIDSIM_SIM_AUTH=0: simAuth() is the one switch.
import http from 'k6/http';
import { Trend, Counter } from 'k6/metrics';
import { cfg } from './config.js';
import { METRIC } from './metrics.js';

export const attackReq = new Trend(METRIC.attackReq, true);
export const attackTry = new Counter(METRIC.attackTry);
export const attackTarget = new Counter(METRIC.attackTarget);
export const enumObs = new Counter(METRIC.enumObs);
export const serverGauge = new Trend(METRIC.attackServer);

export const ATTACKER = 'attacker';
export const VICTIM = 'victim';
export const HARNESS = 'harness';

// simAuth returns the headers of the harness's own calls to /sim/ and /metrics: the operator
// token as a bearer token when one is given and EIDSIM_SIM_AUTH is not '0'. Never use it on an
// attacker's request.
export function simAuth() {
  if (__ENV.EIDSIM_SIM_AUTH === '0' || !cfg.operatorToken) return {};
  return { Authorization: `Bearer ${cfg.operatorToken}` };
}

// Every answer below 500 is an answer of the contract (a refusal is the point of an attack);
// only 5xx and transport errors count in http_req_failed.
const EXPECTED = http.expectedStatuses({ min: 200, max: 499 });

// call sends one request and records it in eidsim_attack_req. o: vector, role, step (the
// k6 step tag; default the vector), body (an object, sent as JSON), headers, timeout, truth.
// It returns {status, body (parsed or null), code, ra (Retry-After present), retryAfter, ms}.
export function call(method, path, o) {
  const t0 = Date.now();
  const res = http.request(method, cfg.target + path, o.body === undefined ? null : JSON.stringify(o.body), params(method, o));
  return record(res, o, Date.now() - t0);
}

// batch sends the requests [method, path, o] of reqs at once (http.batch, all in flight
// together, started in order) and records each answer as call does (the points all carry
// the batch's end time, so their derived start times are approximate).
export function batch(reqs) {
  const t0 = Date.now();
  const res = http.batch(reqs.map(([method, path, o]) => ({ method, url: cfg.target + path, body: o.body === undefined ? null : JSON.stringify(o.body), params: params(method, o) })));
  const wall = Date.now() - t0;
  return res.map((r, i) => record(r, reqs[i][2], wall));
}

// params are a request's k6 parameters: every POST says it sends JSON (as lib/api.js does).
function params(method, o) {
  const headers = Object.assign(method === 'POST' || o.body !== undefined ? { 'Content-Type': 'application/json' } : {}, o.headers || {});
  const step = o.step || o.vector;
  return { headers, tags: { step, name: step, vector: o.vector, role: o.role }, timeout: o.timeout || '60s', responseCallback: EXPECTED };
}

// record parses an answer and adds its eidsim_attack_req point; wall is the fallback latency.
function record(res, o, wall) {
  const t = res.timings || {};
  let ms = (t.blocked || 0) + (t.connecting || 0) + (t.tls_handshake || 0) + (t.duration || 0);
  if (res.status === 0 || !(ms > 0)) ms = Math.max(ms || 0, wall);
  let body = null;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch (e) {
    body = null;
  }
  const code = body && body.error && typeof body.error.code === 'string' ? body.error.code : '';
  const ra = header(res, 'Retry-After');
  const tags = { vector: o.vector, role: o.role, status: String(res.status), code, ra: ra === undefined ? 'n' : 'y' };
  if (o.truth) tags.truth = o.truth;
  attackReq.add(ms, tags);
  return { status: res.status, body, code, ra: ra !== undefined, retryAfter: ra, ms, res };
}

function header(res, name) {
  const h = res.headers || {};
  if (h[name] !== undefined) return h[name];
  const low = name.toLowerCase();
  for (const k of Object.keys(h)) if (k.toLowerCase() === low) return h[k];
  return undefined;
}

// attempt counts one attacker attempt: 'success', 'fail', 'refused' or 'unknown'.
export function attempt(vector, result) { attackTry.add(1, { vector, result }); }

// target counts one target of the attack: compromised (true) or safe.
export function target(vector, compromised) { attackTarget.add(1, { vector, result: compromised ? 'compromised' : 'safe' }); }

// observe records what an enumerating attacker saw for an ID of known truth.
export function observe(vector, truth, sig) { enumObs.add(1, { vector, truth, sig }); }

// signature is the shape of an answer as an attacker can compare it: status, error code,
// the sorted keys of the body (and of its error object) and whether Retry-After was sent.
export function signature(a) {
  const keys = (o) => (o && typeof o === 'object' ? Object.keys(o).sort().join(',') : '');
  const err = a.body && a.body.error ? a.body.error : null;
  return `${a.status}|${a.code}|${keys(a.body)}|${keys(err)}|ra=${a.ra ? 'y' : 'n'}`;
}

// refusedBy reports whether an answer is a defence rather than a verdict on the attempt: a
// lock, a throttle, an overload refusal, a missing token, a refused body type.
export function refusedBy(a) {
  return a.status === 0 || a.status === 403 || a.status === 415 || a.status === 423 || a.status === 429 || a.status >= 500 ||
    (a.status === 401 && a.code !== 'invalid_credentials');
}

// scrape reads the service's /metrics as the harness (simAuth) and returns the sum of every
// sample per metric name, or null when /metrics does not answer 200 (moved, protected).
export function scrape(vector, headers) {
  const res = http.get(cfg.target + '/metrics', { headers: headers === undefined ? simAuth() : headers, tags: { step: 'S01_Harness_Metrics', name: 'S01_Harness_Metrics', vector }, responseCallback: EXPECTED, timeout: '10s' });
  if (res.status !== 200 || !res.body) return null;
  return parseMetrics(res.body);
}

// parseMetrics sums the samples of a Prometheus text exposition per metric name; with
// labels, also per "name{label="value"}" for each single label.
export function parseMetrics(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (!line || line[0] === '#') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[3]);
    if (!isFinite(v)) continue;
    out[m[1]] = (out[m[1]] || 0) + v;
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[2])) !== null) {
        const k = `${m[1]}{${l[1]}="${l[2]}"}`;
        out[k] = (out[k] || 0) + v;
      }
    }
  }
  return out;
}

// policy reads the service's OTP length from GET /sim/settings as the harness; 6 when the
// service does not say.
export function otpLength() {
  const res = http.get(cfg.target + '/sim/settings', { headers: simAuth(), tags: { step: 'S01_Harness_Settings', name: 'S01_Harness_Settings' }, responseCallback: EXPECTED, timeout: '10s' });
  try {
    const n = JSON.parse(res.body).policy.otp_length;
    if (n >= 4 && n <= 10) return n;
  } catch (e) {
    // not reported
  }
  return 6;
}

// seqPhone returns the 10-digit number offset steps from phone (same prefix), or '' when
// that leaves the number's range.
export function seqPhone(phone, offset) {
  const n = Number(phone.slice(3)) + offset;
  if (!/^0[0-9]{9}$/.test(phone) || n < 0 || n > 9999999) return '';
  return phone.slice(0, 3) + String(n).padStart(7, '0');
}

// fakeID returns a 12-digit citizen ID that no citizen of the population has: the province
// code 999 does not exist.
export function fakeID(r) {
  let s = '999';
  for (let i = 0; i < 9; i++) s += Math.floor(r() * 10);
  return s;
}
