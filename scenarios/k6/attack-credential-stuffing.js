// attack-credential-stuffing — an attacker replays (citizen ID, password) pairs from a breach
// of another site, and sprays the most common passwords, rotating the citizen ID on every
// iteration so that no one account meets its lockout. Each iteration is one citizen ID and
// one vector, from the attacker's own device:
//   stuffing  one pair: the account's real password with probability EIDSIM_MIX leaked
//             (default 0.1, an assumption: the share of a breach list reused here), else a
//             wrong one; a share EIDSIM_MIX no_account (default 0.3) of the IDs have no
//             e-ID account at all (citizens of the registry who never registered).
//   spraying  the three most common passwords of the sampled accounts (a breach corpus's top
//             list), in turn, stopping at the first that works: below the lock threshold.
// Share of spraying iterations: EIDSIM_MIX spray (default 0.5). Arrival rate: IDs/s.
//   burst     apart from the rotation, on BURST_TARGETS accounts one at a time: BURST wrong
//             passwords at once with the right one sent last (http.batch): does a lock hold
//             under concurrency? 'fail' counts the wrong guesses the service evaluated (401),
//             'refused' those a defence answered, 'success' the right one accepted.
//             EIDSIM_MIX burst=0 leaves it out.
// A success is a confirmed password: 201 (token) or 202 (a new-device challenge, which also
// sends an OTP to the victim). The synthetic population draws passwords from a small pool,
// so spraying odds here say more about that pool than about real citizens.
import exec from 'k6/execution';
import { cfg } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { rng, strongPassword, digits } from './lib/rand.js';
import { call, batch, attempt, target, refusedBy, ATTACKER } from './lib/attack.js';
export { handleSummary } from './lib/summary.js';

const accounts = pool('login');
const strangers = pool('register');
const mix = Object.assign({ spray: 0.5, leaked: 0.1, no_account: 0.3, burst: 1 }, cfg.mix);
const SPRAY = 3;
const BURST = 200;
const BURST_TARGETS = Math.min(3, Math.floor(accounts.length / 4));

// top is the spray list: the SPRAY most frequent passwords among (at most 2,000 of) the
// sampled accounts.
const top = (() => {
  const n = {};
  for (let i = 0; i < Math.min(accounts.length, 2000); i++) {
    const p = accounts[i].account.password;
    n[p] = (n[p] || 0) + 1;
  }
  return Object.keys(n).sort((a, b) => n[b] - n[a] || (a < b ? -1 : 1)).slice(0, SPRAY);
})();

export const options = {
  scenarios: {
    ids: {
      executor: 'constant-arrival-rate', exec: 'stuff', rate: Math.max(1, Math.round(cfg.rate * 60)), timeUnit: '1m',
      duration: `${cfg.duration}s`, preAllocatedVUs: Math.min(cfg.vus, 10), maxVUs: cfg.vus, gracefulStop: '30s',
    },
  },
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
  batch: BURST,
  batchPerHost: BURST,
};
if (mix.burst > 0 && BURST_TARGETS > 0) {
  options.scenarios.burst = { executor: 'per-vu-iterations', exec: 'burst', vus: 1, iterations: BURST_TARGETS, maxDuration: `${cfg.duration + 60}s` };
}

// login tries one pair and counts it; true when the password was confirmed.
function login(vector, id, password, r) {
  const a = call('POST', '/v1/sessions', { vector, role: ATTACKER, step: 'X02_Stuffing_01_Login',
    body: { citizen_id: id, password, device_id: `atk-${digits(r, 8)}` } });
  const ok = a.status === 201 || a.status === 202;
  attempt(vector, ok ? 'success' : refusedBy(a) ? 'refused' : 'fail');
  return ok;
}

export function stuff() {
  const i = exec.scenario.iterationInTest;
  const r = rng(cfg.seed, exec.scenario.name, i, 'credential-stuffing');
  const spraying = r() < mix.spray;
  const stranger = !spraying && r() < mix.no_account && strangers.length > 0;
  const d = draw(stranger ? strangers : accounts);
  if (d.reused) return; // the list is exhausted: a repeated ID is no longer rotation
  const id = d.c.citizen_id;
  if (spraying) {
    let won = false;
    for (const p of top) {
      if (login('spraying', id, p, r)) {
        won = true;
        break;
      }
    }
    target('spraying', won);
    return;
  }
  const real = d.c.account ? d.c.account.password : '';
  const pw = real && r() < mix.leaked ? real : strongPassword(r);
  target('stuffing', login('stuffing', id, pw, r));
}

// burst runs one concurrent burst on an account from the end of the pool (the rotation takes
// them from the start).
export function burst() {
  const k = exec.scenario.iterationInTest;
  const c = accounts[accounts.length - 1 - k];
  const r = rng(cfg.seed, exec.scenario.name, k, 'burst');
  const reqs = [];
  for (let j = 0; j < BURST; j++) {
    const right = j === BURST - 1;
    reqs.push(['POST', '/v1/sessions', { vector: right ? 'burst_right' : 'burst', role: ATTACKER, step: 'X02_Stuffing_02_Burst',
      body: { citizen_id: c.citizen_id, password: right ? c.account.password : `Wrong${digits(r, 6)}!x`, device_id: `atk-${digits(r, 8)}` } }]);
  }
  const res = batch(reqs);
  for (let j = 0; j < BURST - 1; j++) attempt('burst', res[j].status === 401 && res[j].code === 'invalid_credentials' ? 'fail' : refusedBy(res[j]) ? 'refused' : 'fail');
  const last = res[BURST - 1];
  const won = last.status === 201 || last.status === 202;
  attempt('burst', won ? 'success' : refusedBy(last) ? 'refused' : 'fail');
  target('burst', won);
}
