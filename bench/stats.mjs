#!/usr/bin/env node
// Statistics benchmarks (run by hand after `npm run build`: `npm run bench:stats`). Not tests.
//
// (a) A/A false-FAIL rate: PHASES simulated phases at 25 % traffic, 40 000 users/h in total, a 2 %
//     conversion metric (higher is better), judged every 10 minutes for 72 h (432 looks) by the
//     built gate with its memory (sticky FAIL). Target: ≤ 5 %. Printed beside a repeated
//     fixed-horizon z-test on the same data (harm side, z < −1.96, and either side, |z| > 1.96).
// (b) Power: the same with the canary converting 10 % less (1.8 %). Target: caught within 72 h in
//     ≥ 80 % of runs; the median time to detection is printed.
// (c) Cost of judging 20 comparisons on 72 h of 1-minute data (pure part only).
//
// Gate settings: α = 0.05, one comparison (α_fail = α), failThreshold 0, passMargin "10%" (of the
// control's rate), τ² from §3.4 with p₀ = 0.02 at the horizon halfway through (36 h: 360 000 canary,
// 1 080 000 control users). Env: PHASES (default 1000), SEED (default 20260619).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { costBenchmark } from './stats-cost.mjs';
import { median, simulatePhase } from './stats-sim.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/stats/index.js');
if (!existsSync(entry)) {
  console.error('dist/stats/index.js is missing: run `npm run build` first');
  process.exit(1);
}
const stats = await import(pathToFileURL(entry).href);

const phases = Number(process.env.PHASES ?? 1000);
const seed = Number(process.env.SEED ?? 20260619);
const share = 0.25;
const usersPerHour = 40000;
const minutes = 10;
const looks = (72 * 60) / minutes;
const analysis = { alpha: 0.05, srmAlpha: 0.001, minSamples: 100 };
const comparison = {
  kind: 'ratio',
  name: 'conversion',
  better: 'higher',
  passMargin: stats.parseMargin('10%'),
  tau: { baselineRate: 0.02, horizon: { canary: 36 * usersPerHour * share, control: 36 * usersPerHour * (1 - share) } },
};
const tau2 = stats.plannedTau2({ ...comparison.tau, alpha: analysis.alpha });

const pct = (k, n) => `${((100 * k) / n).toFixed(2)} %`;
const hours = (look) => (look * minutes) / 60;
const fmtH = (h) => (h === undefined ? 'n/a' : `${h.toFixed(2)} h`);

function run(label, pT, seedBase) {
  const t0 = performance.now();
  const firsts = [];
  for (let i = 0; i < phases; i++) {
    firsts.push(
      simulatePhase({
        stats,
        seed: seedBase + i,
        looks,
        minutes,
        usersPerHour,
        share,
        pC: 0.02,
        pT,
        comparison,
        analysis,
      }),
    );
  }
  const ms = performance.now() - t0;
  const count = (key) => firsts.filter((f) => f[key] > 0).length;
  const when = (key) => median(firsts.filter((f) => f[key] > 0).map((f) => hours(f[key])));
  console.log(
    `\n${label}: ${phases} phases × ${looks} looks (${(ms / 1000).toFixed(1)} s, ${((1000 * ms) / (phases * looks)).toFixed(1)} µs per look incl. simulation)`,
  );
  console.log(
    `  gate FAIL (sticky, always-valid)     ${pct(count('gateFail'), phases).padStart(9)}   median first FAIL ${fmtH(when('gateFail'))}`,
  );
  const failFirst = firsts.filter((f) => f.gateFail > 0 && (f.gatePass === 0 || f.gateFail < f.gatePass)).length;
  console.log(
    `  gate FAIL before any PASS            ${pct(failFirst, phases).padStart(9)}   (a real rollout advances at its first PASS)`,
  );
  console.log(
    `  gate PASS reached at some look       ${pct(count('gatePass'), phases).padStart(9)}   median first PASS ${fmtH(when('gatePass'))}`,
  );
  console.log(
    `  repeated z-test, harm side z<−1.96   ${pct(count('zHarm'), phases).padStart(9)}   median first ${fmtH(when('zHarm'))}`,
  );
  console.log(
    `  repeated z-test, either side |z|>1.96 ${pct(count('zEither'), phases).padStart(8)}   median first ${fmtH(when('zEither'))}`,
  );
  console.log(`  SRM alarm (sequential, α_srm 0.001)  ${pct(count('srm'), phases).padStart(9)}`);
  return { failRate: count('gateFail') / phases, failFirstRate: failFirst / phases, medianFail: when('gateFail') };
}

console.log(
  `rollout statistics benchmarks (seed ${seed}; τ² = ${tau2.toExponential(4)}; binomial: exact conversions, normal-approximate assignment)`,
);
const aa = run('(a) A/A: 2 % vs 2 %', 0.02, seed);
const power = run('(b) power: 2 % control vs 1.8 % canary (−10 %)', 0.018, seed + 1_000_000);
const cost = costBenchmark(stats);
console.log(`\n(c) cost: ${cost.comparisons} comparisons × ${cost.looks} one-minute looks (72 h)`);
console.log(
  `  judgeGate total ${cost.totalMs.toFixed(0)} ms, ${cost.perLookUs.toFixed(0)} µs per look (${(cost.perLookUs / cost.comparisons).toFixed(1)} µs per comparison); building the inputs took ${cost.buildMs.toFixed(0)} ms`,
);

const ok = aa.failRate <= 0.05 && power.failRate >= 0.8;
console.log(
  `\ntargets: A/A false FAIL ≤ 5 %: ${aa.failRate <= 0.05 ? 'met' : 'MISSED'}; power ≥ 80 % within 72 h: ${power.failRate >= 0.8 ? 'met' : 'MISSED'}`,
);
process.exitCode = ok ? 0 : 1;
