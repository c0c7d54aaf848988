// attack-sms-pumping — SMS toll fraud: an attacker makes the service send OTPs to a block of
// sequential numbers (numbers it would rent at a premium rate), using the public record of
// citizens to get past identity checks. Each iteration is one request to one number:
//   registration  POST /v1/registrations with the data of a citizen without an account and
//                 a number of the block around that citizen's own SIM (offsets −2…+2: one in
//                 five is the citizen's own number, the others are strangers' numbers);
//   recovery      POST /v1/recoveries with the data of a citizen with an account and a number
//                 of the block around the account's phone (its answer is the same whatever
//                 happens, so only the harness can tell whether an SMS went out);
//   resend        after a 202, POST /v1/otp/{id}/resend at once.
// Share of recovery iterations: EIDSIM_MIX recovery (default 0.5). Arrival rate: numbers/s.
// Ground truth: after each request the harness reads the pumped number's inbox (with the
// operator token when given, lib/attack.js simAuth) for up to 2 s; a message there is an SMS
// the attacker pumped ('success'), split into the citizen's own number (victim bombing) and a
// stranger's number (toll fraud). /metrics eidsim_otp_sent_total before and after is a
// cross-check when the harness can read it.
import exec from 'k6/execution';
import { cfg } from './lib/config.js';
import { pool } from './lib/citizens.js';
import { rng, digits } from './lib/rand.js';
import { call, attempt, target, refusedBy, seqPhone, scrape, serverGauge, simAuth, ATTACKER, HARNESS } from './lib/attack.js';
export { handleSummary } from './lib/summary.js';

const noAccount = pool('register');
const withAccount = pool('recover');
const mix = Object.assign({ recovery: 0.5 }, cfg.mix);
const BLOCK = 5;
const WAIT = 2;

export const options = {
  scenarios: {
    numbers: {
      executor: 'constant-arrival-rate', exec: 'pump', rate: Math.max(1, Math.round(cfg.rate * 60)), timeUnit: '1m',
      duration: `${cfg.duration}s`, preAllocatedVUs: Math.min(cfg.vus, 10), maxVUs: cfg.vus, gracefulStop: '30s',
    },
  },
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

const SENT = 'eidsim_otp_sent_total';

export function setup() {
  const m = scrape('metrics');
  return { sent: m ? m[SENT] || 0 : -1 };
}

export function teardown(data) {
  const m = scrape('metrics');
  if (m && data.sent >= 0) serverGauge.add((m[SENT] || 0) - data.sent, { gauge: 'otp_sent_delta' });
}

// inbox reads phone's messages newer than after, waiting up to wait s, as the harness.
function inbox(phone, after, wait) {
  return call('GET', `/sim/handsets/${phone}/messages?after=${after}&wait=${wait}`, { vector: 'inbox', role: HARNESS, step: 'S01_Harness_Inbox', timeout: `${wait + 10}s`,
    headers: simAuth() });
}

function lastID(a) {
  let last = 0;
  if (a.status === 200 && a.body && Array.isArray(a.body.messages)) for (const m of a.body.messages) if (m.id > last) last = m.id;
  return last;
}

export function pump() {
  const i = exec.scenario.iterationInTest;
  const r = rng(cfg.seed, exec.scenario.name, i, 'sms-pumping');
  const recovery = r() < mix.recovery && withAccount.length > 0;
  const p = recovery ? withAccount : noAccount;
  if (p.length === 0) return;
  // Every BLOCK iterations of a flow share one citizen; the block is that citizen's numbers.
  const c = p[Math.floor(i / BLOCK) % p.length];
  const own = recovery ? c.account.phone : c.sim.phone;
  const off = (i % BLOCK) - Math.floor(BLOCK / 2);
  const phone = seqPhone(own, off);
  if (!phone) return;
  const vector = recovery ? 'recovery' : 'registration';
  const before = inbox(phone, 0, 0);
  const truth = before.status === 200;
  const cursor = lastID(before);
  const body = recovery
    ? { citizen_id: c.citizen_id, phone, full_name: c.full_name, birth_date: c.birth_date }
    : { citizen_id: c.citizen_id, full_name: c.full_name, birth_date: c.birth_date, phone, device_id: `atk-${digits(r, 8)}` };
  const a = call('POST', recovery ? '/v1/recoveries' : '/v1/registrations', { vector, role: ATTACKER, step: `X03_Pumping_01_${recovery ? 'Recovery' : 'Registration'}`, body });
  let sent = 0;
  if (a.status === 202 && truth) {
    const after = inbox(phone, cursor, WAIT);
    sent = after.status === 200 && lastID(after) > cursor ? 1 : 0;
  } else if (a.status === 202 && !recovery) {
    sent = 1; // no ground truth: a registration's 202 says the OTP went out
  }
  if (a.status === 202 && recovery && !truth) {
    attempt(vector, 'unknown'); // the answer is uniform and the harness cannot read the inbox
  } else {
    attempt(vector, sent ? 'success' : refusedBy(a) ? 'refused' : 'fail');
    target(off === 0 ? `${vector}_own_number` : `${vector}_stranger_number`, sent > 0);
  }
  if (a.status === 202 && a.body) {
    const id = a.body.registration_id || a.body.recovery_id;
    if (id) {
      const rs = call('POST', `/v1/otp/${id}/resend`, { vector: 'resend', role: ATTACKER, step: 'X03_Pumping_02_Resend' });
      attempt('resend', rs.status === 200 || rs.status === 202 ? 'success' : refusedBy(rs) ? 'refused' : 'fail');
    }
  }
}
