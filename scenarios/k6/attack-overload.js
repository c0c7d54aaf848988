// attack-overload — a crowd (or a botnet) far past the service's knee, and how the service
// comes back. Three phases on one timeline:
//   baseline  half the overload's length, 2–10 s, of probe logins alone (the pre-load normal)
//   overload  EIDSIM_DURATION s of crowd logins at EIDSIM_RATE/s (open model, ≤ EIDSIM_VUS in
//             flight, 5 s client timeout: a client that waited 5 s has gone), probes go on
//   after     as long as the overload (at least the baseline) of probe logins alone
// Probes arrive at EIDSIM_MIX probe × the rate (default 0.1, at least 1/s) all along. Every
// login is a bound-device login with the right password (201; 202 after an earlier run moved
// the device, which also counts as a login that worked). The harness reads /metrics once a
// second (with the operator token when given) for the service's RSS, open files, goroutines,
// any *queue* gauge and its count of successful logins (eidsim_logins_total). eidsim load derives goodput (successful logins/s during the
// overload), the p99 of admitted requests (all but 429/503), the shares of 429/503 and of
// those with Retry-After, and the time back to normal: the first 1-s window after the load
// stopped whose probes have the baseline's success and a p99 within 2× the baseline's.
import exec from 'k6/execution';
import { cfg } from './lib/config.js';
import { pool } from './lib/citizens.js';
import { call, scrape, serverGauge, ATTACKER, VICTIM } from './lib/attack.js';
export { handleSummary } from './lib/summary.js';

const logins = pool('login');
const mix = Object.assign({ probe: 0.1 }, cfg.mix);
const BASELINE = Math.min(10, Math.max(2, Math.round(cfg.duration / 2)));
const AFTER = Math.max(BASELINE, cfg.duration);
const TOTAL = BASELINE + cfg.duration + AFTER;
const TIMEOUT = 5;
const probeRate = Math.max(1, cfg.rate * mix.probe);

const perMin = (rate) => Math.max(1, Math.round(rate * 60));

export const options = {
  scenarios: {
    probe: {
      executor: 'constant-arrival-rate', exec: 'probe', rate: perMin(probeRate), timeUnit: '1m', duration: `${TOTAL}s`,
      preAllocatedVUs: Math.ceil(probeRate * 2) + 2, maxVUs: Math.ceil(probeRate * (TIMEOUT + 1)) + 5, gracefulStop: `${TIMEOUT + 5}s`,
    },
    crowd: {
      executor: 'constant-arrival-rate', exec: 'crowd', rate: perMin(cfg.rate), timeUnit: '1m', duration: `${cfg.duration}s`,
      startTime: `${BASELINE}s`, preAllocatedVUs: Math.min(cfg.vus, Math.ceil(cfg.rate) + 2), maxVUs: cfg.vus, gracefulStop: `${TIMEOUT + 5}s`,
    },
    monitor: {
      executor: 'constant-arrival-rate', exec: 'monitor', rate: 1, timeUnit: '1s', duration: `${TOTAL}s`,
      preAllocatedVUs: 2, maxVUs: 4, gracefulStop: '10s',
    },
  },
  summaryTrendStats: ['avg', 'p(95)', 'p(99)', 'max', 'count'],
};

function login(vector, role, step) {
  const i = exec.scenario.iterationInTest;
  const c = logins[(vector === 'probe' ? logins.length - 1 - (i % logins.length) : i % logins.length)];
  call('POST', '/v1/sessions', { vector, role, step, timeout: `${TIMEOUT}s`,
    body: { citizen_id: c.citizen_id, password: c.account.password, device_id: c.account.device_id } });
}

export function crowd() { login('crowd', ATTACKER, 'X06_Overload_01_Crowd'); }
export function probe() { login('probe', VICTIM, 'X06_Overload_02_Probe'); }

const GAUGES = { rss_bytes: 'process_resident_memory_bytes', open_fds: 'process_open_fds', goroutines: 'go_goroutines' };

export function monitor() {
  const m = scrape('monitor');
  if (!m) return;
  for (const [g, name] of Object.entries(GAUGES)) if (m[name] !== undefined) serverGauge.add(m[name], { gauge: g });
  let q = 0;
  let seen = false;
  for (const k of Object.keys(m)) {
    if (k.indexOf('{') < 0 && /queue/.test(k) && !/_total$|_bucket$|_sum$|_count$/.test(k)) {
      q += m[k];
      seen = true;
    }
  }
  if (seen) serverGauge.add(q, { gauge: 'queue' });
  // Logins the service completed with a token or a challenge (each cost a hash), answered or
  // not: minus the logins clients received, the work done for clients that had gone.
  if (m.eidsim_logins_total !== undefined) {
    serverGauge.add((m['eidsim_logins_total{outcome="token"}'] || 0) + (m['eidsim_logins_total{outcome="challenge"}'] || 0), { gauge: 'logins_ok_total' });
  }
}
