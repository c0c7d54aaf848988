// summary.js — handleSummary: k6's end-of-test summary goes, as JSON, to the run directory
// (EIDSIM_SUMMARY_FILE). On stdout it writes only the verdict of the thresholds and, when
// something failed, which thresholds and which checks: eidsim load prints the latency and
// outcome tables itself, from the aggregate.
import { cfg } from './config.js';

// failedChecks lists the checks of a group and its subgroups that failed at least once.
export function failedChecks(group, out = []) {
  for (const c of (group && group.checks) || []) {
    if (c.fails > 0) out.push(`${c.name}: ${c.fails} of ${c.passes + c.fails} failed`);
  }
  for (const g of (group && group.groups) || []) failedChecks(g, out);
  return out;
}

// verdictText is the stdout text for the summary data k6 hands to handleSummary.
export function verdictText(data) {
  const failed = [];
  let total = 0;
  for (const n of Object.keys(data.metrics).sort()) {
    for (const [expr, t] of Object.entries(data.metrics[n].thresholds || {})) {
      total++;
      if (!t.ok) failed.push(`  FAIL ${n} ${expr}`);
    }
  }
  const lines = [`thresholds: ${total - failed.length} of ${total} passed`];
  lines.push(...failed);
  const checks = failedChecks(data.root_group);
  if (checks.length) {
    lines.push('checks that failed:');
    lines.push(...checks.map((c) => '  ' + c));
  }
  return lines.join('\n') + '\n';
}

export function handleSummary(data) {
  const out = {};
  if (cfg.summaryFile) out[cfg.summaryFile] = JSON.stringify(data, null, 1);
  out.stdout = verdictText(data);
  return out;
}
