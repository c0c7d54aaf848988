// recovery-storm — forgotten passwords after a mandatory switch. Every iteration is one
// citizen with an account who cannot remember the password: a failed login, a recovery with
// the phone number on the account, the wait for the OTP on the handset in their hand, and the
// OTP typed with their own typo rate and patience. Outcomes are recorded by cause (OTP sent to
// a phone the citizen no longer holds, no handset, no coverage, gave up waiting, gave up after
// typos, OTP expired, attempts exceeded, locked, rate limited) and by segment (ethnicity,
// handset, coverage, SIM ownership) in eidsim_outcomes; eidsim load prints the table.
//
// Failures here are findings, not errors of the harness: the thresholds hold the service's
// latency and error budget, not the citizens' success.
import exec from 'k6/execution';
import { cfg, stepThresholds, droppedBudget, rampHold } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { reuse } from './lib/outcomes.js';
import { rng } from './lib/rand.js';
import { STEP } from './lib/api.js';
import * as flows from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const recoverPool = pool('recover');
const ex = rampHold('recoveries', cfg.rate, cfg.duration, cfg.otpWait * 0.8 + 1);

export const options = {
  scenarios: { recoveries: ex.scenario },
  thresholds: stepThresholds([STEP.recoverGuess, STEP.recoverStart, STEP.recoverVerify], droppedBudget(ex.planned)),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

export function recoveries() {
  const d = draw(recoverPool);
  if (d.reused) reuse.add(1);
  flows.recover(d.c, rng(cfg.seed, exec.scenario.name, d.iteration, 'recover'), d.iteration, true);
}
