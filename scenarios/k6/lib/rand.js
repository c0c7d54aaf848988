// rand.js — deterministic randomness: every choice a VU makes derives from (run seed,
// scenario, iteration, purpose), so a run is repeatable and segment i of n makes the same
// choices as the same iterations of the whole run.

function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// rng returns a function yielding uniform numbers in [0, 1) (mulberry32).
export function rng(seed, scenario, iteration, purpose) {
  let a = fnv1a(`${seed}/${scenario}/${iteration}/${purpose}`);
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// digits returns n random decimal digits.
export function digits(r, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
}

// strongPassword satisfies the VNeID rule: 8–20 characters with a digit, an upper-case and a
// lower-case letter and a special character.
export function strongPassword(r) {
  return `Vn${digits(r, 6)}!id`;
}

// mistype changes one digit of an OTP.
export function mistype(r, otp) {
  const i = Math.floor(r() * otp.length);
  const d = (Number(otp[i]) + 1 + Math.floor(r() * 9)) % 10;
  return otp.slice(0, i) + d + otp.slice(i + 1);
}

// pick chooses a key of shares (values summing to about 1) with one uniform draw.
export function pick(u, shares) {
  let acc = 0;
  const keys = Object.keys(shares);
  for (const k of keys) {
    acc += shares[k];
    if (u < acc) return k;
  }
  return keys[keys.length - 1];
}
