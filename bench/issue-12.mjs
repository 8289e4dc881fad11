#!/usr/bin/env node
// Every figure of issue 12 items 5 and 6, each beside its goal with PASS/MISS (run by hand: `npm run bench`).
// Benches are run by hand on a possibly busy machine: times are medians of repeated runs, and
// start-up is a ratio taken side by side with a bare `node -e ''` (bench/startup.mjs).
//
//   start-up        status ≤ 1.5×, --version ≤ 1.2× a bare Node start (validate: shown)
//   advance         peak RSS ≤ 100 MB on the reference plan (pre-deploy → canary-5, and a held gate)
//   long journal    status / check / advance on a rollout with 4,320 checks journaled (72 h, every
//                   minute) ≤ 1.2× the same on a fresh journal ("as fast as a new one", noise allowed),
//                   on the file backend, then on PostgreSQL (`source /tmp/servers.env` first)
//   2M-row file     `check` judging a 2,000,000-row metrics CSV: < 3 s and < 300 MB
//   Prometheus      a 20 metrics × 2 cohorts gate over 72 h ≤ 1.3× its slowest query, against the
//                   real server (bench/prometheus-gate.mjs; `source /tmp/servers.env` first)
// RUNS=N for the repeated cases (default 7); SKIP=startup to leave out the start-up rounds; ONLY=file,prometheus
// to run only those parts (startup, advance, journal, file, prometheus); BENCH_KEEP=1 keeps the sandboxes.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/rollout.js');
const plan = 'plans/recommendations.yaml';
const runs = Number(process.env.RUNS ?? 7);
const skip = new Set((process.env.SKIP ?? '').split(','));
const only = new Set((process.env.ONLY ?? '').split(',').filter(Boolean));
const want = (part) => !skip.has(part) && (only.size === 0 || only.has(part));
const work = mkdtempSync(path.join(tmpdir(), 'rollout-bench12-'));
const results = [];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
function report(name, figure, goal, ok) {
  results.push({ name, figure, goal, ok });
  console.log(`${verdict(ok)}  ${name}: ${figure} (goal ${goal})`);
}

/** A sandbox: a copy of plans/ with no local state. */
function sandbox(name, from) {
  const dir = path.join(work, name);
  cpSync(from ?? path.join(root, 'plans'), path.join(dir, 'plans'), { recursive: true });
  if (!from) {
    rmSync(path.join(dir, 'plans/.rollout'), { recursive: true, force: true });
    rmSync(path.join(dir, 'plans/reports'), { recursive: true, force: true });
  }
  return dir;
}

/** `rollout ARGS` in DIR at NOW, under GNU time: { code, ms, rssMb, stdout }. */
function rollout(dir, now, args, ok = [0, 3], extraEnv = {}) {
  const env = { ...process.env, ROLLOUT_NOW: now, NO_COLOR: '1', XDG_CACHE_HOME: path.join(work, 'cache') };
  for (const k of Object.keys(env)) if (k.startsWith('ROLLOUT_TEST_')) delete env[k];
  Object.assign(env, extraEnv);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, ...args], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!ok.includes(r.status)) throw new Error(`rollout ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rssMb = Number(r.stderr.trim().split('\n').pop()) / 1024;
  return { code: r.status, ms, rssMb, stdout: r.stdout };
}

const T0 = Date.parse('2026-06-18T09:00:00Z'); // canary-5 is entered
const iso = (t) => new Date(t).toISOString();

// ---- start-up (bench/startup.mjs prints its own table; its verdict lines are kept)
if (want('startup')) {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/startup.mjs')], {
    env: { ...process.env, BENCH_ONLY: 'bundle', RUNS: process.env.STARTUP_RUNS ?? '30' },
    encoding: 'utf8',
  });
  process.stdout.write(r.stdout);
  for (const line of r.stdout.split('\n')) {
    const m = /^rollout (--version|validate PLAN|status PLAN)\s.*?(\d+\.\d+)×\s+\d+\s+\d+\.\d+×/.exec(line);
    if (!m) continue;
    const ratio = Number(m[2]);
    const goal = { '--version': 1.2, 'status PLAN': 1.5 }[m[1]];
    if (goal) report(`start-up ${m[1]}`, `${ratio.toFixed(2)}× node -e ''`, `≤ ${goal}×`, ratio <= goal);
    else console.log(`      start-up ${m[1]}: ${ratio.toFixed(2)}× node -e '' (no goal; was 1.5×)`);
  }
}

// ---- advance: peak RSS on the reference plan
const base = sandbox('base');
rollout(base, iso(T0), ['checklist', plan, '--yes']);
rollout(base, iso(T0), ['approve', plan, '--by', 'tech-lead']);
const entering = sandbox('enter', path.join(base, 'plans'));
const rssEnter = rollout(entering, iso(T0), ['advance', plan]).rssMb;
const rssHeld = rollout(entering, iso(T0 + 3600_000), ['advance', plan]).rssMb;
if (want('advance'))
  report(
    'advance peak RSS',
    `${rssEnter.toFixed(1)} MB entering canary-5, ${rssHeld.toFixed(1)} MB on a held gate`,
    '≤ 100 MB',
    Math.max(rssEnter, rssHeld) <= 100,
  );

// ---- a journal of 72 h checked every minute vs a fresh one
if (want('journal')) {
  const fresh = sandbox('fresh', path.join(entering, 'plans'));
  const long = sandbox('long', path.join(entering, 'plans'));
  {
    const file = path.join(long, 'plans/.rollout/recommendations-v2.journal.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const held = lines.slice(-2).map((l) => JSON.parse(l)); // gate.evaluated + rollout.held of the held advance
    let seq = JSON.parse(lines.at(-1)).seq;
    const out = [];
    for (let k = 61; k <= 72 * 60; k++)
      for (const e of held) out.push(JSON.stringify({ ...e, seq: ++seq, at: iso(T0 + k * 60_000) }));
    appendFileSync(file, `${out.join('\n')}\n`);
    console.log(`      long journal: ${lines.length + out.length} entries (${out.length / 2} held checks)`);
  }
  // the check of the last minute, as every check before it ran: it leaves the journal's checkpoint
  for (const dir of [fresh, long]) rollout(dir, iso(T0 + 72 * 3600_000), ['advance', plan]);
  const now = iso(T0 + 72 * 3600_000 + 60_000);
  /**
   * status, check and advance on the long rollout against the fresh one, interleaved. `copy(kind, i)`
   * gives the place an advance runs in (it changes the state): { dir, env, drop() }.
   */
  const compare = async (backend, dirs, env, copy) => {
    for (const args of [
      ['status', plan],
      ['check', plan],
      ['advance', plan],
    ]) {
      const times = { fresh: [], long: [] };
      for (let i = 0; i < runs; i++)
        for (const kind of ['fresh', 'long']) {
          const at = args[0] === 'advance' ? await copy(kind, i) : { dir: dirs[kind], env: env[kind], drop: () => {} };
          times[kind].push(rollout(at.dir, now, args, [0, 3], at.env).ms);
          await at.drop();
        }
      const ratio = median(times.long.map((t, i) => t / times.fresh[i]));
      report(
        `${args[0]} on a 72 h journal${backend}`,
        `${median(times.long).toFixed(0)} ms vs ${median(times.fresh).toFixed(0)} ms fresh (${ratio.toFixed(2)}×)`,
        '≤ 1.2× fresh',
        ratio <= 1.2,
      );
    }
  };
  const dirs = { fresh, long };
  await compare('', dirs, {}, (kind, i) => {
    const d = sandbox(`${kind}-${i}`, path.join(dirs[kind], 'plans'));
    return { dir: d, env: {}, drop: () => rmSync(d, { recursive: true, force: true }) };
  });

  // the same two rollouts moved to PostgreSQL (`rollout state export | import`), when a server is there
  const pgUrl = process.env.ROLLOUT_TEST_PG_URL;
  if (!pgUrl)
    console.log('      long journal on PostgreSQL: not run (no ROLLOUT_TEST_PG_URL; `source /tmp/servers.env`)');
  else {
    const { default: pg } = await import('pg');
    const admin = async (sql) => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    let n = 0;
    /** A new database holding the rollout of `kind`, and a sandbox whose plan keeps its state there. */
    const onPostgres = async (kind) => {
      const name = `rollout_bench_${process.pid}_${n++}`;
      await admin(`CREATE DATABASE ${name}`);
      const u = new URL(pgUrl);
      u.pathname = `/${name}`;
      const env = { DATABASE_URL: u.toString() };
      const d = sandbox(`pg-${name}`, path.join(dirs[kind], 'plans'));
      const planFile = path.join(d, plan);
      const text = readFileSync(planFile, 'utf8');
      const edited = text.replace(/^state:\n(?: {2}.*\n)+/m, 'state:\n  backend: postgres\n  url: "${DATABASE_URL}"\n');
      if (edited === text) throw new Error('the plan has no state block to point at PostgreSQL');
      writeFileSync(planFile, edited);
      writeFileSync(path.join(d, 'rollout.json'), rollout(dirs[kind], now, ['state', 'export', plan], [0]).stdout);
      rollout(d, now, ['state', 'import', plan, 'rollout.json'], [0], env);
      return {
        dir: d,
        env,
        drop: async () => {
          rmSync(d, { recursive: true, force: true });
          await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    };
    const kept = { fresh: await onPostgres('fresh'), long: await onPostgres('long') };
    // the last minute's check once more, on PostgreSQL: it leaves the checkpoint there
    for (const k of ['fresh', 'long']) rollout(kept[k].dir, now, ['check', plan], [0, 3], kept[k].env);
    try {
      await compare(
        ' (PostgreSQL)',
        { fresh: kept.fresh.dir, long: kept.long.dir },
        { fresh: kept.fresh.env, long: kept.long.env },
        onPostgres,
      );
    } finally {
      for (const k of ['fresh', 'long']) await kept[k].drop();
    }
  }
}

// ---- a 2-million-row metrics file, judged by `check`
if (want('file')) {
  const dir = sandbox('big', path.join(entering, 'plans'));
  const csv = path.join(dir, 'plans/data/recommendations-metrics.csv');
  const source = readFileSync(path.join(root, 'plans/data/recommendations-metrics.csv'), 'utf8').trim().split('\n');
  const rows = source.slice(1).map((l) => l.split(','));
  const series = [...new Set(rows.map((r) => `${r[1]},${r[2]}`))];
  const last = new Map(rows.map((r) => [`${r[1]},${r[2]}`, r[3]]));
  const perSeries = Math.ceil(2_000_000 / series.length);
  const start = Date.parse('2026-06-17T00:00:00Z');
  const step = Math.floor((8 * 86400_000) / perSeries);
  const w = createWriteStream(csv);
  w.write('timestamp,metric,cohort,value\n');
  let n = 0;
  for (let i = 0; i < perSeries; i++) {
    const at = iso(start + i * step);
    let chunk = '';
    for (const s of series) {
      chunk += `${at},${s},${last.get(s)}\n`;
      n++;
    }
    if (!w.write(chunk)) await new Promise((r) => w.once('drain', r));
  }
  await new Promise((r) => w.end(r));
  const ms = [];
  const rss = [];
  const verdicts = new Set();
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const r = rollout(dir, iso(T0 + 48 * 3600_000), ['check', plan, '--json']);
    ms.push(r.ms);
    rss.push(r.rssMb);
    verdicts.add(JSON.stringify({ decision: JSON.parse(r.stdout).decision, criteria: JSON.parse(r.stdout).criteria }));
  }
  const s = median(ms) / 1000;
  const mb = Math.max(...rss);
  const gate = JSON.parse([...verdicts][0]);
  console.log(
    `      2M-row file: ${(n / s / 1e6).toFixed(2)}M rows/s; decision ${gate.decision}, ` +
      gate.criteria.map((c) => `${c.name} ${c.verdict}`).join(', ') +
      ` (${verdicts.size === 1 ? 'same answer every run' : 'answers differ between runs!'})`,
  );
  report(
    `check on a ${(n / 1e6).toFixed(1)}M-row metrics file`,
    `${s.toFixed(2)} s, ${mb.toFixed(0)} MB`,
    '< 3 s and < 300 MB',
    s < 3 && mb < 300,
  );
}

// ---- Prometheus: 20 metrics × 2 cohorts over 72 h vs its slowest single query (bench/prometheus-gate.mjs)
if (want('prometheus')) {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/prometheus-gate.mjs')], {
    env: { ...process.env, RUNS: String(Math.min(runs, 5)) },
    encoding: 'utf8',
  });
  process.stdout.write(r.stdout + r.stderr);
  const m = /^(PASS|MISS) {2}Prometheus 20×2 gate vs its slowest query: (\d+\.\d+)×/m.exec(r.stdout);
  if (m) results.push({ name: 'Prometheus 20×2 gate', figure: `${m[2]}×`, goal: '≤ 1.3×', ok: m[1] === 'PASS' });
}

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`\n${results.filter((r) => r.ok).length} of ${results.length} goals met; load average ${load}`);
if (process.env.BENCH_KEEP) console.log(`sandboxes kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
