/**
 * The PostgreSQL backend through the binary: a rollout moved file → PostgreSQL → file with
 * `state export | import` comes back identical; 20 concurrent advances make exactly one transition
 * on each backend, and across two working folders ("machines") that share the database and the flag.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { closePgPools } from '../../src/state/pg-connect.js';
import { atStage, explain, removeSandboxes, type CliResult, type Sandbox } from '../helpers/cli.js';
import { createTestDatabase, sql } from '../helpers/pg-db.js';

let db: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  db = await createTestDatabase('cli');
});
afterAll(async () => {
  removeSandboxes();
  await closePgPools();
  await db?.drop();
});

const PASSWORD = 'pw-Zq81xVt3';
const PG_STATE = 'state:\n  backend: postgres\n  url: "${DATABASE_URL}"\n';
/** Points a sandbox at PostgreSQL (database `url`): the plan's state section, and DATABASE_URL for every run. */
function onPostgres(sb: Sandbox, url: string): (args: string[], timeoutMs?: number) => Promise<CliResult> {
  sb.editPlan((y) => y.replace(/state:\n {2}backend: file\n {2}dir: \.rollout[^\n]*\n/, PG_STATE));
  expect(readFileSync(sb.path(sb.plan), 'utf8')).toContain('backend: postgres');
  // The test server trusts local connections and its own password is "rollout", which, masked as a
  // secret, would mask the tool's name everywhere: the runs get a URL with a password of their own.
  const u = new URL(url);
  u.password = PASSWORD;
  return (args, timeoutMs = 20_000) => sb.run(withPlan(sb, args), { env: { DATABASE_URL: u.toString() }, timeoutMs });
}

/** `rollout COMMAND PLAN …`, and `rollout state ACTION PLAN …` */
const withPlan = (sb: Sandbox, args: string[]): string[] => {
  const n = args[0] === 'state' ? 2 : 1;
  return [...args.slice(0, n), sb.plan, ...args.slice(n)];
};

async function newDatabase(tag: string): Promise<string> {
  const d = await createTestDatabase(tag);
  const prev = db.drop;
  db = {
    url: db.url,
    drop: async () => {
      await prev();
      await d.drop();
    },
  };
  return d.url;
}

/** Exactly one of the runs advanced; every other one held after it (3) or found the lock taken (5). */
function exactlyOneTransition(runs: CliResult[]): void {
  const report = runs.map(explain).join('\n=====\n');
  expect(runs.some((r) => r.timedOut)).toBe(false);
  const winners = runs.filter((r) => r.code === 0);
  if (winners.length !== 1)
    throw new Error(`expected exactly one exit 0 among ${JSON.stringify(runs.map((r) => r.code))}:\n${report}`);
  expect(winners[0]!.json()).toMatchObject({ decision: 'advanced', from: 'canary-5', to: 'canary-25', traffic: 25 });
  for (const r of runs.filter((x) => x.code !== 0)) {
    if (r.code === 3) expect(r.json()).toMatchObject({ decision: 'held', phase: 'canary-25' });
    else if (r.code === 5)
      expect(r.json().error).toMatchObject({
        code: 'locked',
        message: expect.stringContaining('another run holds the lock'),
      });
    else throw new Error(`unexpected exit ${r.code}:\n${explain(r)}`);
  }
}

async function pgJournal(url: string): Promise<{ seq: number; type: string; entry: string }[]> {
  return (await sql(url, "SELECT seq, type, entry FROM rollout_journal WHERE plan = 'recommendations-v2' ORDER BY seq"))
    .rows;
}

describe('state export | import', () => {
  it('moves a rollout file → PostgreSQL → file and gets it back identical (state file byte for byte, every entry)', async () => {
    const url = await newDatabase('roundtrip');
    const file = await atStage('canary-5-approved');
    const exported = await file.run(withPlan(file, ['state', 'export']));
    expect(exported.code).toBe(0);
    const doc = JSON.parse(exported.stdout);
    expect(doc.journal.length).toBeGreaterThan(5);
    writeFileSync(file.path('export-1.json'), exported.stdout);

    const pgBox = file.clone();
    rmSync(pgBox.path('plans', '.rollout', 'recommendations-v2.state.json'));
    rmSync(pgBox.path('plans', '.rollout', 'recommendations-v2.journal.jsonl'));
    const pgRun = onPostgres(pgBox, url);
    const imported = await pgRun(['state', 'import', pgBox.path('export-1.json')]);
    expect(imported.code).toBe(0);
    expect((await pgJournal(url)).length).toBe(doc.journal.length);
    // a second import into a place that holds a rollout changes nothing
    expect((await pgRun(['state', 'import', pgBox.path('export-1.json')])).code).toBe(2);
    expect((await pgJournal(url)).length).toBe(doc.journal.length);
    const fromPg = await pgRun(['state', 'export']);
    expect(fromPg.code).toBe(0);
    expect(fromPg.stdout).toBe(exported.stdout);
    writeFileSync(file.path('export-2.json'), fromPg.stdout);

    const back = file.clone();
    rmSync(back.path('plans', '.rollout', 'recommendations-v2.state.json'));
    rmSync(back.path('plans', '.rollout', 'recommendations-v2.journal.jsonl'));
    expect((await back.run(withPlan(back, ['state', 'import', file.path('export-2.json')]))).code).toBe(0);
    expect(readFileSync(back.stateFile, 'utf8')).toBe(readFileSync(file.stateFile, 'utf8'));
    expect(readFileSync(back.journalFile, 'utf8')).toBe(readFileSync(file.journalFile, 'utf8'));

    // and the rollout goes on from PostgreSQL
    const adv = await pgRun(['advance', '--json']);
    expect(adv.code).toBe(0);
    expect(adv.stdout + adv.stderr + fromPg.stdout).not.toContain(PASSWORD);
    expect(adv.json()).toMatchObject({ decision: 'advanced', to: 'canary-25' });
  }, 120_000);
});

describe('twenty concurrent advances make exactly one transition', () => {
  it('on the file backend', async () => {
    const sb = await atStage('canary-5-approved');
    const before = sb.journal().length;
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => sb.cmd('advance', ['--json'], { timeoutMs: 90_000 })),
    );
    exactlyOneTransition(runs);
    const j = sb.journal().slice(before);
    expect(j.filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic')).toHaveLength(1);
    expect(j.filter((e) => e.type === 'rollout.advanced')).toHaveLength(1);
    expect(sb.flag()?.metadata).toMatchObject({ traffic: 25 });
  }, 180_000);

  for (const machines of [1, 2]) {
    it(`on PostgreSQL${machines === 2 ? ', from two working folders (machines) sharing the database and the flag' : ''}`, async () => {
      const url = await newDatabase(`adv${machines}`);
      const file = await atStage('canary-5-approved');
      writeFileSync(file.path('export.json'), (await file.run(withPlan(file, ['state', 'export']))).stdout);
      const boxes = Array.from({ length: machines }, () => file.clone());
      const runners = boxes.map((b, i) => {
        rmSync(b.path('plans', '.rollout', 'recommendations-v2.state.json'));
        rmSync(b.path('plans', '.rollout', 'recommendations-v2.journal.jsonl'));
        // every machine serves the same flag: the first folder's flag file
        if (i > 0) b.editPlan((y) => y.replace('path: .rollout/flags.json', `path: ${boxes[0]!.flagFile}`));
        return onPostgres(b, url);
      });
      expect((await runners[0]!(['state', 'import', file.path('export.json')])).code).toBe(0);
      const before = (await pgJournal(url)).length;
      const runs = await Promise.all(
        Array.from({ length: 20 }, (_, i) => runners[i % machines]!(['advance', '--json'], 90_000)),
      );
      exactlyOneTransition(runs);
      const j = (await pgJournal(url)).slice(before).map((r) => JSON.parse(r.entry));
      expect(j.filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic')).toHaveLength(1);
      expect(j.filter((e) => e.type === 'rollout.advanced')).toHaveLength(1);
      expect(boxes[0]!.flag()?.metadata).toMatchObject({ traffic: 25 });
    }, 180_000);
  }
});

describe('status --all over rollouts kept in PostgreSQL', () => {
  it('every plan of the folder whose state is in the database, each where it is, and the runs end', async () => {
    const url = await newDatabase('all');
    const file = await atStage('canary-5');
    writeFileSync(file.path('export.json'), (await file.run(withPlan(file, ['state', 'export']))).stdout);
    const box = file.clone();
    rmSync(box.path('plans', '.rollout', 'recommendations-v2.state.json'));
    rmSync(box.path('plans', '.rollout', 'recommendations-v2.journal.jsonl'));
    const pgRun = onPostgres(box, url);
    expect((await pgRun(['state', 'import', box.path('export.json')])).code).toBe(0);
    // a second plan in the same database, not started
    const text = readFileSync(box.path(box.plan), 'utf8');
    writeFileSync(box.path('plans', 'copy-2.yaml'), text.replace('name: recommendations-v2', 'name: copy-2'));
    const u = new URL(url);
    u.password = PASSWORD;
    const r = await box.run(['status', '--all', 'plans', '--json'], {
      env: { DATABASE_URL: u.toString() },
      timeoutMs: 30_000,
    });
    expect(r.timedOut).toBe(false);
    const doc = r.json<{
      rollouts: { plan: string; phase: string; traffic: number; state: string; error?: string }[];
    }>();
    const byPlan = Object.fromEntries(doc.rollouts.filter((x) => x.plan).map((x) => [x.plan, x]));
    expect(byPlan['recommendations-v2']).toMatchObject({ phase: 'canary-5', traffic: 5, state: 'in-progress' });
    expect(byPlan['recommendations-v2']!.error).toBeUndefined();
    expect(byPlan['copy-2']).toMatchObject({ phase: 'pre-deploy', traffic: 0, state: 'not-started' });
    expect(byPlan['copy-2']!.error).toBeUndefined();
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    // the database is where they are: the state folder holds neither
    const rows = await sql(url, 'SELECT plan FROM rollout_state ORDER BY plan');
    expect(rows.rows.map((x: { plan: string }) => x.plan)).toContain('recommendations-v2');
  }, 120_000);
});
