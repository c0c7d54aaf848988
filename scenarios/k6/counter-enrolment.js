// counter-enrolment — level-2 enrolment load at police counters: the station scanner captures
// the person (POST /sim/captures), the officer enrols them (POST /v1/counter/enrollments with
// the operator token), and a level-2 account created there is activated from the citizen's
// handset (POST /v1/activations + OTP + verify). Citizens are those without a level-2
// account; a mismatched capture (worn fingerprints) or a SIM not in the citizen's own name is
// an expected refusal, recorded by cause and segment.
import exec from 'k6/execution';
import { cfg, NFR, stepThresholds, droppedBudget, rampHold } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { reuse } from './lib/outcomes.js';
import { rng } from './lib/rand.js';
import { STEP } from './lib/api.js';
import * as flows from './lib/flows.js';
export { handleSummary } from './lib/summary.js';

const enrolPool = pool('enrol');
// VUs for iterations that meet the NFR on their five requests, plus the SMS wait.
const ex = rampHold('enrolments', cfg.rate, cfg.duration, 5 * NFR.p95 / 1000 + cfg.otpWait * 0.5);

export const options = {
  scenarios: { enrolments: ex.scenario },
  thresholds: stepThresholds([STEP.enrolCapture, STEP.enrolCounter, STEP.activateStart, STEP.activateVerify],
    Object.assign({ checks: ['rate>0.95'] }, droppedBudget(ex.planned))),
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

export function enrolments() {
  const d = draw(enrolPool);
  if (d.reused) reuse.add(1);
  flows.enrol(d.c, rng(cfg.seed, exec.scenario.name, d.iteration, 'enrol'), d.iteration, true);
}
