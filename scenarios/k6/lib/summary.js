// summary.js — handleSummary: k6's end-of-test summary goes, as JSON, to the run directory
// (EIDSIM_SUMMARY_FILE) and, as a short text of thresholds and per-step latencies, to stdout.
import { cfg } from './config.js';

function fmt(v) {
  return v === undefined ? '-' : (Math.round(v * 10) / 10).toString();
}

export function handleSummary(data) {
  const out = {};
  if (cfg.summaryFile) out[cfg.summaryFile] = JSON.stringify(data, null, 1);
  const lines = [];
  const m = data.metrics;
  const count = (n) => (m[n] ? m[n].values.count : 0);
  lines.push(`requests ${count('http_reqs')}  iterations ${count('iterations')}  dropped ${count('dropped_iterations')}  ` +
    `checks ${m.checks ? (m.checks.values.rate * 100).toFixed(2) : '-'}%  http_req_failed ${m.http_req_failed ? (m.http_req_failed.values.rate * 100).toFixed(2) : '-'}%`);
  const names = Object.keys(m).filter((n) => n.startsWith('http_req_duration{step:')).sort();
  if (names.length) lines.push('step                               p95 ms   p99 ms   count');
  for (const n of names) {
    const v = m[n].values;
    lines.push(`${n.slice(23, -1).padEnd(34)} ${fmt(v['p(95)']).padStart(7)}  ${fmt(v['p(99)']).padStart(7)}  ${String(v.count === undefined ? '' : v.count).padStart(6)}`);
  }
  for (const n of Object.keys(m).sort()) {
    for (const [expr, t] of Object.entries(m[n].thresholds || {})) {
      lines.push(`${t.ok ? 'ok  ' : 'FAIL'} ${n} ${expr}`);
    }
  }
  out.stdout = lines.join('\n') + '\n';
  return out;
}
