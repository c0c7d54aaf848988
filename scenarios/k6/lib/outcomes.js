// outcomes.js — what each flow ended in, per cause and per citizen segment. Causes come from
// what the VU observed through the API and its own inbox; when no OTP reached the citizen's
// own handset, the citizen's population record says why (the phone on the account is not the
// one in the handset, the village has no coverage, there is no handset).
import { Counter, Rate } from 'k6/metrics';
import { segmentTags } from './citizens.js';
import { METRIC } from './metrics.js';

export const outcomes = new Counter(METRIC.outcomes);
// flowOK: the flow ended as the contract says it should for this citizen (ok, or an expected
// refusal such as a wrong password).
export const flowOK = new Rate(METRIC.flowOK);
export const reuse = new Counter(METRIC.citizenReused);
// rebound counts bound-device logins that met a challenge because an earlier run against the
// same service moved the account to another device (use a fresh --seed to avoid it).
export const rebound = new Counter(METRIC.boundLoginRebound);

// Causes of a failed flow.
export const CAUSE = {
  otpToOtherPhone: 'otp_to_other_phone', // OTP sent to the account's phone, which the citizen no longer holds
  noHandset: 'no_handset',               // the citizen has no handset or no SIM to receive it
  noCoverage: 'no_coverage',             // the village has no mobile coverage
  gaveUpWaiting: 'gave_up_waiting',      // the OTP did not arrive within the citizen's wait (carrier latency, 2G retries)
  gaveUpTypos: 'gave_up_typos',          // the citizen mistyped the OTP until their patience ran out
  otpExpired: 'otp_expired',             // 410 otp_expired
  attemptsExceeded: 'attempts_exceeded', // 429 otp_attempts_exceeded
  locked: 'locked',                      // 423 account_locked
  rateLimited: 'rate_limited',           // 429 rate_limited / resend limits
  phoneNotOwner: 'phone_not_owner',      // 422 phone_not_owner: the SIM is not registered in the citizen's name
  identityMismatch: 'identity_mismatch', // 422 identity_mismatch
  accountExists: 'account_exists',       // 409 account_exists
  phoneInUse: 'phone_in_use',            // 409 phone_in_use: the number is on another account (a shared or recycled SIM)
  biometricMismatch: 'biometric_mismatch', // 422 biometric_mismatch at the counter
  wrongPassword: 'wrong_password',       // 401 invalid_credentials
  unexpected: 'unexpected_response',     // any answer the contract does not list for the step
};

// noOTPCause explains, from the citizen's record, why no OTP reached their own handset.
export function noOTPCause(c, sentTo) {
  const held = c.sim && c.sim.phone ? c.sim.phone : '';
  if (!held || c.handset === 'none') return CAUSE.noHandset;
  if (sentTo && sentTo !== held) return CAUSE.otpToOtherPhone;
  if (c.coverage === 'none') return CAUSE.noCoverage;
  return CAUSE.gaveUpWaiting;
}

// causeOfCode maps an API error code to a cause.
export function causeOfCode(code) {
  switch (code) {
    case 'otp_expired': return CAUSE.otpExpired;
    case 'otp_attempts_exceeded': return CAUSE.attemptsExceeded;
    case 'account_locked': return CAUSE.locked;
    case 'rate_limited': case 'resend_too_soon': case 'resend_limit': return CAUSE.rateLimited;
    case 'phone_not_owner': return CAUSE.phoneNotOwner;
    case 'identity_mismatch': return CAUSE.identityMismatch;
    case 'account_exists': return CAUSE.accountExists;
    case 'phone_in_use': return CAUSE.phoneInUse;
    case 'biometric_mismatch': return CAUSE.biometricMismatch;
    case 'invalid_credentials': return CAUSE.wrongPassword;
    default: return CAUSE.unexpected;
  }
}

// record counts one finished flow. outcome is 'ok', 'rejected' (an expected refusal such as
// a wrong password) or 'failed' with a cause.
export function record(flow, c, outcome, cause) {
  const tags = Object.assign({ flow, outcome, cause: cause || 'none' }, segmentTags(c));
  outcomes.add(1, tags);
  flowOK.add(outcome !== 'failed', { flow });
}
