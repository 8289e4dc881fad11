#!/usr/bin/env node
// Generates plans/data/recommendations-metrics.csv: the bundled history the reference plan reads with
// the file metrics provider. 15-minute samples from 2026-06-17 to 2026-06-25 (the reference rollout ends 2026-06-23 at the earliest) for the canary and
// control cohorts, all within the plan's SLOs, deterministic (seeded). Re-run to regenerate:
//   node scripts/gen-demo-metrics.mjs > plans/data/recommendations-metrics.csv
const start = Date.parse('2026-06-17T00:00:00Z');
const end = Date.parse('2026-06-25T00:00:00Z');
const step = 15 * 60 * 1000;
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const noise = (scale) => (rnd() - 0.5) * 2 * scale;
// metric: [control base, canary base, noise, daily swing, decimals]
const metrics = {
  latency_p95: [310, 325, 25, 60, 0],
  error_rate: [0.18, 0.21, 0.05, 0.05, 3],
  throughput: [1450, 1460, 80, 400, 0],
  acceptance_rate: [11.9, 13.0, 0.6, 0.8, 2],
  conversion_rate: [3.1, 3.3, 0.2, 0.3, 2],
  nps: [41, 43, 2, 1, 1],
  cpu_utilization: [52, 55, 5, 10, 1],
  memory_utilization: [61, 63, 3, 4, 1],
  db_response_time: [42, 44, 6, 10, 1],
};
const out = ['timestamp,metric,cohort,value'];
for (let t = start; t <= end; t += step) {
  const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
  const daily = Math.sin(((hour - 9) / 24) * 2 * Math.PI); // peak mid-afternoon
  const ts = new Date(t).toISOString().replace('.000Z', 'Z');
  for (const [name, [control, canary, n, swing, dec]] of Object.entries(metrics)) {
    for (const [cohort, base] of [
      ['control', control],
      ['canary', canary],
    ]) {
      const v = Math.max(0, base + daily * swing * 0.5 + noise(n));
      out.push(`${ts},${name},${cohort},${v.toFixed(dec)}`);
    }
  }
}
process.stdout.write(`${out.join('\n')}\n`);
