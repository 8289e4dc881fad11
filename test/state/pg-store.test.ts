/**
 * The state store suite on PostgreSQL (the real test server), plus what only this backend has: the
 * schema created and migrated by the tool, a lock lost with its connection, errors that name the
 * server without the password.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closePgPools } from '../../src/state/pg-connect.js';
import { createPgStore } from '../../src/state/pg-store.js';
import { createTestDatabase, sql } from '../helpers/pg-db.js';
import { sampleState, storeSuite } from './store-suite.js';

let db: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  db = await createTestDatabase('store');
});
afterAll(async () => {
  await closePgPools();
  await db?.drop();
});

storeSuite('postgres', () => ({
  make: (plan, o) => createPgStore({ url: db.url, plan, now: () => new Date(), lockWaitMs: o?.lockWaitMs ?? 2000 }),
  async cutJournal(plan, keep) {
    await sql(db.url, 'DELETE FROM rollout_journal WHERE plan = $1 AND seq > $2', [plan, keep]);
  },
}));

describe('state store: postgres only', () => {
  test('the tool creates the schema and records its version once, however many runs start at once', async () => {
    const stores = Array.from({ length: 5 }, (_, i) =>
      createPgStore({ url: db.url, plan: `mig-${i}`, now: () => new Date() }),
    );
    await Promise.all(stores.map((s) => s.load()));
    const r = await sql(db.url, 'SELECT version FROM rollout_schema_version ORDER BY version');
    expect(r.rows.map((x) => x.version)).toEqual([1, 2]);
  });

  test('a run whose lock connection ended has lost its lock: it writes nothing more', async () => {
    const plan = `lost-${process.pid}`;
    const s = createPgStore({ url: db.url, plan, now: () => new Date() });
    const lock = await s.lock();
    const holder = await sql(db.url, 'SELECT backend_pid FROM rollout_lock_holder WHERE plan = $1', [plan]);
    await sql(db.url, 'SELECT pg_terminate_backend($1)', [holder.rows[0].backend_pid]);
    await expect(s.save(sampleState(plan))).rejects.toMatchObject({ code: 'locked' });
    await expect(s.verifyLock()).rejects.toMatchObject({ code: 'locked' });
    expect(await createPgStore({ url: db.url, plan, now: () => new Date() }).load()).toBeUndefined();
    await lock.release();
  });

  test('an unreachable server or a refused connection is an error naming host:port/database, never the password', async () => {
    const u = new URL(db.url);
    u.password = 'S3cret-pw-x';
    u.pathname = '/no_such_database_here';
    const wrong = createPgStore({ url: u.toString(), plan: 'p', now: () => new Date() });
    const e1 = await wrong.load().catch((e: Error) => e);
    expect(e1).toMatchObject({ code: 'provider' });
    expect(String((e1 as Error).message)).toContain(`${u.hostname}:${u.port}${u.pathname}`);
    expect(JSON.stringify(e1) + String((e1 as Error).message)).not.toContain('S3cret-pw-x');
    const closed = createPgStore({
      url: 'postgres://me:S3cret-pw-x@127.0.0.1:1/nowhere',
      plan: 'p',
      now: () => new Date(),
    });
    const e2 = await closed.load().catch((e: Error) => e);
    expect(e2).toMatchObject({ code: 'provider', message: expect.stringContaining('127.0.0.1:1/nowhere') });
    expect(String((e2 as Error).message)).not.toContain('S3cret');
  });

  test('the journal checkpoint row is used (a doctored count shows through) and ignored once its entry changed', async () => {
    const plan = `cp-${process.pid}`;
    const make = () => createPgStore({ url: db.url, plan, now: () => new Date() });
    const entry = (type: string) => ({
      at: '2026-06-18T09:00:00.000Z',
      clock: 'system' as const,
      type,
      phase: 'canary',
      data: {},
    });
    const run = async (types: string[]) => {
      const s = make();
      const lock = await s.lock();
      for (const t of types) await s.append(entry(t));
      await s.digest(); // as a run that writes reports reads it
      await lock.release();
    };
    await run(['rollout.held', 'rollout.held', 'rollout.held']);
    const row = await sql(db.url, 'SELECT seq, digest FROM rollout_journal_checkpoint WHERE plan = $1', [plan]);
    expect(row.rows[0].seq).toBe(3);
    const doctored = JSON.parse(row.rows[0].digest);
    doctored.counts['rollout.held'] = 1000;
    await sql(db.url, 'UPDATE rollout_journal_checkpoint SET digest = $2 WHERE plan = $1', [
      plan,
      JSON.stringify(doctored),
    ]);
    await run(['rollout.held']);
    expect((await make().digest()).counts['rollout.held']).toBe(1001);
    // and the checkpoint moved on with the run (it once stayed at the first one written)
    const moved = await sql(db.url, 'SELECT seq, digest FROM rollout_journal_checkpoint WHERE plan = $1', [plan]);
    expect([moved.rows[0].seq, JSON.parse(moved.rows[0].digest).counts['rollout.held']]).toEqual([4, 1001]);
    // the entry the checkpoint stops at is no longer the one it folded: every row is folded again
    await sql(db.url, 'DELETE FROM rollout_journal WHERE plan = $1 AND seq > 1', [plan]);
    await run(['rollout.advanced', 'effect.start', 'gate.evaluated']);
    const d = await make().digest();
    expect(d.counts).toEqual({ 'rollout.held': 1, 'rollout.advanced': 1, 'effect.start': 1, 'gate.evaluated': 1 });
    expect(d.lastSeq).toBe(4);
  });

  test('a run that appends without reading the digest (a held check) still leaves the checkpoint, folded from the last one', async () => {
    const plan = `cp2-${process.pid}`;
    const make = () => createPgStore({ url: db.url, plan, now: () => new Date() });
    const entry = (type: string) => ({ at: '2026-06-18T09:00:00.000Z', clock: 'system' as const, type, data: {} });
    const checkpoint = async () =>
      (await sql(db.url, 'SELECT seq, digest FROM rollout_journal_checkpoint WHERE plan = $1', [plan])).rows[0];
    const run = async (types: string[]) => {
      const s = make();
      const lock = await s.lock();
      for (const t of types) await s.append(entry(t));
      await lock.release();
    };
    await run(['rollout.held', 'rollout.held']);
    expect((await checkpoint()).seq).toBe(2);
    // doctored: the next run folds from it (reads only the rows after it), and the count shows through
    const doctored = JSON.parse((await checkpoint()).digest);
    doctored.counts['rollout.held'] = 500;
    await sql(db.url, 'UPDATE rollout_journal_checkpoint SET digest = $2 WHERE plan = $1', [
      plan,
      JSON.stringify(doctored),
    ]);
    await run(['rollout.held']);
    const row = await checkpoint();
    expect([row.seq, JSON.parse(row.digest).counts['rollout.held']]).toEqual([3, 501]);
    // a run that appends nothing writes nothing
    const s = make();
    const lock = await s.lock();
    await lock.release();
    expect((await checkpoint()).seq).toBe(3);
    // a new store reads the digest from it: the doctored count again
    expect((await make().digest()).counts['rollout.held']).toBe(501);
  });
});
