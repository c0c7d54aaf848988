// rp-login — "login with VNeID" as a relying party's back end drives it, for throughput: the
// OpenID Connect authorization code flow with PKCE against the reference service's provider.
// Each iteration is one citizen signing in to a relying party:
//
//   GET  /oidc/authorize (acr_values, PKCE S256, state, nonce) → redirects to the login page
//   POST /oidc/login (citizen ID + password; the citizen's browser is a bound one — its device
//        cookie issued by the provider, first handed out by POST /sim/browsers — or a
//        new one for the new_device share) → the OTP page on a new device: the OTP is read
//        from the citizen's own handset and POSTed to /oidc/login/otp
//   GET  /oidc/authorize/callback → redirect to the relying party with code and state
//   POST /oidc/token (code + code_verifier, client_secret_basic) → ID and access tokens
//   GET  /oidc/userinfo with the access token → the citizen's claims
//
// The relying party is registered on the provider as EIDSIM_RP_CLIENT_ID (default load-rp)
// with secret EIDSIM_RP_CLIENT_SECRET (default load-secret) and redirect URI
// EIDSIM_RP_REDIRECT_URI (default http://rp.invalid/callback; it is never called — the back
// end reads the code from the redirect). EIDSIM_RP_ACR is the acr_values (default LoA1).
//
// EIDSIM_RP_COMPARE=1 (or compare=1 in EIDSIM_MIX, i.e. eidsim load --mix compare=1)
// measures capacity instead: closed-model phases with EIDSIM_VUS virtual
// users, alternating four times between direct logins (POST /v1/sessions + GET /v1/me) and
// code-flow logins, EIDSIM_DURATION/2 in all for each mode, by citizens on their bound
// devices (each mode its own half of them, all logged in once in setup first, at most
// EIDSIM_RP_WARM = 1000), and prints logins/s of each and their ratio.
//
// EIDSIM_FAULTS, when set, is a fault setting (JSON or YAML, see reference/faults) PUT to
// /sim/faults in setup and healed (DELETE) in teardown; the service journals both.
//
// Default mix (EIDSIM_MIX overrides): new_device 0.10 (0 in compare mode), the rest bound.
import http from 'k6/http';
import exec from 'k6/execution';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { cfg, stepThresholds, droppedBudget, rampHold } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { reuse, record, noOTPCause, causeOfCode, CAUSE } from './lib/outcomes.js';
import { rng, pick, digits } from './lib/rand.js';
import { cursor, waitOTP } from './lib/inbox.js';
import { simHeaders } from './lib/api.js';
import * as flows from './lib/flows.js';
import { handleSummary as baseSummary } from './lib/summary.js';

export const RP_STEP = {
  authorize: 'P01_RPLogin_01_Authorize',
  password: 'P01_RPLogin_02_Password',
  otp: 'P01_RPLogin_03_OTP',
  callback: 'P01_RPLogin_04_Callback',
  token: 'P01_RPLogin_05_Token',
  userinfo: 'P01_RPLogin_06_Userinfo',
};

const rp = {
  clientID: __ENV.EIDSIM_RP_CLIENT_ID || 'load-rp',
  secret: __ENV.EIDSIM_RP_CLIENT_SECRET || 'load-secret',
  redirect: __ENV.EIDSIM_RP_REDIRECT_URI || 'http://rp.invalid/callback',
  acr: __ENV.EIDSIM_RP_ACR || 'LoA1',
};
const compare = __ENV.EIDSIM_RP_COMPARE === '1' || cfg.mix.compare === 1;
const ROUNDS = 4;
// WARM bounds the citizens compare mode uses: setup logs each of them in once first, so that
// both modes measure logins in the steady state (a citizen's first login also replaces the
// imported password hash: one more hash and a write).
const WARM = Number(__ENV.EIDSIM_RP_WARM || 1000);
const loginPool = pool('login');
const mix = Object.assign({ new_device: compare ? 0 : 0.10 }, cfg.mix);
delete mix.compare;
const shares = { new_device: mix.new_device, bound: Math.max(0, 1 - mix.new_device) };
const compareLogins = new Counter('eidsim_rp_compare_logins');

const rpSteps = Object.values(RP_STEP);
let scenarios;
let extra = { checks: ['rate>0.95'] };
if (compare) {
  // Interleaved rounds (direct, code flow, direct, …) so that neither mode gets the cold
  // start or a quieter machine to itself.
  const seg = Math.max(1, Math.floor(cfg.duration / (2 * ROUNDS)));
  scenarios = {};
  for (let k = 0; k < ROUNDS; k++) {
    scenarios[`direct_logins_${k + 1}`] = { executor: 'constant-vus', exec: 'directLogins', vus: cfg.vus, duration: `${seg}s`, startTime: `${2 * k * (seg + 2)}s`, gracefulStop: '2s', env: { ROUND: String(k) } };
    scenarios[`rp_logins_${k + 1}`] = { executor: 'constant-vus', exec: 'rpLogins', vus: cfg.vus, duration: `${seg}s`, startTime: `${(2 * k + 1) * (seg + 2)}s`, gracefulStop: '2s', env: { ROUND: String(k) } };
  }
  extra['eidsim_rp_compare_logins{mode:direct}'] = ['count>=0'];
  extra['eidsim_rp_compare_logins{mode:code_flow}'] = ['count>=0'];
} else {
  const ex = rampHold('rpLogins', cfg.rate, cfg.duration, 0.8 + shares.new_device * (cfg.otpWait / 4));
  scenarios = { rp_logins: ex.scenario };
  Object.assign(extra, droppedBudget(ex.planned));
}

export const options = {
  scenarios,
  setupTimeout: '600s',
  thresholds: stepThresholds(rpSteps, extra),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

export function setup() {
  if (__ENV.EIDSIM_FAULTS) {
    const res = http.put(`${cfg.target}/sim/faults?source=k6%20rp-login`, __ENV.EIDSIM_FAULTS, { headers: Object.assign({ 'Content-Type': 'application/yaml' }, simHeaders()) });
    if (res.status !== 200) throw new Error(`EIDSIM_FAULTS refused by /sim/faults: ${res.status} ${res.body}`);
  }
  const d = http.get(`${cfg.target}/.well-known/openid-configuration`);
  if (d.status !== 200) throw new Error(`no OpenID Connect provider at ${cfg.target}: discovery answered ${d.status}`);
  if (compare) {
    // Warm-up: one direct login of every citizen compare mode uses, cfg.vus at a time.
    const n = Math.min(loginPool.length, WARM);
    let failed = 0;
    for (let i = 0; i < n; i += cfg.vus) {
      const reqs = [];
      for (let k = i; k < Math.min(n, i + cfg.vus); k++) {
        const c = loginPool[k];
        reqs.push(['POST', `${cfg.target}/v1/sessions`, JSON.stringify({ citizen_id: c.citizen_id, password: c.account.password, device_id: c.account.device_id }),
          { headers: { 'Content-Type': 'application/json' }, tags: { step: 'P00_Warmup', name: 'P00_Warmup' } }]);
      }
      for (const r of http.batch(reqs)) if (r.status !== 201) failed++;
    }
    if (failed > n / 10) throw new Error(`warm-up: ${failed} of ${n} logins failed`);
  }
  return {};
}

export function teardown() {
  if (__ENV.EIDSIM_FAULTS) http.del(`${cfg.target}/sim/faults`, null, { headers: simHeaders() });
}

function tags(step) {
  return { step, name: step };
}

function b64url(s) {
  return s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const idRe = /name="id" value="([^"]+)"/;

// DEVICE_COOKIE is the provider's browser binding (reference/oidc DeviceCookie); browsers
// holds, per VU, the value the provider last issued to each citizen's browser.
const DEVICE_COOKIE = 'eidsim_device';
const BROWSER_STEP = 'S01_Browser_01_Trust';
const browsers = {};

// location resolves a redirect's Location against the target.
function location(res) {
  const l = res.headers.Location || res.headers.location || '';
  return l.startsWith('/') ? cfg.target + l : l;
}

function query(u) {
  const out = {};
  const i = u.indexOf('?');
  if (i < 0) return out;
  for (const kv of u.slice(i + 1).split('&')) {
    const [k, v] = kv.split('=');
    out[decodeURIComponent(k)] = decodeURIComponent((v || '').replace(/\+/g, ' '));
  }
  return out;
}

// codeFlow runs one login through the provider and returns true when userinfo named the
// citizen. kind is 'bound' or 'new_device'.
export function codeFlow(c, r, kind, iteration) {
  const a = c.account;
  const flow = `rp_login_${kind}`;
  const jar = http.cookieJar();
  if (kind === 'bound') {
    // The citizen's browser signed in before: the provider issued its device cookie (the
    // test world hands one out for a citizen this VU has not signed in yet).
    let device = browsers[c.citizen_id];
    if (!device) {
      const t = http.post(`${cfg.target}/sim/browsers`, JSON.stringify({ citizen_id: c.citizen_id }),
        { headers: Object.assign({ 'Content-Type': 'application/json' }, simHeaders()), tags: tags(BROWSER_STEP) });
      device = t.status === 200 ? t.json('browser') : '';
    }
    if (device) jar.set(`${cfg.target}/oidc/`, DEVICE_COOKIE, device, { path: '/oidc/' });
  } // a new device is a browser without the cookie: the login asks for the OTP

  const verifier = b64url(encoding.b64encode(crypto.randomBytes(32)));
  const challenge = crypto.sha256(verifier, 'base64rawurl');
  const state = digits(r, 16);
  const nonce = digits(r, 16);
  const q = {
    response_type: 'code', client_id: rp.clientID, redirect_uri: rp.redirect, scope: 'openid profile',
    state, nonce, acr_values: rp.acr, code_challenge: challenge, code_challenge_method: 'S256',
  };
  const qs = Object.keys(q).map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(q[k])}`).join('&');
  const page = http.get(`${cfg.target}/oidc/authorize?${qs}`, { tags: tags(RP_STEP.authorize), responseCallback: http.expectedStatuses(200, 302) });
  const m = page.status === 200 ? idRe.exec(page.body) : null;
  if (!check(page, { 'authorize → login page': () => m !== null })) {
    record(flow, c, 'failed', CAUSE.unexpected);
    return false;
  }
  const id = m[1];
  const after = kind === 'new_device' ? cursor(c.sim && c.sim.phone) : 0;
  let res = http.post(`${cfg.target}/oidc/login`, { id, citizen_id: c.citizen_id, password: a.password, action: 'login' },
    { tags: tags(RP_STEP.password), redirects: 0, responseCallback: http.expectedStatuses(200, 303, 423) });
  if (res.status === 200 && res.body.indexOf('id="otp"') >= 0) {
    const otp = waitOTP(c.sim && c.sim.phone, after, cfg.otpWait, '');
    if (!otp) {
      check(null, { 'login OTP reached the own handset': () => false });
      record(flow, c, 'failed', noOTPCause(c, a.phone));
      return false;
    }
    res = http.post(`${cfg.target}/oidc/login/otp`, { id, otp, action: 'verify' },
      { tags: tags(RP_STEP.otp), redirects: 0, responseCallback: http.expectedStatuses(303, 410, 422, 429) });
  }
  // The provider replaces the browser's device cookie at every login: keep the new one.
  const issued = res.cookies && res.cookies[DEVICE_COOKIE];
  if (issued && issued.length) browsers[c.citizen_id] = issued[0].value;
  if (!check(res, { 'login page → 303 to the callback': (x) => x.status === 303 })) {
    record(flow, c, 'failed', res.status === 423 ? CAUSE.locked : CAUSE.unexpected);
    return false;
  }
  const cb = http.get(location(res), { tags: tags(RP_STEP.callback), redirects: 0, responseCallback: http.expectedStatuses(302, 303) });
  const back = query(location(cb));
  if (!check(back, { 'callback → code and the same state': (x) => !!x.code && x.state === state })) {
    record(flow, c, 'failed', back.error === 'unmet_authentication_requirements' ? 'refused_level' : CAUSE.unexpected);
    return false;
  }
  const tok = http.post(`${cfg.target}/oidc/token`,
    { grant_type: 'authorization_code', code: back.code, redirect_uri: rp.redirect, code_verifier: verifier },
    { tags: tags(RP_STEP.token), headers: { Authorization: `Basic ${encoding.b64encode(`${rp.clientID}:${rp.secret}`)}` }, responseCallback: http.expectedStatuses(200) });
  let tb = null;
  try {
    tb = tok.json();
  } catch (e) {
    tb = null;
  }
  if (!check(tok, { 'token → access and ID token': () => tok.status === 200 && tb && !!tb.access_token && !!tb.id_token })) {
    record(flow, c, 'failed', CAUSE.unexpected);
    return false;
  }
  const ui = http.get(`${cfg.target}/oidc/userinfo`, { tags: tags(RP_STEP.userinfo), headers: { Authorization: `Bearer ${tb.access_token}` }, responseCallback: http.expectedStatuses(200) });
  const ok = check(ui, { 'userinfo → the citizen': (x) => x.status === 200 && x.json('citizen_id') === c.citizen_id });
  record(flow, c, ok ? 'ok' : 'failed', ok ? '' : causeOfCode(''));
  return ok;
}

// drawHalf, in compare mode, gives each mode its own half of the warmed-up citizens (direct
// the even, code flow the odd positions).
function drawHalf(offset) {
  const n = Math.floor(Math.min(loginPool.length, WARM) / 2);
  // Round k starts at the k-th quarter of the mode's half, so rounds use fresh citizens until
  // a round has run through a quarter.
  const i = exec.scenario.iterationInTest + Number(__ENV.ROUND || 0) * Math.floor(n / ROUNDS);
  if (n === 0) throw new Error('rp-login compare mode needs at least 2 citizens');
  return { c: loginPool[2 * (i % n) + offset], reused: i >= n, iteration: i };
}

export function rpLogins() {
  const d = compare ? drawHalf(1) : draw(loginPool);
  if (d.reused) reuse.add(1);
  const r = rng(cfg.seed, 'rp_logins', d.iteration, 'rp-login');
  const ok = codeFlow(d.c, r, pick(r(), shares), d.iteration);
  if (compare && ok) compareLogins.add(1, { mode: 'code_flow' });
}

export function directLogins() {
  const d = drawHalf(0);
  if (d.reused) reuse.add(1);
  const r = rng(cfg.seed, 'direct_logins', d.iteration, 'login');
  if (flows.login(d.c, r, 'bound', d.iteration)) compareLogins.add(1, { mode: 'direct' });
}

export function handleSummary(data) {
  const out = baseSummary(data);
  if (compare) {
    const half = ROUNDS * Math.max(1, Math.floor(cfg.duration / (2 * ROUNDS)));
    const n = (mode) => {
      const m = data.metrics[`eidsim_rp_compare_logins{mode:${mode}}`];
      return m ? m.values.count : 0;
    };
    const direct = n('direct') / half;
    const flow = n('code_flow') / half;
    out.stdout += `logins/s with ${cfg.vus} VUs, ${ROUNDS} interleaved rounds, ${half}s per mode: direct ${direct.toFixed(1)}, code flow ${flow.toFixed(1)}, ratio code/direct ${(direct > 0 ? flow / direct : 0).toFixed(3)}\n`;
  }
  return out;
}
