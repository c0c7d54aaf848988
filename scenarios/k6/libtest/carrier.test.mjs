// carrier.js: outcomes are attributed to the carrier that carries the citizen's OTP.
// (TestCarrierTableOfTheScenarios in reference/faults keeps PREFIXES equal to Go's table.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carrierOf, otpCarrier, PREFIXES } from '../lib/carrier.js';

test('carrierOf maps a 10-digit number by its prefix', () => {
  const cases = [
    ['0971000001', 'Viettel'], ['0321234567', 'Viettel'], ['0901234503', 'MobiFone'], ['0912345601', 'VinaPhone'],
    ['0921234567', 'Vietnamobile'], ['0591234567', 'Gmobile'], ['0871234567', 'Itelecom'], ['0551234567', 'Reddi'],
    ['0111234567', 'unknown'], // no carrier has 011
    ['097100000', 'unknown'], ['09710000011', 'unknown'], ['09710a0001', 'unknown'], ['', 'unknown'], [undefined, 'unknown'],
  ];
  for (const [phone, want] of cases) assert.equal(carrierOf(phone), want, String(phone));
});

test('every prefix is three digits starting with 0', () => {
  for (const p of Object.keys(PREFIXES)) assert.match(p, /^0[0-9]{2}$/);
});

test('otpCarrier takes the account phone first, then the SIM in hand, else none', () => {
  const cases = [
    [{ account: { phone: '0912345601' }, sim: { phone: '0971000001' } }, 'VinaPhone'],
    [{ account: null, sim: { phone: '0971000001' } }, 'Viettel'],
    [{ account: { phone: '' }, sim: { phone: '0901234503' } }, 'MobiFone'],
    [{ sim: { phone: '' } }, 'none'],
    [{}, 'none'],
  ];
  for (const [c, want] of cases) assert.equal(otpCarrier(c), want, JSON.stringify(c));
});
