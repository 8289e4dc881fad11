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
// Counts for the canary-vs-control comparisons (contract §4): per 15 minutes, the users exposed to
// each cohort (`users`, the SRM check's units), the recommendations shown and accepted, and the
// users who converted. The canary's share follows the reference rollout's schedule (test/helpers/cli.ts
// T: 5 % from 2026-06-18T09:00Z, 25 % from 2026-06-20T09:00Z, 100 % from 2026-06-23T09:00Z); the
// canary converts and accepts slightly better, so its comparisons hold at first ("need about N
// more") and pass well before each soak time ends. A separate generator keeps the series above unchanged.
let seed2 = 7;
const rnd2 = () => {
  seed2 = (seed2 * 1103515245 + 12345) % 2147483648;
  return (seed2 + 0.5) / 2147483648;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd2())) * Math.cos(2 * Math.PI * rnd2());
const binomial = (n, p) => Math.max(0, Math.min(n, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * gauss())));
const share = (t) =>
  t >= Date.parse('2026-06-23T09:00:00Z')
    ? 1
    : t >= Date.parse('2026-06-20T09:00:00Z')
      ? 0.25
      : t >= Date.parse('2026-06-18T09:00:00Z')
        ? 0.05
        : 0;
// rates: [control, canary]
const conversion = [0.031, 0.034];
const acceptance = [0.119, 0.13];
for (let t = start + step; t <= end; t += step) {
  const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
  const daily = Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const ts = new Date(t).toISOString().replace('.000Z', 'Z');
  const users = Math.round(10000 * (1 + 0.3 * daily)); // 40 000 users an hour on average
  const canaryUsers = binomial(users, share(t - 1)); // the row at t counts the 15 minutes that end at t
  for (const [cohort, n, i] of [
    ['control', users - canaryUsers, 0],
    ['canary', canaryUsers, 1],
  ]) {
    const shown = 3 * n;
    out.push(`${ts},users,${cohort},${n}`);
    out.push(`${ts},conversions,${cohort},${binomial(n, conversion[i])}`);
    out.push(`${ts},recommendations_shown,${cohort},${shown}`);
    out.push(`${ts},recommendations_accepted,${cohort},${binomial(shown, acceptance[i])}`);
  }
}
process.stdout.write(`${out.join('\n')}\n`);
