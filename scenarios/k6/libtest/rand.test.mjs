// rand.js: every choice a virtual user makes is a pure function of (seed, scenario,
// iteration, purpose), so runs repeat and segments make the same choices as the whole run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng, digits, strongPassword, mistype, pick } from '../lib/rand.js';

const take = (r, n) => Array.from({ length: n }, () => r());

test('rng repeats for the same inputs and differs when any input changes', () => {
  const a = take(rng(1, 'smoke', 7, 'otp'), 8);
  assert.deepEqual(take(rng(1, 'smoke', 7, 'otp'), 8), a);
  for (const other of [rng(2, 'smoke', 7, 'otp'), rng(1, 'login', 7, 'otp'), rng(1, 'smoke', 8, 'otp'), rng(1, 'smoke', 7, 'typo')]) {
    assert.notDeepEqual(take(other, 8), a);
  }
});

test('rng is pinned: the same draws as every earlier run (mulberry32 over FNV-1a)', () => {
  // Changing these changes every recorded run's choices; do it only on purpose.
  assert.deepEqual(take(rng(1, 'smoke', 0, 'x'), 3).map((u) => Math.floor(u * 1e9)), PINNED);
});

test('rng draws lie in [0, 1) and spread over it', () => {
  const u = take(rng(42, 's', 0, 'p'), 10000);
  assert.ok(u.every((x) => x >= 0 && x < 1));
  const mean = u.reduce((s, x) => s + x, 0) / u.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  const deciles = new Array(10).fill(0);
  for (const x of u) deciles[Math.floor(x * 10)]++;
  assert.ok(deciles.every((n) => n > 850 && n < 1150), `deciles ${deciles}`);
});

test('digits gives n decimal digits', () => {
  const r = rng(3, 's', 0, 'd');
  for (const n of [0, 1, 6, 12]) {
    const d = digits(r, n);
    assert.match(d, new RegExp(`^[0-9]{${n}}$`));
  }
});

test('strongPassword passes the service password rule (reference.Policy.CheckPassword)', () => {
  const rule = passwordRule();
  const r = rng(5, 's', 0, 'pw');
  for (let i = 0; i < 200; i++) {
    const pw = strongPassword(r);
    assert.ok(pw.length >= rule.min && pw.length <= rule.max, `${pw}: length`);
    assert.match(pw, /[0-9]/);
    assert.match(pw, /[A-Z]/);
    assert.match(pw, /[a-z]/);
    assert.ok([...pw].some((ch) => rule.specials.includes(ch)), `${pw}: no special character of ${rule.specials}`);
  }
});

test('mistype changes exactly one digit, to another digit', () => {
  const r = rng(9, 's', 0, 'typo');
  for (const otp of ['000000', '999999', '123456', '4821']) {
    for (let i = 0; i < 50; i++) {
      const m = mistype(r, otp);
      assert.equal(m.length, otp.length);
      assert.match(m, /^[0-9]+$/);
      const diff = [...m].filter((ch, k) => ch !== otp[k]).length;
      assert.equal(diff, 1, `${otp} → ${m}`);
    }
  }
});

test('pick follows the cumulative shares, the last key taking any rounding left over', () => {
  const shares = { login: 0.72, register: 0.12, activate: 0.06, recover: 0.1 };
  const cases = [
    [0, 'login'], [0.7199, 'login'], [0.72, 'register'], [0.8399, 'register'], [0.84, 'activate'],
    [0.9, 'recover'], [0.9999, 'recover'],
  ];
  for (const [u, want] of cases) assert.equal(pick(u, shares), want, `u=${u}`);
  assert.equal(pick(0.99, { a: 0.5, b: 0.4 }), 'b', 'shares summing under 1: the last key');
});

const PINNED = [543595999, 843195768, 729741045];

// passwordRule is the service's rule as the Go test passes it (EIDSIM_TEST_PASSWORD_RULE,
// from reference.DefaultPolicy and reference.PasswordSpecials), so it is not written twice.
function passwordRule() {
  const raw = process.env.EIDSIM_TEST_PASSWORD_RULE;
  assert.ok(raw, 'EIDSIM_TEST_PASSWORD_RULE is not set: run these tests with go test ./scenarios/k6');
  return JSON.parse(raw);
}
