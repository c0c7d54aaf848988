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
// A success is a confirmed password: 201 (token) or 202 (a new-device challenge, which also
// sends an OTP to the victim). The synthetic population draws passwords from a small pool,
// so spraying odds here say more about that pool than about real citizens.
import exec from 'k6/execution';
import { cfg } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { rng, strongPassword, digits } from './lib/rand.js';
import { call, attempt, target, refusedBy, ATTACKER } from './lib/attack.js';
export { handleSummary } from './lib/summary.js';

const accounts = pool('login');
const strangers = pool('register');
const mix = Object.assign({ spray: 0.5, leaked: 0.1, no_account: 0.3 }, cfg.mix);
const SPRAY = 3;

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
};

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
