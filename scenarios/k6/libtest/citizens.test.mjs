// citizens.js: each iteration in the whole test gets its own citizen from the sampled pool;
// a run longer than its sample reuses citizens and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exec from 'k6/execution';
import { opened } from 'k6/data';

const dir = mkdtempSync(join(tmpdir(), 'eidsim-citizens-'));
const people = [
  { citizen_id: '001090000001', ethnicity: 'Kinh', handset: 'smartphone', coverage: '4g', sim: { phone: '0971000001', owner_registered: true } },
  { citizen_id: '001090000002', ethnicity: 'Hmong', handset: 'feature', coverage: '2g', sim: { phone: '0912345601', owner_registered: false } },
  { citizen_id: '001090000003', handset: 'none', sim: { phone: '' } },
];
writeFileSync(join(dir, 'citizens-login.json'), JSON.stringify(people));
writeFileSync(join(dir, 'citizens-empty.json'), '[]');
globalThis.__ENV.EIDSIM_CITIZENS_DIR = dir;
const { pool, draw, segmentTags } = await import('../lib/citizens.js');

test('pool reads citizens-<name>.json from EIDSIM_CITIZENS_DIR once, as a read-only array', () => {
  const p = pool('login');
  assert.equal(p.length, 3);
  assert.equal(p[1].citizen_id, '001090000002');
  assert.equal(pool('login'), p, 'the same SharedArray on a second call');
  assert.deepEqual(opened.filter((n) => n === 'citizens-login'), ['citizens-login']);
  assert.ok(Object.isFrozen(p));
});

test('draw picks by the iteration in the whole test and flags reuse past the sample', () => {
  const p = pool('login');
  const cases = [
    [0, '001090000001', false], [2, '001090000003', false], [3, '001090000001', true], [7, '001090000002', true],
  ];
  for (const [i, want, reused] of cases) {
    exec.scenario.iterationInTest = i;
    const d = draw(p);
    assert.equal(d.c.citizen_id, want, `iteration ${i}`);
    assert.equal(d.reused, reused, `iteration ${i}`);
    assert.equal(d.iteration, i);
  }
});

test('draw on an empty pool names the scenario', () => {
  exec.scenario.name = 'recovery-storm';
  assert.throws(() => draw(pool('empty')), /scenario recovery-storm: no eligible citizens sampled/);
});

test('segmentTags classify SIM ownership and default what the record lacks', () => {
  assert.deepEqual(segmentTags(people[0]), { ethnicity: 'Kinh', handset: 'smartphone', coverage: '4g', sim: 'owner', carrier: 'Viettel' });
  assert.deepEqual(segmentTags(people[1]), { ethnicity: 'Hmong', handset: 'feature', coverage: '2g', sim: 'non_owner', carrier: 'VinaPhone' });
  assert.deepEqual(segmentTags(people[2]), { ethnicity: 'unknown', handset: 'none', coverage: 'unknown', sim: 'none', carrier: 'none' });
});
