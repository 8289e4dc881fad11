#!/usr/bin/env node
// Start-up benchmark (run by hand: `npm run bench`): medians over repeated runs of
//   node -e ''                       (the floor: a bare Node start)
//   rollout --version
//   rollout status plans/recommendations.yaml   (a temp copy; bundled file providers)
//   rollout validate plans/recommendations.yaml
// Target: `status` at most 2x the bare Node start.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/rollout.js');
const runs = Number(process.env.RUNS ?? 30);
const dir = mkdtempSync(path.join(tmpdir(), 'rollout-bench-'));
cpSync(path.join(root, 'plans'), path.join(dir, 'plans'), { recursive: true });
const env = { ...process.env, ROLLOUT_NOW: '2026-06-19T09:00:00Z', NO_COLOR: '1' };

const cases = [
  ["node -e ''", ['-e', '']],
  ['rollout --version', [bin, '--version']],
  ['rollout status PLAN', [bin, 'status', 'plans/recommendations.yaml']],
  ['rollout validate PLAN', [bin, 'validate', 'plans/recommendations.yaml']],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const results = [];
for (const [name, args] of cases) {
  for (let i = 0; i < 3; i++) spawnSync(process.execPath, args, { cwd: dir, env }); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: dir, env });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
  }
  results.push({ name, median: median(times), min: Math.min(...times), max: Math.max(...times) });
}
const floor = results[0].median;
console.log(`${runs} runs each, Node ${process.version}`);
for (const r of results) {
  console.log(`${r.name.padEnd(24)} median ${r.median.toFixed(0).padStart(4)} ms  min ${r.min.toFixed(0).padStart(4)}  max ${r.max.toFixed(0).padStart(4)}  ${(r.median / floor).toFixed(2)}x node`);
}
