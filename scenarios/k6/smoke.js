// smoke — each flow once, against a fresh service; every check must pass (checks rate==1).
// Each flow is its own constant-arrival-rate scenario of exactly one iteration (one per 2 s,
// for 1 s: it starts at 0 s), drawing a citizen for whom the flow should succeed. Run it
// against a fresh service, or with another --seed: a citizen registered by an earlier smoke
// run is already registered.
import { cfg, stepThresholds } from './lib/config.js';
import { METRIC } from './lib/metrics.js';
import { pool } from './lib/citizens.js';
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

// The standalone activation needs an account pending activation in the population; without
// one it is left out (enrolNew still activates the account it creates at the counter).
const FLOWS = ['loginBound', 'loginNewDevice', 'loginWrongPassword', 'registration', 'recovery', 'activation', 'enrolUpgrade', 'enrolNew']
  .filter((f) => f !== 'activation' || P.activate.length > 0);

function once(exec, startTime) {
  return { executor: 'constant-arrival-rate', exec, rate: 1, timeUnit: '2s', duration: '1s', preAllocatedVUs: 1, maxVUs: 1, startTime, gracefulStop: `${cfg.otpWait + 15}s` };
}

// Flows run one after another (2 s apart) so that each is alone on the service.
const scenarios = {};
FLOWS.forEach((f, i) => { scenarios[f] = once(f, `${i * 2}s`); });

export const options = {
  scenarios,
  thresholds: stepThresholds(Object.values(STEP), {
    checks: ['rate==1'],
    [METRIC.httpReqFailed]: ['rate==0'],
    [METRIC.flowOK]: ['rate==1'],
    [METRIC.droppedIterations]: ['count==0'],
  }),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

cfg.strict = true;
const r = (name) => rng(cfg.seed, name, 0, 'smoke');

// Every flow gets a citizen of its own (pools overlap: the login and recovery pools hold the
// same kind of citizen), chosen the same way in every VU.
const used = {};
function own(p, flow) {
  for (let i = 0; i < p.length; i++) {
    if (!used[p[i].citizen_id]) {
      used[p[i].citizen_id] = flow;
      return p[i];
    }
  }
  return null;
}
const C = {};
for (const [flow, p] of [['loginBound', P.login], ['loginNewDevice', P.login], ['loginWrongPassword', P.login], ['registration', P.register],
  ['recovery', P.recover], ['activation', P.activate], ['enrolUpgrade', P.enrolUpgrade], ['enrolNew', P.enrolNew]]) {
  C[flow] = own(p, flow);
}
function citizen(flow) {
  if (!C[flow]) throw new Error(`smoke: no citizen left for flow ${flow}`);
  return C[flow];
}

export function loginBound() { flows.login(citizen('loginBound'), r('bound'), 'bound', 0); }
export function loginNewDevice() { flows.login(citizen('loginNewDevice'), r('new'), 'new_device', 1); }
export function loginWrongPassword() { flows.login(citizen('loginWrongPassword'), r('wrong'), 'wrong_password', 2); }
export function registration() { flows.register(citizen('registration'), r('register'), 0, false); }
export function recovery() { flows.recover(citizen('recovery'), r('recover'), 0, false); }
export function activation() { const c = citizen('activation'); flows.activate(c, r('activate'), 0, false, c.account.phone); }
export function enrolUpgrade() { flows.enrol(citizen('enrolUpgrade'), r('enrol1'), 0, false); }
export function enrolNew() { flows.enrol(citizen('enrolNew'), r('enrol2'), 1, false); }
