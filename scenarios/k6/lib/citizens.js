// citizens.js — virtual users draw distinct citizens. eidsim load samples, per flow, only as
// many citizens of the population as the run can use (seeded, spread over the whole file) and
// writes them to citizens-<pool>.json; a SharedArray holds one read-only copy per k6 process,
// never the population file. The iteration number in the whole test (unique across execution
// segments) picks the citizen, so no two iterations of a scenario share one.
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import { cfg } from './config.js';
import { otpCarrier } from './carrier.js';

const pools = {};

// pool opens citizens-<name>.json; call it in the init context.
export function pool(name) {
  if (!pools[name]) {
    pools[name] = new SharedArray(`citizens-${name}`, function () {
      return JSON.parse(open(`${cfg.citizensDir}/citizens-${name}.json`));
    });
  }
  return pools[name];
}

// draw returns the citizen for this iteration of the current scenario, and whether the pool
// was exhausted (the citizen is then reused, which the caller records).
export function draw(p) {
  const i = exec.scenario.iterationInTest;
  if (p.length === 0) throw new Error(`scenario ${exec.scenario.name}: no eligible citizens sampled`);
  return { c: p[i % p.length], reused: i >= p.length, iteration: i };
}

// segmentTags are the citizen-segment tags put on the outcome metrics.
export function segmentTags(c) {
  let sim = 'none';
  if (c.sim && c.sim.phone) sim = c.sim.owner_registered ? 'owner' : 'non_owner';
  return { ethnicity: c.ethnicity || 'unknown', handset: c.handset || 'unknown', coverage: c.coverage || 'unknown', sim, carrier: otpCarrier(c) };
}
