#!/usr/bin/env node
// Start-up benchmark (run by hand: `npm run bench`). Each round runs every case once, in turn
// (A, B, C, D, A, B, …), so that a busy machine slows them alike; the ratio to a bare `node -e ''`
// is taken within each round and its median reported.
//
//   node -e ''                                    the floor: a bare Node start
//   rollout --version
//   rollout validate plans/recommendations.yaml   (a temp copy; the validation cache is warm)
//   rollout status plans/recommendations.yaml     (bundled file providers)
//   … and the same three with ROLLOUT_NO_BUNDLE=1 (the plain tsc output in dist/), for comparison.
//
// Targets (issue 12 item 5): `status` ≤ 1.5×, `--version` ≤ 1.2× a bare Node start.
// RUNS=60 for more rounds; BENCH_ONLY=bundle to skip the unbundled cases. Also prints the max RSS of
// `status` (GNU time, when /usr/bin/time exists) and the CPU time (user+system) of each case.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/rollout.js');
const runs = Number(process.env.RUNS ?? 40);
const dir = mkdtempSync(path.join(tmpdir(), 'rollout-bench-'));
cpSync(path.join(root, 'plans'), path.join(dir, 'plans'), { recursive: true });
const env = {
  ...process.env,
  ROLLOUT_NOW: '2026-06-19T09:00:00Z',
  NO_COLOR: '1',
  XDG_CACHE_HOME: path.join(dir, 'cache'),
};
delete env.ROLLOUT_NO_BUNDLE;
const plain = { ...env, ROLLOUT_NO_BUNDLE: '1' };
const plan = 'plans/recommendations.yaml';

const cases = [
  { name: "node -e ''", args: ['-e', ''], env },
  { name: 'rollout --version', args: [bin, '--version'], env, target: 1.2 },
  { name: 'rollout validate PLAN', args: [bin, 'validate', plan], env },
  { name: 'rollout status PLAN', args: [bin, 'status', plan], env, target: 1.5 },
];
if (process.env.BENCH_ONLY !== 'bundle') {
  cases.push(
    { name: 'ROLLOUT_NO_BUNDLE=1 --version', args: [bin, '--version'], env: plain },
    { name: 'ROLLOUT_NO_BUNDLE=1 validate', args: [bin, 'validate', plan], env: plain },
    { name: 'ROLLOUT_NO_BUNDLE=1 status', args: [bin, 'status', plan], env: plain },
  );
}

/** CPU time (user + system, ms) of the children this process has waited for, from /proc (Linux). */
function childCpu() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, in 1/100 s
  } catch {
    return NaN;
  }
}

function run(c) {
  const cpu0 = childCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { cwd: dir, env: c.env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  return { ms, cpu: childCpu() - cpu0 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

for (let i = 0; i < 3; i++) for (const c of cases) run(c); // warm-up: file cache, validation and code caches
const times = cases.map(() => []);
const cpus = cases.map(() => []);
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < cases.length; k++) {
    const i = (k + round) % cases.length; // rotate who goes first
    const r = run(cases[i]);
    times[i].push(r.ms);
    cpus[i].push(r.cpu);
  }
}

console.log(`${runs} interleaved rounds, Node ${process.version}, ${process.platform}-${process.arch}`);
console.log(
  `${'case'.padEnd(31)} ${'median'.padStart(7)} ${'min'.padStart(5)} ${'ratio'.padStart(6)}  ${'cpu'.padStart(5)} ${'ratio'.padStart(6)}`,
);
const floorCpu = mean(cpus[0]);
cases.forEach((c, i) => {
  const ratio = median(times[i].map((t, round) => t / times[0][round]));
  const cpu = mean(cpus[i]);
  const verdict = c.target ? (ratio <= c.target ? `  ≤ ${c.target}× target met` : `  > ${c.target}× target`) : '';
  console.log(
    `${c.name.padEnd(31)} ${times[i].length ? median(times[i]).toFixed(0).padStart(5) : ''} ms ${Math.min(...times[i])
      .toFixed(0)
      .padStart(
        5,
      )} ${ratio.toFixed(2).padStart(5)}×  ${cpu.toFixed(0).padStart(5)} ${(cpu / floorCpu).toFixed(2).padStart(5)}×${verdict}`,
  );
});
console.log("ratio: median over rounds of (case / node -e '') in the same round; cpu: mean user+system ms");

if (existsSync('/usr/bin/time')) {
  const rss = (e) => {
    const xs = [];
    for (let i = 0; i < 5; i++) {
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'status', plan], {
        cwd: dir,
        env: e,
        encoding: 'utf8',
      });
      xs.push(Number(r.stderr.trim().split('\n').pop()));
    }
    return (median(xs) / 1024).toFixed(1);
  };
  const floor = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '-e', ''], {
    encoding: 'utf8',
  }).stderr.trim();
  console.log(
    `max RSS: status ${rss(env)} MB, ROLLOUT_NO_BUNDLE=1 status ${rss(plain)} MB, node -e '' ${(Number(floor) / 1024).toFixed(1)} MB`,
  );
}
rmSync(dir, { recursive: true, force: true });
