// smoke — each flow once, against a fresh service; every check must pass (checks rate==1).
// Each flow is its own constant-arrival-rate scenario of exactly one iteration (rate 1 per
// second for 1 s), drawing a citizen for whom the flow should succeed.
import { cfg, stepThresholds } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { rng } from './lib/rand.js';
import { STEP } from './lib/api.js';
import * as flows from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const P = {
  login: pool('login_ok'),
  register: pool('register_ok'),
  recover: pool('recover_ok'),
  activate: pool('activate_ok'),
  enrolUpgrade: pool('enrol_upgrade_ok'),
  enrolNew: pool('enrol_new_ok'),
};

const FLOWS = ['loginBound', 'loginNewDevice', 'loginWrongPassword', 'registration', 'recovery', 'activation', 'enrolUpgrade', 'enrolNew'];

function once(exec, startTime) {
  return { executor: 'constant-arrival-rate', exec, rate: 1, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, maxVUs: 1, startTime, gracefulStop: `${cfg.otpWait + 15}s` };
}

// Flows run one after another (2 s apart) so that each is alone on the service.
const scenarios = {};
FLOWS.forEach((f, i) => { scenarios[f] = once(f, `${i * 2}s`); });

export const options = {
  scenarios,
  thresholds: stepThresholds(Object.values(STEP), {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    eidsim_flow_ok: ['rate==1'],
    dropped_iterations: ['count==0'],
  }),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

const r = (name) => rng(cfg.seed, name, 0, 'smoke');

// Login uses citizens 0, 1, 2 of the login pool: one per login kind.
export function loginBound() { flows.login(P.login[0], r('bound'), 'bound', 0); }
export function loginNewDevice() { flows.login(P.login[1], r('new'), 'new_device', 1); }
export function loginWrongPassword() { flows.login(P.login[2], r('wrong'), 'wrong_password', 2); }
export function registration() { flows.register(draw(P.register).c, r('register'), 0, false); }
export function recovery() { flows.recover(draw(P.recover).c, r('recover'), 0, false); }
export function activation() { const c = draw(P.activate).c; flows.activate(c, r('activate'), 0, false, c.account.phone); }
export function enrolUpgrade() { flows.enrol(draw(P.enrolUpgrade).c, r('enrol1'), 0, false); }
export function enrolNew() { flows.enrol(draw(P.enrolNew).c, r('enrol2'), 1, false); }
