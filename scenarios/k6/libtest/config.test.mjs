// config.js: the options eidsim load passes as EIDSIM_* variables, and the executors and
// thresholds every scenario builds from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';

Object.assign(globalThis.__ENV, {
  EIDSIM_TARGET: 'http://127.0.0.1:9/', EIDSIM_SEED: '7', EIDSIM_RATE: '2.5', EIDSIM_DURATION: '60', EIDSIM_VUS: '50',
  EIDSIM_OTP_WAIT: '15', EIDSIM_MIX: '{"new_device":0.2}', EIDSIM_FIND_MAX: '',
});
const { cfg, NFR, stepThresholds, droppedBudget, vusFor, rampHold } = await import('../lib/config.js');

test('cfg reads the EIDSIM_* variables', () => {
  assert.equal(cfg.target, 'http://127.0.0.1:9');
  assert.deepEqual([cfg.seed, cfg.rate, cfg.duration, cfg.vus, cfg.otpWait], [7, 2.5, 60, 50, 15]);
  assert.deepEqual(cfg.mix, { new_device: 0.2 });
  assert.equal(cfg.findMax, false);
});

test('a variable that is not a number stops the script, naming it', async () => {
  globalThis.__ENV.EIDSIM_RATE = 'fast';
  await assert.rejects(import('../lib/config.js?bad-rate'), /EIDSIM_RATE=fast: not a number/);
  globalThis.__ENV.EIDSIM_RATE = '2.5';
});

test('stepThresholds puts the latency NFRs on every step and the error rate on all requests', () => {
  assert.deepEqual(stepThresholds(['L01_Login_01_Password', 'L01_Login_03_Me'], { checks: ['rate==1'] }), {
    http_req_failed: [`rate<${NFR.errorRate}`],
    'http_req_duration{step:L01_Login_01_Password}': ['p(95)<=1000', 'p(99)<=2500'],
    'http_req_duration{step:L01_Login_03_Me}': ['p(95)<=1000', 'p(99)<=2500'],
    checks: ['rate==1'],
  });
});

test('droppedBudget allows 1 % of the planned iterations, at least one', () => {
  const cases = [[0, 1], [50, 1], [100, 1], [101, 2], [1999, 20]];
  for (const [planned, want] of cases) assert.deepEqual(droppedBudget(planned), { dropped_iterations: [`count<=${want}`] }, String(planned));
});

test('vusFor sizes the executor for rate × iteration time, within EIDSIM_VUS', () => {
  const cases = [
    [1, 1, { preAllocatedVUs: 2, maxVUs: 4 }],
    [10, 2, { preAllocatedVUs: 16, maxVUs: 32 }],
    [100, 5, { preAllocatedVUs: 50, maxVUs: 50 }], // capped by cfg.vus = 50
    [0, 10, { preAllocatedVUs: 2, maxVUs: 2 }],
  ];
  for (const [rate, secs, want] of cases) assert.deepEqual(vusFor(rate, secs), want, `${rate}/s × ${secs} s`);
});

test('rampHold ramps over the first third, then holds, and counts the planned iterations', () => {
  const { scenario, planned } = rampHold('login', 2.5, 60, 2);
  assert.equal(scenario.executor, 'ramping-arrival-rate');
  assert.equal(scenario.exec, 'login');
  assert.equal(scenario.timeUnit, '1m');
  assert.deepEqual(scenario.stages, [{ target: 150, duration: '20s' }, { target: 150, duration: '40s' }]);
  assert.equal(scenario.gracefulStop, '25s', 'the OTP wait plus 10 s');
  assert.equal(planned, Math.ceil(2.5 * (20 / 2 + 40)));
  assert.equal(rampHold('x', 0.001, 30, 1).scenario.stages[0].target, 1, 'at least one iteration a minute');
});
