// bench-stream.js — the load of the streaming benchmark (scripts/bench-stream.sh): an
// open-model arrival rate (BENCH_RATE iterations/s for BENCH_DURATION) of iterations shaped
// like eidsim's login flows as k6 sees them: three requests tagged with a step each (a wrong
// password, /v1/me without a session, /healthz), one eidsim_outcomes count with the outcome
// and segment tags, and a check. Per-step thresholds as stepThresholds sets them, so that the
// stock k6 keeps its Trend sinks as it does for a scenario. BENCH_MODE=cpu runs a closed model
// instead (BENCH_VUS VUs as fast as they go) for iterations per CPU-second.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import exec from 'k6/execution';

const target = (__ENV.BENCH_TARGET || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const rate = Number(__ENV.BENCH_RATE || 1000);
const duration = __ENV.BENCH_DURATION || '60s';
const outcomes = new Counter('eidsim_outcomes');
const ETH = ['kinh', 'hmong', 'thai', 'dao'];
const CAUSE = ['none', 'invalid_credentials', 'locked'];

const scenario = __ENV.BENCH_MODE === 'cpu'
  ? { executor: 'constant-vus', vus: Number(__ENV.BENCH_VUS || 20), duration }
  : { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration, preAllocatedVUs: 100, maxVUs: 400 };

export const options = {
  scenarios: { logins: scenario },
  thresholds: {
    http_req_failed: ['rate<1'],
    'http_req_duration{step:B01-password}': ['p(95)<=1000', 'p(99)<=2500'],
    'http_req_duration{step:B02-me}': ['p(95)<=1000', 'p(99)<=2500'],
    'http_req_duration{step:B03-health}': ['p(95)<=1000', 'p(99)<=2500'],
  },
  discardResponseBodies: true,
};

export default function () {
  // The CPU mode's figure: every 200th iteration of the test logs its number (within 200 of
  // the total at the end), as no output may count them in the run without the extension.
  if (__ENV.BENCH_MODE === 'cpu' && exec.scenario.iterationInTest % 200 === 0) console.log(`iterations=${exec.scenario.iterationInTest}`);
  const n = Math.floor(Math.random() * 1e9);
  const eth = ETH[n % ETH.length];
  const r1 = http.post(`${target}/v1/sessions`, JSON.stringify({ id_number: String(1e11 + n), password: 'wrong-' + n, device_id: 'bench' }),
    { headers: { 'Content-Type': 'application/json' }, tags: { step: 'B01-password', flow: 'login' }, responseCallback: http.expectedStatuses(400, 401, 404, 423, 429) });
  http.get(`${target}/v1/me`, { tags: { step: 'B02-me', flow: 'login' }, responseCallback: http.expectedStatuses(401) });
  const r3 = http.get(`${target}/healthz`, { tags: { step: 'B03-health', flow: 'login' } });
  check(r3, { 'healthz 200': (r) => r.status === 200 });
  outcomes.add(1, { flow: 'login', result: r1.status === 200 ? 'ok' : 'refused', cause: CAUSE[n % CAUSE.length], ethnicity: eth });
}

