// outcomes.js: a failed flow's cause comes from the API's error code or, when no OTP reached
// the citizen's own handset, from the citizen's record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSE, noOTPCause, causeOfCode, record, outcomes, flowOK } from '../lib/outcomes.js';
import { METRIC } from '../lib/metrics.js';

const citizen = (o) => Object.assign({ handset: 'smartphone', coverage: '4g', sim: { phone: '0971000001', owner_registered: true } }, o);

test('noOTPCause explains a missing OTP from the record, in order of precedence', () => {
  const cases = [
    ['no SIM', citizen({ sim: { phone: '' } }), '0971000001', CAUSE.noHandset],
    ['no handset', citizen({ handset: 'none' }), '0971000001', CAUSE.noHandset],
    ['sent to the phone on the account, not the SIM in hand', citizen({ coverage: 'none' }), '0912345601', CAUSE.otpToOtherPhone],
    ['no coverage', citizen({ coverage: 'none' }), '0971000001', CAUSE.noCoverage],
    ['slower than the citizen waited', citizen({}), '0971000001', CAUSE.gaveUpWaiting],
    ['where it went is unknown', citizen({}), '', CAUSE.gaveUpWaiting],
  ];
  for (const [name, c, sentTo, want] of cases) assert.equal(noOTPCause(c, sentTo), want, name);
});

test('causeOfCode maps every error code of the contract, and nothing else, to a cause', () => {
  const cases = {
    otp_expired: 'otp_expired', otp_attempts_exceeded: 'attempts_exceeded', account_locked: 'locked',
    rate_limited: 'rate_limited', resend_too_soon: 'rate_limited', resend_limit: 'rate_limited',
    phone_not_owner: 'phone_not_owner', identity_mismatch: 'identity_mismatch', account_exists: 'account_exists',
    phone_in_use: 'phone_in_use', biometric_mismatch: 'biometric_mismatch', invalid_credentials: 'wrong_password',
    '': 'unexpected_response', overloaded: 'unexpected_response', otp_invalid: 'unexpected_response',
  };
  for (const [code, want] of Object.entries(cases)) assert.equal(causeOfCode(code), want, code || '(none)');
  const causes = new Set(Object.values(CAUSE));
  assert.equal(causes.size, Object.keys(CAUSE).length, 'no two causes share a name');
});

test('record counts the outcome with the flow, cause and segment, and the flow ok rate', () => {
  outcomes.reset();
  flowOK.reset();
  const c = citizen({ ethnicity: 'Thái', sim: { phone: '0912345601', owner_registered: false } });
  record('recovery', c, 'failed', CAUSE.otpToOtherPhone);
  record('login', c, 'ok');
  record('login_wrong_password', c, 'rejected', CAUSE.wrongPassword);
  assert.deepEqual(outcomes.points, [
    { value: 1, tags: { flow: 'recovery', outcome: 'failed', cause: 'otp_to_other_phone', ethnicity: 'Thái', handset: 'smartphone', coverage: '4g', sim: 'non_owner', carrier: 'VinaPhone' } },
    { value: 1, tags: { flow: 'login', outcome: 'ok', cause: 'none', ethnicity: 'Thái', handset: 'smartphone', coverage: '4g', sim: 'non_owner', carrier: 'VinaPhone' } },
    { value: 1, tags: { flow: 'login_wrong_password', outcome: 'rejected', cause: 'wrong_password', ethnicity: 'Thái', handset: 'smartphone', coverage: '4g', sim: 'non_owner', carrier: 'VinaPhone' } },
  ]);
  assert.deepEqual(flowOK.points.map((p) => [p.value, p.tags.flow]), [[0, 'recovery'], [1, 'login'], [1, 'login_wrong_password']]);
  assert.equal(outcomes.name, METRIC.outcomes);
  assert.equal(flowOK.name, METRIC.flowOK);
});
