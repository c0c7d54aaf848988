// flows.js — the citizen's flows of API.md, each as one function that runs the flow for one
// drawn citizen, checks every answer against the contract, and records the outcome with its
// cause and the citizen's segment. r is the iteration's deterministic random source.
import { check } from 'k6';
import { cfg } from './config.js';
import { post, get, bearer, STEP } from './api.js';
import { cursor, waitOTP } from './inbox.js';
import { record, noOTPCause, causeOfCode, CAUSE, rebound } from './outcomes.js';
import { strongPassword, digits, mistype } from './rand.js';

const held = (c) => (c.sim && c.sim.phone) || '';
const traits = (c) => c.traits || { typo_rate: 0, patience: 3, biometric_quality: 0.9 };

// enterOTP submits the OTP as the citizen types it (a typo with the citizen's typo rate when
// typos is true), retrying after a wrong entry until the patience runs out. It returns the
// last answer and the cause when it did not succeed.
function enterOTP(c, r, typos, submit, okStatus) {
  const patience = Math.max(1, Math.min(10, traits(c).patience || 3));
  let ans = null;
  for (let tries = 0; tries < patience; tries++) {
    const typed = typos && r() < (traits(c).typo_rate || 0);
    ans = submit(typed);
    if (ans.status === okStatus) return { ans, cause: '' };
    if (ans.code !== 'otp_invalid') return { ans, cause: causeOfCode(ans.code) };
  }
  return { ans, cause: CAUSE.gaveUpTypos };
}

// expectedOTPErrors are the verify answers the contract lists besides success.
const OTP_ERRORS = [422, 410, 429, 423];

// login runs one login by an existing account. kind is 'bound' (the account's own device),
// 'new_device' (a new device: OTP challenge to the account's phone, read from the citizen's
// own handset) or 'wrong_password' (an expected 401).
export function login(c, r, kind, iteration) {
  const a = c.account;
  if (kind === 'wrong_password') {
    const res = post('/v1/sessions', { citizen_id: c.citizen_id, password: a.password + 'x', device_id: a.device_id }, STEP.loginPassword, [401, 423]);
    const ok = check(res, { 'wrong password → 401 invalid_credentials': (x) => x.status === 401 && x.code === 'invalid_credentials' });
    record('login_wrong_password', c, ok ? 'rejected' : 'failed', ok ? CAUSE.wrongPassword : causeOfCode(res.code));
    return ok;
  }
  const device = kind === 'new_device' ? `k6-dev-${cfg.seed}-${iteration}-${digits(r, 6)}` : a.device_id;
  const after = kind === 'new_device' ? cursor(held(c)) : 0;
  const started = Date.now() - 1000; // for a surprise challenge: the account was rebound by an earlier run
  const res = post('/v1/sessions', { citizen_id: c.citizen_id, password: a.password, device_id: device }, STEP.loginPassword, [201, 202, 423]);
  let token = '';
  if (res.status === 201) {
    token = res.body.access_token;
  } else if (res.status === 202) {
    check(res, { 'login on a new device → 202 challenge': (x) => !!x.body.challenge_id });
    const otp = kind === 'new_device' ? waitOTP(held(c), after, cfg.otpWait, res.body.otp_expires_at)
      : waitOTP(held(c), 0, cfg.otpWait, res.body.otp_expires_at, started);
    if (!otp) {
      check(null, { 'login OTP reached the own handset': () => false });
      record(`login_${kind}`, c, 'failed', noOTPCause(c, a.phone));
      return false;
    }
    const v = enterOTP(c, r, false, () => post(`/v1/sessions/challenges/${res.body.challenge_id}`, { otp }, STEP.loginOTP, [201].concat(OTP_ERRORS)), 201);
    if (v.cause) {
      check(v.ans, { 'login OTP accepted → 201': () => false });
      record(`login_${kind}`, c, 'failed', v.cause);
      return false;
    }
    token = v.ans.body.access_token;
  } else {
    check(res, { 'login → 201 or 202': () => false });
    record(`login_${kind}`, c, 'failed', causeOfCode(res.code));
    return false;
  }
  if (kind === 'new_device' || cfg.strict) {
    check(res, { [kind === 'bound' ? 'login on the bound device → 201 token' : 'login on a new device → 202 challenge']: (x) => x.status === (kind === 'bound' ? 201 : 202) });
  } else if (res.status === 202) {
    // The account was moved to another device by an earlier run's new-device login on the
    // same citizen: the citizen passes the challenge like anyone on a new phone.
    rebound.add(1);
  }
  const me = get('/v1/me', STEP.loginMe, [200], { headers: bearer(token) });
  const ok = check(me, { 'GET /v1/me with the token → 200, own citizen_id': (x) => x.status === 200 && x.body.citizen_id === c.citizen_id });
  record(`login_${kind}`, c, ok ? 'ok' : 'failed', ok ? '' : causeOfCode(me.code));
  return ok;
}

// register is level-1 self-registration with the SIM in the citizen's handset.
export function register(c, r, iteration, typos) {
  const phone = held(c);
  const after = cursor(phone);
  const res = post('/v1/registrations', { citizen_id: c.citizen_id, full_name: c.full_name, birth_date: c.birth_date, phone, device_id: `k6-reg-${cfg.seed}-${iteration}` },
    STEP.registerStart, [202, 422, 409, 429]);
  if (res.status !== 202) {
    const expected = (res.code === 'phone_not_owner' && !(c.sim && c.sim.owner_registered)) || res.code === 'account_exists' || res.code === 'phone_in_use';
    check(res, { 'registration refused only for a reason the citizen\'s record explains': () => expected });
    record('registration', c, expected ? 'rejected' : 'failed', causeOfCode(res.code));
    return false;
  }
  const otp = waitOTP(phone, after, cfg.otpWait, res.body.otp_expires_at);
  if (!otp) {
    record('registration', c, 'failed', noOTPCause(c, phone));
    return false;
  }
  const pw = strongPassword(r);
  const v = enterOTP(c, r, typos, (typo) => post(`/v1/registrations/${res.body.registration_id}/verify`, { otp: typo ? mistype(r, otp) : otp, password: pw, passcode: digits(r, 6) }, STEP.registerVerify, [201].concat(OTP_ERRORS)), 201);
  const ok = !v.cause && check(v.ans, { 'registration verified → 201 level 1': (x) => x.status === 201 && x.body.level === 1 });
  record('registration', c, ok ? 'ok' : 'failed', ok ? '' : v.cause || CAUSE.unexpected);
  return ok;
}

// recover is forgotten-password recovery after the switch: the citizen first fails to log in
// with a guessed password (an expected 401, or 423 when locked), then asks for recovery with
// the phone number on their account, then watches their own handset for the OTP.
export function recover(c, r, iteration, typos) {
  const a = c.account;
  const phone = held(c);
  const guess = post('/v1/sessions', { citizen_id: c.citizen_id, password: `Guess${digits(r, 4)}!a`, device_id: a.device_id }, STEP.recoverGuess, [401, 423]);
  check(guess, { 'forgotten password → 401 or 423': (x) => x.status === 401 || x.status === 423 });
  const after = cursor(phone);
  const res = post('/v1/recoveries', { citizen_id: c.citizen_id, phone: a.phone, full_name: c.full_name, birth_date: c.birth_date }, STEP.recoverStart, [202, 429]);
  if (res.status !== 202) {
    record('recovery', c, 'failed', causeOfCode(res.code));
    return false;
  }
  check(res, { 'recovery → 202 with recovery_id': (x) => !!x.body.recovery_id });
  const otp = waitOTP(phone, after, cfg.otpWait, res.body.otp_expires_at);
  if (!otp) {
    record('recovery', c, 'failed', noOTPCause(c, a.phone));
    return false;
  }
  const pw = strongPassword(r);
  const v = enterOTP(c, r, typos, (typo) => post(`/v1/recoveries/${res.body.recovery_id}/verify`, { otp: typo ? mistype(r, otp) : otp, new_password: pw }, STEP.recoverVerify, [200].concat(OTP_ERRORS)), 200);
  const ok = !v.cause && check(v.ans, { 'recovery verified → 200': (x) => x.status === 200 && x.body.citizen_id === c.citizen_id });
  record('recovery', c, ok ? 'ok' : 'failed', ok ? '' : v.cause || CAUSE.unexpected);
  return ok;
}

// activate activates an account created at the counter (pending activation), on the phone
// given there.
export function activate(c, r, iteration, typos, phoneOnAccount) {
  const phone = held(c);
  const after = cursor(phone);
  const res = post('/v1/activations', { citizen_id: c.citizen_id, phone: phoneOnAccount, device_id: `k6-act-${cfg.seed}-${iteration}` }, STEP.activateStart, [202, 422, 429]);
  if (res.status !== 202) {
    check(res, { 'activation → 202': () => false });
    record('activation', c, 'failed', causeOfCode(res.code));
    return false;
  }
  const otp = waitOTP(phone, after, cfg.otpWait, res.body.otp_expires_at);
  if (!otp) {
    record('activation', c, 'failed', noOTPCause(c, phoneOnAccount));
    return false;
  }
  const pw = strongPassword(r);
  const v = enterOTP(c, r, typos, (typo) => post(`/v1/activations/${res.body.activation_id}/verify`, { otp: typo ? mistype(r, otp) : otp, password: pw, passcode: digits(r, 6) }, STEP.activateVerify, [201].concat(OTP_ERRORS)), 201);
  const ok = !v.cause && check(v.ans, { 'activation verified → 201': (x) => x.status === 201 && x.body.citizen_id === c.citizen_id });
  record('activation', c, ok ? 'ok' : 'failed', ok ? '' : v.cause || CAUSE.unexpected);
  return ok;
}

// enrol is level-2 enrolment at a police counter: the station scanner captures the person,
// the officer enrols them with the phone in their hand, and a newly created level-2 account
// is then activated from the citizen's handset.
export function enrol(c, r, iteration, typos) {
  const phone = held(c);
  const cap = post('/sim/captures', { citizen_id: c.citizen_id }, STEP.enrolCapture, [200]);
  if (!check(cap, { 'capture → 200': (x) => x.status === 200 && !!x.body.capture })) {
    record('enrolment', c, 'failed', causeOfCode(cap.code));
    return false;
  }
  const station = `PS-${c.citizen_id.slice(0, 3)}-${1 + Math.floor(r() * 20)}`;
  const res = post('/v1/counter/enrollments', { citizen_id: c.citizen_id, phone, station_id: station, capture: cap.body.capture }, STEP.enrolCounter, [201, 409, 422],
    { headers: bearer(cfg.operatorToken) });
  if (res.status !== 201) {
    const expected = res.code === 'biometric_mismatch' || res.code === 'phone_in_use' || (res.code === 'phone_not_owner' && !(c.sim && c.sim.owner_registered));
    check(res, { 'enrolment refused only for a reason the citizen\'s record explains': () => expected });
    record('enrolment', c, expected ? 'rejected' : 'failed', causeOfCode(res.code));
    return false;
  }
  check(res, { 'enrolment → 201 level 2': (x) => x.body.level === 2 });
  if (res.body.status === 'pending_activation') {
    const ok = activate(c, r, iteration, typos, phone);
    record('enrolment', c, ok ? 'ok' : 'failed', ok ? '' : 'activation_failed');
    return ok;
  }
  record('enrolment', c, 'ok', '');
  return true;
}
