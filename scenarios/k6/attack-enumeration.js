// attack-enumeration — an attacker with a list of citizen IDs (and the public name and birth
// date of each) wants to learn which have an e-ID account. Iterations alternate between a
// citizen with an active account (truth 'account') and one without (truth 'none'); each runs
// the probes in turn and records what the attacker saw:
//   login_timing    one wrong password: the latency (a dummy hash should hide the difference)
//   recovery_shape  a recovery with a made-up phone: the answer's shape (designed uniform)
//   register_status a registration with the true name and birth date and a made-up phone:
//                   account_exists against any other refusal
//   lock_status     five more wrong passwords: the sixth answer (accounts lock, unknown IDs
//                   cannot) and lock_timing, its latency
//   metrics         after the ID probes, one VU alone: /metrics read without a token before
//                   and after a recovery with the true data and phone; did
//                   eidsim_otp_sent_total{purpose="recovery"} move? (at most 10 IDs per truth)
// Signatures are status, error code, body keys and Retry-After (lib/attack.js signature);
// eidsim load reduces them to the accuracy of the best guess from each probe, and the
// latencies to a Kolmogorov–Smirnov distance. Arrival rate: IDs/s. Timing needs the real
// hasher (argon2id): with --hash fast there is nothing to hide.
import exec from 'k6/execution';
import { cfg } from './lib/config.js';
import { pool } from './lib/citizens.js';
import { rng, digits } from './lib/rand.js';
import { call, observe, signature, scrape, ATTACKER } from './lib/attack.js';
export { handleSummary } from './lib/summary.js';

const accounts = pool('login');
const strangers = pool('register');
const SIDE = Math.min(10, accounts.length, strangers.length);

export const options = {
  scenarios: {
    ids: {
      executor: 'constant-arrival-rate', exec: 'probe', rate: Math.max(1, Math.round(cfg.rate * 60)), timeUnit: '1m',
      duration: `${cfg.duration}s`, preAllocatedVUs: Math.min(cfg.vus, 10), maxVUs: cfg.vus, gracefulStop: '30s',
    },
    metrics: {
      executor: 'per-vu-iterations', exec: 'sideChannel', vus: 1, iterations: Math.max(1, 2 * SIDE),
      startTime: `${cfg.duration + 5}s`, maxDuration: '60s',
    },
  },
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

// subject returns the citizen of probe iteration i and its truth, or null when the pool of
// that truth is used up (a repeated ID would be probed twice).
function subject(i) {
  const truth = i % 2 === 0 ? 'account' : 'none';
  const p = truth === 'account' ? accounts : strangers;
  const k = Math.floor(i / 2);
  return k < p.length ? { c: p[k], truth } : null;
}

function wrong(c, r, vector, truth) {
  return call('POST', '/v1/sessions', { vector, role: ATTACKER, truth, step: 'X05_Enum_01_Login',
    body: { citizen_id: c.citizen_id, password: `Wrong${digits(r, 6)}!x`, device_id: `atk-${digits(r, 8)}` } });
}

export function probe() {
  const i = exec.scenario.iterationInTest;
  const s = subject(i);
  if (!s) return;
  const { c, truth } = s;
  const r = rng(cfg.seed, exec.scenario.name, i, 'enumeration');
  const fake = `0990${digits(r, 6)}`;

  observe('login_timing', truth, signature(wrong(c, r, 'login_timing', truth)));
  observe('recovery_shape', truth, signature(call('POST', '/v1/recoveries', { vector: 'recovery_shape', role: ATTACKER, truth, step: 'X05_Enum_02_Recovery',
    body: { citizen_id: c.citizen_id, phone: fake, full_name: c.full_name, birth_date: c.birth_date } })));
  observe('register_status', truth, signature(call('POST', '/v1/registrations', { vector: 'register_status', role: ATTACKER, truth, step: 'X05_Enum_03_Register',
    body: { citizen_id: c.citizen_id, full_name: c.full_name, birth_date: c.birth_date, phone: fake, device_id: `atk-${digits(r, 8)}` } })));
  for (let k = 0; k < 4; k++) wrong(c, r, 'lock_probe', truth);
  observe('lock_status', truth, signature(wrong(c, r, 'lock_timing', truth)));
}

const RECOVERY = 'eidsim_otp_sent_total{purpose="recovery"}';

// sideChannel runs the /metrics probe on IDs from the end of each pool (one VU: nothing else
// sends recovery OTPs meanwhile).
export function sideChannel() {
  const k = exec.scenario.iterationInTest;
  const truth = k % 2 === 0 ? 'account' : 'none';
  const p = truth === 'account' ? accounts : strangers;
  const c = p[p.length - 1 - Math.floor(k / 2)];
  const phone = c && (truth === 'account' ? c.account.phone : c.sim.phone);
  if (!phone) return;
  const m0 = scrape('metrics', {});
  call('POST', '/v1/recoveries', { vector: 'metrics_recovery', role: ATTACKER, truth, step: 'X05_Enum_04_MetricsRecovery',
    body: { citizen_id: c.citizen_id, phone, full_name: c.full_name, birth_date: c.birth_date } });
  const m1 = scrape('metrics', {});
  let sig = 'closed';
  if (m0 && m1) sig = (m1[RECOVERY] || 0) > (m0[RECOVERY] || 0) ? 'moved' : 'still';
  observe('metrics', truth, sig);
}
