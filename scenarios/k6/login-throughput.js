// login-throughput — logins by existing accounts under a ramping arrival rate (open model):
// most on the device the account is bound to, a share on a new device (OTP challenge to the
// account's phone, read from the citizen's own handset), a share with a wrong password
// (an expected 401). Every login verifies one password hash, so the sustainable rate is
// bounded by the service's hash cost; eidsim load --find-max searches for it.
//
// Default mix (EIDSIM_MIX overrides): new_device 0.10, wrong_password 0.0185 (login.gov's
// production share of incorrect-password sign-ins, 185 of 10,000), the rest bound.
import exec from 'k6/execution';
import { cfg, NFR, stepThresholds, droppedBudget, rampHold } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { reuse } from './lib/outcomes.js';
import { rng, pick } from './lib/rand.js';
import { STEP } from './lib/api.js';
import * as flows from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const loginPool = pool('login');
const mix = Object.assign({ new_device: 0.10, wrong_password: 0.0185 }, cfg.mix);
const shares = { wrong_password: mix.wrong_password, new_device: mix.new_device, bound: Math.max(0, 1 - mix.wrong_password - mix.new_device) };

// VUs for iterations that still meet the NFR (two requests at the p99 budget), plus the SMS
// wait of new-device logins: VUs run out, and iterations drop, only when the NFR is broken.
const iterSeconds = 2 * NFR.p99 / 1000 + shares.new_device * (cfg.otpWait / 4);
const ex = rampHold('logins', cfg.rate, cfg.duration, iterSeconds);

export const options = {
  scenarios: { logins: ex.scenario },
  thresholds: stepThresholds([STEP.loginPassword, STEP.loginOTP, STEP.loginMe], Object.assign({ checks: ['rate>0.95'] }, droppedBudget(ex.planned))),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

export function logins() {
  const d = draw(loginPool);
  if (d.reused) reuse.add(1);
  const r = rng(cfg.seed, exec.scenario.name, d.iteration, 'login');
  flows.login(d.c, r, pick(r(), shares), d.iteration);
}
