// deadline-surge — one deadline day, compressed: the day modelled on 1 Jul 2024, when online
// public services switched to logging in with the e-ID account. Portal logins move to the
// e-ID, and registrations, activations and recoveries rise with them.
//
// Traffic mix (shares of all flows; EIDSIM_MIX overrides any of them). login.gov's production
// mix (18F/identity-loadtest prod_simulator, measured 2021-04-13: sign-in 72.2 %, sign-up
// 16.7 %, proofing 7.4 %, wrong password 1.85 %, wrong SMS OTP 1.85 %) is the reference point;
// the switch shifts weight from sign-in to the flows that first-time and returning users need:
//   login 0.70 (of which new_device 0.10 of logins), wrong_password 0.02,
//   registration 0.12, activation 0.06, recovery 0.10.
// These shares are a modelling assumption, not a measurement of VNeID traffic.
//
// Daily curve (relative arrival rate per hour, 00 h … 23 h; 1.0 = EIDSIM_RATE): a working-day
// shape with the morning office peak (07:30–11:30) and the afternoon peak (13:30–17:00) of
// Vietnamese public offices, a lunch dip, an evening shoulder, and a bump right after midnight
// when the switch takes effect. Also an assumption, documented as such. The day is compressed
// into EIDSIM_DURATION seconds (default 48: two seconds per hour).
import exec from 'k6/execution';
import { cfg, stepThresholds, droppedBudget, vusFor } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { reuse } from './lib/outcomes.js';
import { rng, pick } from './lib/rand.js';
import { STEP } from './lib/api.js';
import * as flows from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

export const CURVE = [0.35, 0.15, 0.08, 0.05, 0.05, 0.1, 0.3, 0.65, 0.95, 1.0, 1.0, 0.85,
  0.55, 0.6, 0.9, 1.0, 0.9, 0.7, 0.5, 0.45, 0.5, 0.45, 0.35, 0.25];

const MIX = Object.assign({ login: 0.70, wrong_password: 0.02, registration: 0.12, activation: 0.06, recovery: 0.10, new_device_share: 0.10 }, cfg.mix);

const P = { login: pool('login'), registration: pool('register'), activation: pool('activate'), recovery: pool('recover') };

const hour = cfg.duration / 24;
// Seconds one iteration of each flow takes: OTP flows wait for the SMS.
const ITER = { login: 0.5 + MIX.new_device_share * cfg.otpWait / 4, registration: cfg.otpWait / 2, activation: cfg.otpWait / 2, recovery: cfg.otpWait / 2 };

function surge(flow, share) {
  const perMin = CURVE.map((w) => Math.round(cfg.rate * share * w * 60));
  const planned = Math.ceil(CURVE.reduce((a, w) => a + cfg.rate * share * w * hour, 0));
  return {
    scenario: Object.assign({
      executor: 'ramping-arrival-rate', exec: flow, timeUnit: '1m', startRate: perMin[23],
      stages: perMin.map((t) => ({ target: t, duration: `${Math.round(hour * 1000)}ms` })),
      gracefulStop: `${Math.ceil(cfg.otpWait + 10)}s`,
    }, vusFor(cfg.rate * share, ITER[flow])),
    planned,
  };
}

const S = {
  login: surge('login', MIX.login + MIX.wrong_password),
  registration: surge('registration', MIX.registration),
  activation: surge('activation', MIX.activation),
  recovery: surge('recovery', MIX.recovery),
};

export const options = {
  // A flow without eligible citizens in the population (or without traffic) is left out.
  scenarios: Object.fromEntries(Object.entries(S).filter(([k, s]) => s.planned > 0 && P[k].length > 0).map(([k, s]) => [k, s.scenario])),
  thresholds: stepThresholds(Object.values(STEP).filter((s) => !s.startsWith('E01')),
    Object.assign({ checks: ['rate>0.95'] }, droppedBudget(Object.values(S).reduce((a, s) => a + s.planned, 0)))),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

function it(p, purpose) {
  const d = draw(p);
  if (d.reused) reuse.add(1);
  return { d, r: rng(cfg.seed, exec.scenario.name, d.iteration, purpose) };
}

export function login() {
  const { d, r } = it(P.login, 'login');
  const wrong = MIX.wrong_password / (MIX.login + MIX.wrong_password);
  const kind = pick(r(), { wrong_password: wrong, new_device: (1 - wrong) * MIX.new_device_share, bound: 1 });
  flows.login(d.c, r, kind, d.iteration);
}
export function registration() { const { d, r } = it(P.registration, 'register'); flows.register(d.c, r, d.iteration, true); }
export function activation() { const { d, r } = it(P.activation, 'activate'); flows.activate(d.c, r, d.iteration, true, d.c.account.phone); }
export function recovery() { const { d, r } = it(P.recovery, 'recover'); flows.recover(d.c, r, d.iteration, true); }
