// k6 — check records every call; a check passes when every function returns true.
export const checks = [];

export function check(value, sets, tags) {
  let ok = true;
  for (const [name, fn] of Object.entries(sets)) {
    const pass = !!fn(value);
    checks.push({ name, pass, tags });
    ok = ok && pass;
  }
  return ok;
}

export function sleep() {}

export default { check, sleep };
