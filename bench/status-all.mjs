#!/usr/bin/env node
// `rollout status --all DIR` over 1 → 500 plans (run by hand: `npm run bench:status-all`). Each plan
// is a copy of the reference plan under its own name (file flags, metrics and incidents: no network),
// not started; the wall time and the time per plan are printed for each size, to show the cost grows
// linearly. SIZES=1,10,100,500 to choose the sizes.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/rollout.js');
const sizes = (process.env.SIZES ?? '1,10,100,500').split(',').map(Number);
const text = readFileSync(path.join(root, 'plans/recommendations.yaml'), 'utf8');

console.log('plans   wall (s)   per plan (ms)');
for (const n of sizes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollout-bench-all-'));
  try {
    cpSync(path.join(root, 'plans/data'), path.join(dir, 'data'), { recursive: true });
    for (let i = 0; i < n; i++)
      writeFileSync(path.join(dir, `plan-${i}.yaml`), text.replace('name: recommendations-v2', `name: plan-${i}`));
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, 'status', '--all', dir, '--json'], {
      env: { ...process.env, ROLLOUT_NOW: '2026-06-18T09:00:00Z', NO_COLOR: '1' },
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const doc = JSON.parse(r.stdout);
    if (r.status !== 0 || doc.rollouts.length !== n) throw new Error(`exit ${r.status}: ${r.stderr.slice(0, 2000)}`);
    console.log(`${String(n).padStart(5)}   ${s.toFixed(2).padStart(8)}   ${((s * 1000) / n).toFixed(1).padStart(13)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
