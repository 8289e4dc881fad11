#!/usr/bin/env node
// Benchmark (c), backtest part (issue 9 item 8; run by hand: `npm run bench:backtest`): the cost of
// a 72-hour `rollout backtest` at 10-minute steps (432 checks) of the reference plan's canary-25
// phase through the built binary, embedded file providers (15-minute data, 11 metrics of which two
// are canary-vs-control comparisons with an SRM check). RUNS=5 for more runs; prints the median
// wall time and the time per check.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/rollout.js');
const runs = Number(process.env.RUNS ?? 3);
const dir = mkdtempSync(path.join(tmpdir(), 'rollout-bench-backtest-'));
cpSync(path.join(root, 'plans'), path.join(dir, 'plans'), { recursive: true });
const env = {
  ...process.env,
  ROLLOUT_NOW: '2026-06-25T00:00:00Z',
  NO_COLOR: '1',
  XDG_CACHE_HOME: path.join(dir, 'cache'),
};
const args = [
  bin,
  'backtest',
  'plans/recommendations.yaml',
  '--phase',
  'canary-25',
  '--from',
  '2026-06-20T09:00:00Z',
  '--to',
  '2026-06-23T09:00:00Z',
  '--every',
  '10m',
  '--json',
];
const times = [];
let checks = 0;
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    process.stderr.write(r.stderr);
    process.exit(1);
  }
  const doc = JSON.parse(r.stdout);
  checks = doc.checks.length;
  times.push(ms);
  if (i === 0)
    console.log(
      `counts ${JSON.stringify(doc.counts)}, firstFailureAt ${doc.firstFailureAt}, firstPassAt ${doc.firstPassAt}`,
    );
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `72h backtest at 10m steps: ${checks} checks, median ${(median / 1000).toFixed(2)} s over ${runs} runs (${(median / checks).toFixed(1)} ms per check, start-up included)`,
);
rmSync(dir, { recursive: true, force: true });
