// config.js — what eidsim load passes to every script (environment variables), and the
// option builders every scenario shares: open-model executors and GOV.UK One Login style
// thresholds per step.
//
// EIDSIM_TARGET        base URL of a service implementing API.md (no trailing slash)
// EIDSIM_CITIZENS_DIR  directory holding citizens-<pool>.json, the sampled citizens per flow
// EIDSIM_SEED          run seed: every random choice of a VU derives from it
// EIDSIM_RATE          peak arrival rate, iterations per second
// EIDSIM_DURATION      duration in seconds
// EIDSIM_VUS           maxVUs per scenario
// EIDSIM_OTP_WAIT      seconds a citizen watches the handset for an OTP before giving up
// EIDSIM_OPERATOR_TOKEN the service's operator token: the police counter and every /sim/ call
// EIDSIM_SUMMARY_FILE  where handleSummary writes k6's end-of-test summary as JSON
// EIDSIM_FIND_MAX      "1" when the run is a step of --find-max (constant rate, short ramp)
// EIDSIM_MIX           JSON object of flow shares overriding a scenario's defaults
import { METRIC } from './metrics.js';

function num(name, def) {
  const v = __ENV[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!isFinite(n)) throw new Error(`${name}=${v}: not a number`);
  return n;
}

export const cfg = {
  target: (__ENV.EIDSIM_TARGET || 'http://127.0.0.1:8080').replace(/\/+$/, ''),
  citizensDir: __ENV.EIDSIM_CITIZENS_DIR || '.',
  seed: num('EIDSIM_SEED', 1),
  rate: num('EIDSIM_RATE', 10),
  duration: num('EIDSIM_DURATION', 30),
  vus: num('EIDSIM_VUS', 200),
  otpWait: num('EIDSIM_OTP_WAIT', 20),
  operatorToken: __ENV.EIDSIM_OPERATOR_TOKEN || '',
  summaryFile: __ENV.EIDSIM_SUMMARY_FILE || '',
  findMax: __ENV.EIDSIM_FIND_MAX === '1',
  // strict: the service is fresh, so a bound-device login must not meet a challenge (smoke).
  strict: false,
  mix: __ENV.EIDSIM_MIX ? JSON.parse(__ENV.EIDSIM_MIX) : {},
};

// Non-functional requirements, as GOV.UK One Login's thresholds.ts states them.
export const NFR = { p95: 1000, p99: 2500, errorRate: 0.05 };

// stepThresholds puts the latency NFRs on every named step (the http_req_duration sub-metric
// tagged with the step), and the error-rate NFR on all requests.
export function stepThresholds(steps, extra) {
  const t = {
    [METRIC.httpReqFailed]: [`rate<${NFR.errorRate}`],
  };
  for (const s of steps) {
    t[`${METRIC.httpReqDuration}{step:${s}}`] = [`p(95)<=${NFR.p95}`, `p(99)<=${NFR.p99}`];
  }
  return Object.assign(t, extra || {});
}

// droppedBudget is the dropped-iterations error budget: 1 % of the planned iterations.
export function droppedBudget(planned) {
  return { [METRIC.droppedIterations]: [`count<=${Math.max(1, Math.ceil(planned * 0.01))}`] };
}

// vusFor sizes an arrival-rate executor: enough VUs for rate × the expected iteration time.
export function vusFor(rate, iterSeconds) {
  const need = Math.ceil(rate * iterSeconds * 1.5) + 2;
  return { preAllocatedVUs: Math.min(cfg.vus, Math.max(2, Math.ceil(need / 2))), maxVUs: Math.max(2, Math.min(cfg.vus, need)) };
}

// rampHold is a ramping-arrival-rate executor (per minute, so fractional per-second rates
// keep their resolution): from 0 to rate over the first third (5 s in --find-max steps), then
// held. It returns the executor and the iterations it plans.
export function rampHold(exec, rate, seconds, iterSeconds) {
  const ramp = cfg.findMax ? Math.min(5, Math.floor(seconds / 4)) : Math.floor(seconds / 3);
  const hold = seconds - ramp;
  const perMin = Math.max(1, Math.round(rate * 60));
  return {
    scenario: Object.assign({
      executor: 'ramping-arrival-rate',
      exec,
      startRate: 0,
      timeUnit: '1m',
      stages: [
        { target: perMin, duration: `${ramp}s` },
        { target: perMin, duration: `${hold}s` },
      ],
      gracefulStop: `${Math.ceil(cfg.otpWait + 10)}s`,
    }, vusFor(rate, iterSeconds)),
    planned: Math.ceil(rate * (ramp / 2 + hold)),
  };
}
