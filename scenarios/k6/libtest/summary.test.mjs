// summary.js: stdout says how many thresholds passed and which thresholds and checks failed;
// the whole summary goes, as JSON, to EIDSIM_SUMMARY_FILE.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.__ENV.EIDSIM_SUMMARY_FILE = '/run/k6-summary.json';
const { failedChecks, verdictText, handleSummary } = await import('../lib/summary.js');

const data = {
  metrics: {
    'http_req_duration{step:L01_Login_01_Password}': { thresholds: { 'p(95)<=1000': { ok: true }, 'p(99)<=2500': { ok: false } } },
    http_req_failed: { thresholds: { 'rate<0.05': { ok: true } } },
    checks: { thresholds: { 'rate>0.95': { ok: false } } },
    iterations: {},
  },
  root_group: {
    checks: [{ name: 'login → 201', passes: 9, fails: 1 }, { name: 'me → 200', passes: 10, fails: 0 }],
    groups: [{ checks: [{ name: 'otp → 200', passes: 0, fails: 2 }], groups: [] }],
  },
};

test('failedChecks walks the groups and lists each failed check with its counts', () => {
  assert.deepEqual(failedChecks(data.root_group), ['login → 201: 1 of 10 failed', 'otp → 200: 2 of 2 failed']);
  assert.deepEqual(failedChecks(undefined), []);
});

test('verdictText counts the thresholds and names the failed ones, sorted by metric', () => {
  assert.equal(verdictText(data), [
    'thresholds: 2 of 4 passed',
    '  FAIL checks rate>0.95',
    '  FAIL http_req_duration{step:L01_Login_01_Password} p(99)<=2500',
    'checks that failed:',
    '  login → 201: 1 of 10 failed',
    '  otp → 200: 2 of 2 failed',
  ].join('\n') + '\n');
  assert.equal(verdictText({ metrics: {}, root_group: {} }), 'thresholds: 0 of 0 passed\n');
});

test('handleSummary writes the JSON summary to EIDSIM_SUMMARY_FILE and the verdict to stdout', () => {
  const out = handleSummary(data);
  assert.deepEqual(Object.keys(out).sort(), ['/run/k6-summary.json', 'stdout']);
  assert.deepEqual(JSON.parse(out['/run/k6-summary.json']), data);
  assert.equal(out.stdout, verdictText(data));
});
