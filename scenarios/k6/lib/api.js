// api.js — the calls of API.md, each one named step. A step name follows GOV.UK One Login's
// habit (Journey_NN_Step) and becomes the `step` tag on every metric of the request, so
// thresholds and reports are per step. expect lists the statuses that are an expected answer
// for this call (marked as such for http_req_failed); anything else is a failure.
import http from 'k6/http';
import { cfg } from './config.js';

// Steps of the citizen's app flows and the counter.
export const STEP = {
  loginPassword: 'L01_Login_01_Password',
  loginOTP: 'L01_Login_02_OTP',
  loginMe: 'L01_Login_03_Me',
  registerStart: 'R01_Register_01_Start',
  registerVerify: 'R01_Register_02_Verify',
  recoverGuess: 'C01_Recover_01_ForgottenLogin',
  recoverStart: 'C01_Recover_02_Start',
  recoverVerify: 'C01_Recover_03_Verify',
  activateStart: 'A01_Activate_01_Start',
  activateVerify: 'A01_Activate_02_Verify',
  enrolCapture: 'E01_Enrol_01_Capture',
  enrolCounter: 'E01_Enrol_02_Counter',
};

// Steps of the simulated world (handset inbox long-polls); no latency NFR applies to them.
export const SIM_STEP = { inboxCursor: 'S01_Inbox_01_Cursor', inboxWait: 'S01_Inbox_02_Wait' };

const JSON_HEADERS = { 'Content-Type': 'application/json' };

// params builds a request's parameters. Every /sim/ call (the simulated world: handsets,
// scanner, settings, faults) carries the operator token, which the service requires there.
function params(path, step, expect, extra) {
  const sim = path.startsWith('/sim/') ? simHeaders() : {};
  const p = { tags: Object.assign({ step, name: step }, extra && extra.tags), headers: Object.assign({}, JSON_HEADERS, sim, extra && extra.headers) };
  if (expect) p.responseCallback = http.expectedStatuses(...expect);
  if (extra && extra.timeout) p.timeout = extra.timeout;
  return p;
}

// post sends a JSON body and returns {status, body (parsed or null), code (API error code)}.
export function post(path, payload, step, expect, extra) {
  const res = http.post(cfg.target + path, payload === undefined ? null : JSON.stringify(payload), params(path, step, expect, extra));
  return parse(res);
}

export function get(path, step, expect, extra) {
  return parse(http.get(cfg.target + path, params(path, step, expect, extra)));
}

function parse(res) {
  let body = null;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch (e) {
    body = null;
  }
  const code = body && body.error ? body.error.code : '';
  return { status: res.status, body, code, res };
}

export function bearer(token) {
  return { Authorization: `Bearer ${token}` };
}

// simHeaders are the headers of a call to the simulated world: the operator token.
export function simHeaders() {
  return cfg.operatorToken ? bearer(cfg.operatorToken) : {};
}
