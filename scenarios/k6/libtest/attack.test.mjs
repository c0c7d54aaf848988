// attack.js: the adversarial scenarios' instrument — answers reduced to what an attacker can
// compare, defences told apart from verdicts, and the harness's reads of /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { respond, calls } from 'k6/http';

globalThis.__ENV.EIDSIM_TARGET = 'http://127.0.0.1:18080';
globalThis.__ENV.EIDSIM_OPERATOR_TOKEN = 'T0K';
const a = await import('../lib/attack.js');
const { rng } = await import('../lib/rand.js');

test('signature is status, code, sorted body and error keys, and Retry-After', () => {
  const cases = [
    [{ status: 401, code: 'invalid_credentials', body: { error: { message: 'm', code: 'invalid_credentials' } }, ra: false }, '401|invalid_credentials|error|code,message|ra=n'],
    [{ status: 202, code: '', body: { otp_expires_at: 't', challenge_id: 'c' }, ra: false }, '202||challenge_id,otp_expires_at||ra=n'],
    [{ status: 429, code: 'rate_limited', body: null, ra: true }, '429|rate_limited|||ra=y'],
  ];
  for (const [ans, want] of cases) assert.equal(a.signature(ans), want);
});

test('refusedBy tells a defence from a verdict on the attempt', () => {
  const cases = [
    [0, '', true], [403, '', true], [415, 'unsupported_media_type', true], [423, 'account_locked', true],
    [429, 'rate_limited', true], [503, 'overloaded', true], [401, 'unauthorized', true],
    [401, 'invalid_credentials', false], [422, 'otp_invalid', false], [201, '', false], [202, '', false],
  ];
  for (const [status, code, want] of cases) assert.equal(a.refusedBy({ status, code }), want, `${status} ${code}`);
});

test('parseMetrics sums samples per name and per single label', () => {
  const text = [
    '# HELP eidsim_logins_total logins', '# TYPE eidsim_logins_total counter',
    'eidsim_logins_total{outcome="token"} 2', 'eidsim_logins_total{outcome="challenge"} 1',
    'eidsim_sms_submitted_total{carrier="Viettel",purpose="login"} 3', 'process_resident_memory_bytes 1.5e+07',
    'eidsim_bad NaN', 'garbage line', '',
  ].join('\n');
  assert.deepEqual(a.parseMetrics(text), {
    eidsim_logins_total: 3, 'eidsim_logins_total{outcome="token"}': 2, 'eidsim_logins_total{outcome="challenge"}': 1,
    eidsim_sms_submitted_total: 3, 'eidsim_sms_submitted_total{carrier="Viettel"}': 3, 'eidsim_sms_submitted_total{purpose="login"}': 3,
    process_resident_memory_bytes: 1.5e7,
  });
});

test('seqPhone steps within the prefix and refuses to leave it', () => {
  const cases = [['0971000001', 1, '0971000002'], ['0971000001', -1, '0971000000'], ['0979999999', 1, ''], ['0970000000', -1, ''], ['971000001', 1, '']];
  for (const [phone, off, want] of cases) assert.equal(a.seqPhone(phone, off), want, `${phone}${off >= 0 ? '+' : ''}${off}`);
});

test('fakeID is 12 digits in province 999, which no citizen has', () => {
  const r = rng(1, 's', 0, 'id');
  for (let i = 0; i < 20; i++) assert.match(a.fakeID(r), /^999[0-9]{9}$/);
});

test('simAuth: the harness sends the operator token unless EIDSIM_SIM_AUTH=0', () => {
  assert.deepEqual(a.simAuth(), { Authorization: 'Bearer T0K' });
  globalThis.__ENV.EIDSIM_SIM_AUTH = '0';
  assert.deepEqual(a.simAuth(), {});
  delete globalThis.__ENV.EIDSIM_SIM_AUTH;
});

test('call records the request in eidsim_attack_req with its answer and never the token', () => {
  a.attackReq.reset();
  respond(() => ({ status: 429, body: { error: { code: 'rate_limited' } }, headers: { 'retry-after': '1' }, timings: { duration: 12, blocked: 1 } }));
  const ans = a.call('POST', '/v1/sessions', { vector: 'guess', role: a.ATTACKER, body: { citizen_id: '1' } });
  assert.deepEqual([ans.status, ans.code, ans.ra, ans.retryAfter, ans.ms], [429, 'rate_limited', true, '1', 13]);
  assert.deepEqual(a.attackReq.points, [{ value: 13, tags: { vector: 'guess', role: 'attacker', status: '429', code: 'rate_limited', ra: 'y' } }]);
  assert.equal(calls[0].url, 'http://127.0.0.1:18080/v1/sessions');
  assert.equal(calls[0].params.headers['Content-Type'], 'application/json');
  assert.equal(calls[0].params.headers.Authorization, undefined, 'an attacker never holds the operator token');
  assert.equal(calls[0].body, '{"citizen_id":"1"}');
});

test('otpLength reads the policy from /sim/settings, else 6', () => {
  const cases = [[{ status: 200, body: { policy: { otp_length: 8 } } }, 8], [{ status: 200, body: { policy: { otp_length: 40 } } }, 6],
    [{ status: 404, body: 'not found' }, 6]];
  for (const [res, want] of cases) {
    respond(() => res);
    assert.equal(a.otpLength(), want);
    assert.equal(calls[0].params.headers.Authorization, 'Bearer T0K');
  }
});
