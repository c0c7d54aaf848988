// replay — a simulated campaign day played back (eidsim load replay --from-simulation DIR):
// one ramping-arrival-rate scenario per flow, whose 24 stages are the simulated day's hours
// at the asked rates (whole iterations per hour of replay time, timeUnit 1h) (simulated full-scale rate × --fraction × the --compress factor), so
// the mix of flows and its change over the day are the simulation's. The plan comes in
// EIDSIM_REPLAY (scenarios/replay Plan.Env): {"stage_ms": N, "flows": {flow: {"per_hour": [24]}}}
// with the flows login, new_device_login, registration, activation, recovery and
// counter_enrolment. Each hour holds its rate (a one-second step between hours). Citizens are
// drawn from the pools sampled from the simulation's population.
import exec from 'k6/execution';
import { cfg, stepThresholds, droppedBudget, vusFor } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { reuse } from './lib/outcomes.js';
import { rng } from './lib/rand.js';
import { STEP } from './lib/api.js';
import * as flows from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const PLAN = JSON.parse(__ENV.EIDSIM_REPLAY || '{"stage_ms": 2000, "flows": {}}');
const POOL = { login: 'login', new_device_login: 'login', registration: 'register', activation: 'activate', recovery: 'recover', counter_enrolment: 'enrol' };
// Seconds one iteration of each flow takes: the OTP flows wait for the SMS.
const ITER = { login: 0.5, new_device_login: cfg.otpWait / 2, registration: cfg.otpWait / 2, activation: cfg.otpWait / 2, recovery: cfg.otpWait / 2, counter_enrolment: 3 + cfg.otpWait / 2 };
// Only the pools of flows the plan asks for are sampled (and written) by eidsim load.
const P = {};
for (const [f, v] of Object.entries(PLAN.flows)) {
  if (POOL[f] && v.per_hour.some((r) => r > 0)) P[f] = pool(POOL[f]);
}

function stages(flow, perHour) {
  const stage = PLAN.stage_ms;
  const st = [];
  for (const r of perHour) {
    st.push({ target: r, duration: `${Math.min(1000, Math.floor(stage / 10))}ms` });
    st.push({ target: r, duration: `${stage - Math.min(1000, Math.floor(stage / 10))}ms` });
  }
  const peak = Math.max(...perHour) / 3600;
  return {
    scenario: Object.assign({
      executor: 'ramping-arrival-rate', exec: flow, timeUnit: '1h', startRate: perHour[0], stages: st,
      gracefulStop: `${Math.ceil(cfg.otpWait + 10)}s`,
    }, vusFor(Math.max(peak, 0.1), ITER[flow])),
    planned: Math.ceil(perHour.reduce((a, r) => a + r / 3600 * stage / 1000, 0)),
  };
}

const S = {};
for (const [flow, f] of Object.entries(PLAN.flows)) {
  if (!POOL[flow]) throw new Error(`EIDSIM_REPLAY: unknown flow ${flow}`);
  const s = stages(flow, f.per_hour);
  if (s.planned > 0 && P[flow] && P[flow].length > 0) S[flow] = s;
}

export const options = {
  scenarios: Object.fromEntries(Object.entries(S).map(([k, s]) => [k, s.scenario])),
  thresholds: stepThresholds(Object.values(STEP).filter((s) => !s.startsWith('E01')),
    Object.assign({ checks: ['rate>0.95'] }, droppedBudget(Object.values(S).reduce((a, s) => a + s.planned, 0)))),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

// it draws the iteration's citizen; new-device logins draw the login pool from its end, so
// that they do not move the device of the citizens the bound logins draw from its start.
function it(flow, purpose) {
  let d = draw(P[flow]);
  if (flow === 'new_device_login') d = Object.assign(d, { c: P[flow][P[flow].length - 1 - (d.iteration % P[flow].length)] });
  if (d.reused) reuse.add(1);
  return { d, r: rng(cfg.seed, exec.scenario.name, d.iteration, purpose) };
}

export function login() { const { d, r } = it('login', 'login'); flows.login(d.c, r, 'bound', d.iteration); }
export function new_device_login() { const { d, r } = it('new_device_login', 'login'); flows.login(d.c, r, 'new_device', d.iteration); }
export function registration() { const { d, r } = it('registration', 'register'); flows.register(d.c, r, d.iteration, true); }
export function activation() { const { d, r } = it('activation', 'activate'); flows.activate(d.c, r, d.iteration, true, d.c.account.phone); }
export function recovery() { const { d, r } = it('recovery', 'recover'); flows.recover(d.c, r, d.iteration, true); }
export function counter_enrolment() { const { d, r } = it('counter_enrolment', 'enrol'); flows.enrol(d.c, r, d.iteration, true); }
