// attack-lockout-dos — an attacker who knows only public data denies citizens their own
// account. Each iteration is one victim and one vector:
//   lock     wrong passwords for the victim's citizen ID (at most 10, stopping at the first
//            answer that is not 401 invalid_credentials), then the victim logs in with the
//            right password on the bound device: anything but 201/202 is a denial.
//   silence  recoveries with the victim's account phone and made-up identity data (at most 8,
//            stopping at the first refusal), charging the phone's send limit; then the victim
//            starts a recovery with the true data: anything but 202 is a denial.
// Share of silence iterations: EIDSIM_MIX silence (default 0.3). Arrival rate: victims/s.
// A success of the attacker is a denied victim; eidsim_attack_try counts one per victim.
import exec from 'k6/execution';
import { cfg } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { rng, digits } from './lib/rand.js';
import { call, attempt, target, ATTACKER, VICTIM } from './lib/attack.js';
export { handleSummary } from './lib/summary.js';

const victims = pool('login');
const mix = Object.assign({ silence: 0.3 }, cfg.mix);
const MAX_WRONG = 10;
const MAX_RECOVERIES = 8;

export const options = {
  scenarios: {
    victims: {
      executor: 'constant-arrival-rate', exec: 'deny', rate: Math.max(1, Math.round(cfg.rate * 60)), timeUnit: '1m',
      duration: `${cfg.duration}s`, preAllocatedVUs: Math.min(cfg.vus, 10), maxVUs: cfg.vus, gracefulStop: '30s',
    },
  },
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

function lock(c, r) {
  for (let k = 0; k < MAX_WRONG; k++) {
    const a = call('POST', '/v1/sessions', { vector: 'lock', role: ATTACKER, step: 'X04_Lockout_01_Wrong',
      body: { citizen_id: c.citizen_id, password: `Wrong${digits(r, 6)}!x`, device_id: `atk-${digits(r, 8)}` } });
    if (!(a.status === 401 && a.code === 'invalid_credentials')) break;
  }
  const v = call('POST', '/v1/sessions', { vector: 'lock_victim', role: VICTIM, step: 'X04_Lockout_02_VictimLogin',
    body: { citizen_id: c.citizen_id, password: c.account.password, device_id: c.account.device_id } });
  return !(v.status === 201 || v.status === 202);
}

function silence(c, r) {
  for (let k = 0; k < MAX_RECOVERIES; k++) {
    const a = call('POST', '/v1/recoveries', { vector: 'silence', role: ATTACKER, step: 'X04_Lockout_03_Recovery',
      body: { citizen_id: `999${digits(r, 9)}`, phone: c.account.phone, full_name: 'Nguyễn Văn Giả', birth_date: '1970-01-01' } });
    if (a.status !== 202) break;
  }
  const v = call('POST', '/v1/recoveries', { vector: 'silence_victim', role: VICTIM, step: 'X04_Lockout_04_VictimRecovery',
    body: { citizen_id: c.citizen_id, phone: c.account.phone, full_name: c.full_name, birth_date: c.birth_date } });
  return v.status !== 202;
}

export function deny() {
  const d = draw(victims);
  if (d.reused) return; // a victim attacked before is no new target
  const r = rng(cfg.seed, exec.scenario.name, d.iteration, 'lockout-dos');
  const vector = r() < mix.silence ? 'silence' : 'lock';
  const denied = vector === 'lock' ? lock(d.c, r) : silence(d.c, r);
  attempt(vector, denied ? 'success' : 'fail');
  target(vector, denied);
}
