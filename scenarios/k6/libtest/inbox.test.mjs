// inbox.js: a citizen reads OTPs only from the inbox of the SIM in their hand, newer than the
// cursor taken when the flow started, and never waits past the OTP's expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { respond, calls } from 'k6/http';

globalThis.__ENV.EIDSIM_TARGET = 'http://127.0.0.1:18080/';
globalThis.__ENV.EIDSIM_OPERATOR_TOKEN = 'T0K';
const { cursor, waitOTP } = await import('../lib/inbox.js');

const msgs = (...m) => ({ status: 200, body: { messages: m } });

test('cursor is the newest message id on the handset, with the operator token, 0 without a phone', () => {
  respond(() => msgs({ id: 3 }, { id: 9, otp: '111111' }, { id: 5 }));
  assert.equal(cursor('0971000001'), 9);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, 'http://127.0.0.1:18080/sim/handsets/0971000001/messages', 'the target without its trailing slash');
  assert.equal(calls[0].params.headers.Authorization, 'Bearer T0K');
  assert.equal(calls[0].params.tags.step, 'S01_Inbox_01_Cursor');

  respond(() => msgs());
  assert.equal(cursor('0971000001'), 0, 'an empty inbox');
  respond(() => ({ status: 401, body: { error: { code: 'unauthorized' } } }));
  assert.equal(cursor('0971000001'), 0, 'a refused read');
  respond(() => assert.fail('no request without a phone'));
  assert.equal(cursor(''), 0);
});

test('waitOTP returns the first OTP newer than the cursor, skipping other messages', () => {
  respond((c) => {
    assert.match(c.url, /\/sim\/handsets\/0971000001\/messages\?after=4&wait=/);
    return msgs({ id: 5, purpose: 'notice' }, { id: 6, otp: '340592' }, { id: 7, otp: '999999' });
  });
  assert.equal(waitOTP('0971000001', 4, 20), '340592');
});

test('waitOTP polls again from the newest id it saw until an OTP comes', () => {
  const answers = [msgs({ id: 5, purpose: 'notice' }), msgs(), msgs({ id: 8, otp: '123456' })];
  respond(() => answers.shift());
  assert.equal(waitOTP('0971000001', 4, 20), '123456');
  assert.deepEqual(calls.map((c) => new URL(c.url).searchParams.get('after')), ['4', '5', '5']);
  for (const c of calls) {
    const wait = Number(new URL(c.url).searchParams.get('wait'));
    assert.ok(wait > 0 && wait <= 20, `wait=${wait}`);
    assert.equal(c.params.tags.step, 'S01_Inbox_02_Wait');
  }
});

test('waitOTP skips OTPs delivered before notBefore', () => {
  const t = Date.parse('2026-12-01T09:00:00Z');
  respond(() => msgs({ id: 1, otp: '111111', delivered_at: '2026-12-01T08:59:59Z' }, { id: 2, otp: '222222', delivered_at: '2026-12-01T09:00:01Z' }));
  assert.equal(waitOTP('0971000001', 0, 20, undefined, t), '222222');
});

test('waitOTP gives up: no phone, an expired OTP, a refused read, or 20 empty polls', () => {
  respond(() => assert.fail('no request'));
  assert.equal(waitOTP('', 0, 20), '', 'no phone');
  assert.equal(waitOTP('0971000001', 0, 20, new Date(Date.now() - 1000).toISOString()), '', 'expired before the first poll');

  respond(() => ({ status: 503, body: { error: { code: 'unavailable' } } }));
  assert.equal(waitOTP('0971000001', 0, 20), '');
  assert.equal(calls.length, 1, 'a refused read ends the wait');

  respond(() => msgs());
  assert.equal(waitOTP('0971000001', 0, 20), '');
  assert.equal(calls.length, 20, 'at most 20 long-polls');
});

test('waitOTP never asks to wait past the expiry', () => {
  respond(() => msgs());
  waitOTP('0971000001', 0, 60, new Date(Date.now() + 5000).toISOString());
  const wait = Number(new URL(calls[0].url).searchParams.get('wait'));
  assert.ok(wait > 0 && wait <= 5, `wait=${wait}`);
});
