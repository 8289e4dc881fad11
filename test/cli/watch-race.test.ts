/**
 * `watch --advance` and `advance` on the same plan never both act: each acting step of the watch takes
 * the plan's lock as `advance` does, so racing processes make exactly one transition, on the file
 * backend and on PostgreSQL; a signal ends a watch cleanly (the step under way finishes, the lock is
 * released, nothing is half-written).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { closePgPools } from '../../src/state/pg-connect.js';
import { atStage, explain, removeSandboxes, type CliResult, type Sandbox } from '../helpers/cli.js';
import { createTestDatabase, sql } from '../helpers/pg-db.js';
import { alive } from '../helpers/processes.js';

let db: { url: string; drop: () => Promise<void> } | undefined;
beforeAll(async () => {
  db = await createTestDatabase('watch');
});
const running: (() => number)[] = [];
afterAll(async () => {
  for (const pid of running.map((f) => f())) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  removeSandboxes();
  await closePgPools();
  await db?.drop();
});

const WATCH = ['watch', '--advance', '--until', 'eligible', '--max-checks', '1', '--json'];

/** Exactly one run advanced canary-5 → canary-25; every other one held after it (3) or found the lock taken (5). */
function exactlyOneTransition(runs: CliResult[]): void {
  const report = runs.map(explain).join('\n=====\n');
  expect(runs.some((r) => r.timedOut)).toBe(false);
  const winners = runs.filter((r) => r.code === 0);
  if (winners.length !== 1)
    throw new Error(`expected exactly one exit 0 among ${JSON.stringify(runs.map((r) => r.code))}:\n${report}`);
  for (const r of runs) {
    if (![0, 3, 5].includes(r.code ?? -1)) throw new Error(`unexpected exit ${r.code}:\n${explain(r)}`);
    const j = r.json();
    if (r.code === 5) {
      // a watch that found the lock taken skipped its check; an advance reports the lock
      if ('checks' in j) expect(j.checks[0].skipped).toContain('another run holds the lock');
      else expect(j.error).toMatchObject({ code: 'locked' });
    }
    if (r.code === 3) expect('checks' in j ? j.checks[0] : j).toMatchObject({ decision: 'held', phase: 'canary-25' });
  }
}

describe('watch --advance racing advance', () => {
  it('on the file backend: exactly one transition among four watches and four advances', async () => {
    const sb = await atStage('canary-5-approved');
    const before = sb.journal().length;
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2
          ? sb.cmd('advance', ['--json'], { timeoutMs: 90_000 })
          : sb.run([WATCH[0]!, sb.plan, ...WATCH.slice(1)], { timeoutMs: 90_000 }),
      ),
    );
    exactlyOneTransition(runs);
    const j = sb.journal().slice(before);
    expect(j.filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic')).toHaveLength(1);
    expect(j.filter((e) => e.type === 'rollout.advanced')).toHaveLength(1);
    expect(sb.flag()?.metadata).toMatchObject({ traffic: 25 });
  }, 180_000);

  it('on PostgreSQL: exactly one transition among four watches and four advances', async () => {
    const url = db!.url;
    const file = await atStage('canary-5-approved');
    writeFileSync(file.path('export.json'), (await file.run(['state', 'export', file.plan])).stdout);
    const sb = file.clone();
    rmSync(sb.stateFile);
    rmSync(sb.journalFile);
    const run = onPostgres(sb, url);
    expect((await run(['state', 'import', sb.plan, file.path('export.json')])).code).toBe(0);
    const before = (await pgJournal(url)).length;
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        run(i % 2 ? ['advance', sb.plan, '--json'] : [WATCH[0]!, sb.plan, ...WATCH.slice(1)]),
      ),
    );
    exactlyOneTransition(runs);
    const j = (await pgJournal(url)).slice(before).map((r) => JSON.parse(r.entry));
    expect(j.filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic')).toHaveLength(1);
    expect(j.filter((e) => e.type === 'rollout.advanced')).toHaveLength(1);
  }, 180_000);
});

describe('a signal ends a watch cleanly', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s: the watch stops between checks, its lock released, exit 3 (held)',
    async (sig) => {
      const sb = await atStage('canary-5-approved');
      const before = sb.journal().length;
      let pid = 0;
      // the system clock (no ROLLOUT_NOW): the watch really waits an hour between checks. The bundled
      // data ends in June 2026, so each check holds: the advance journals it, under the lock.
      const done = sb.run(['--clock-jump', 'watch', sb.plan, '--advance', '--every', '1h'], {
        now: undefined,
        timeoutMs: 60_000,
        onSpawn: (p) => {
          pid = p;
        },
      });
      running.push(() => pid);
      const end = Date.now() + 45_000;
      while (
        !sb
          .journal()
          .slice(before)
          .some((e) => e.type === 'rollout.held')
      ) {
        if (Date.now() > end) throw new Error(`the watch did not check: ${explain(await done)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      process.kill(pid, sig);
      const r = await done;
      expect(r.timedOut).toBe(false);
      expect(alive(pid)).toBe(false);
      expect(r.stdout).toContain('watch ended: stopped by a signal after 1 check');
      expect(r.code).toBe(3);
      expect(existsSync(sb.path('plans', '.rollout', 'recommendations-v2.lock'))).toBe(false);
      expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
      // nothing half-written: every effect the watch started is closed, and the next run finds the lock free
      const starts = sb
        .journal()
        .slice(before)
        .filter((e) => e.type === 'effect.start').length;
      const ends = sb
        .journal()
        .slice(before)
        .filter((e) => e.type === 'effect.done' || e.type === 'effect.failed').length;
      expect(ends).toBe(starts);
      const next = await sb.run(['--clock-jump', 'advance', sb.plan, '--json'], { now: undefined });
      expect({ code: next.code, out: next.code === 3 ? '' : explain(next) }).toEqual({ code: 3, out: '' });
    },
    90_000,
  );
});

const PASSWORD = 'pw-Wt73kq';
function onPostgres(sb: Sandbox, url: string): (args: string[]) => Promise<CliResult> {
  sb.editPlan((y) =>
    y.replace(
      /state:\n {2}backend: file\n {2}dir: \.rollout[^\n]*\n/,
      'state:\n  backend: postgres\n  url: "${DATABASE_URL}"\n',
    ),
  );
  expect(readFileSync(sb.path(sb.plan), 'utf8')).toContain('backend: postgres');
  const u = new URL(url);
  u.password = PASSWORD;
  return (args) => sb.run(args, { env: { DATABASE_URL: u.toString() }, timeoutMs: 90_000 });
}

async function pgJournal(url: string): Promise<{ seq: number; type: string; entry: string }[]> {
  return (await sql(url, "SELECT seq, type, entry FROM rollout_journal WHERE plan = 'recommendations-v2' ORDER BY seq"))
    .rows;
}
