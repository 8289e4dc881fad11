/**
 * The state store's behaviour as a function over a store factory, run against every backend
 * (file-store.test.ts, pg-store.test.ts): state round trip, journal seq and summary, open effects,
 * the lock and its holder, a journal cut short.
 */
import { describe, expect, test } from '@jest/globals';
import { digestOf, type JournalDigest } from '../../src/state/journal-digest.js';
import type { JournalEntry, RolloutState, StateStore } from '../../src/state/types.js';

export interface StoreFactory {
  /** a new store over the same place for `plan` (a second one stands for another run) */
  make(plan: string, opts?: { lockWaitMs?: number }): StateStore;
  /** removes journal entries after seq `keep` behind the store's back (a journal cut short) */
  cutJournal(plan: string, keep: number): Promise<void>;
}

const at = '2026-06-18T09:00:00.000Z';
const entry = (type: string, effect?: string): Omit<JournalEntry, 'seq'> => ({
  at,
  clock: 'ROLLOUT_NOW',
  type,
  phase: 'canary',
  ...(effect ? { effect } : {}),
  data: { n: 1, text: 'ünïcode' },
});
export const sampleState = (plan: string): RolloutState => ({
  version: 1,
  plan,
  status: 'in-progress',
  phaseIndex: 1,
  phase: 'canary',
  traffic: 5,
  phases: {
    canary: { name: 'canary', enteredAt: at, visits: 1, checklist: {}, approvals: [], flagAfter: { on: true } },
  },
  startedAt: at,
  updatedAt: at,
});

let n = 0;
const unique = (what: string) => `suite-${what}-${process.pid}-${++n}`;

export function storeSuite(name: string, factory: () => StoreFactory): void {
  describe(`state store: ${name}`, () => {
    test('a rollout not started loads as undefined and has an empty journal', async () => {
      const s = factory().make(unique('empty'));
      expect(await s.load()).toBeUndefined();
      expect(await s.summary()).toMatchObject({ lastSeq: 0, open: [] });
      expect(await s.journal()).toEqual([]);
    });

    test('save then load gives the state back, stamped with the journal seq it was saved at', async () => {
      const plan = unique('save');
      const s = factory().make(plan);
      await s.append(entry('rollout.started'));
      await s.append(entry('phase.entered'));
      await s.save(sampleState(plan));
      expect(await factory().make(plan).load()).toEqual({ ...sampleState(plan), journalSeq: 2 });
      await s.save({ ...sampleState(plan), traffic: 25 });
      expect((await s.load())?.traffic).toBe(25);
    });

    test('append numbers entries 1, 2, 3 and the journal reads them back in order, filtered or streamed', async () => {
      const plan = unique('append');
      const s = factory().make(plan);
      const written = [];
      for (const t of ['a', 'b', 'c']) written.push(await s.append(entry(t)));
      expect(written.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await factory().make(plan).journal()).toEqual(written);
      expect((await s.journal((e) => e.type !== 'b')).map((e) => e.type)).toEqual(['a', 'c']);
      const streamed: JournalEntry[] = [];
      for await (const e of s.entries()) streamed.push(e);
      expect(streamed).toEqual(written);
      expect(await s.summary()).toMatchObject({ lastSeq: 3, last: { at, clock: 'ROLLOUT_NOW', type: 'c' } });
    });

    test('the summary lists effects started with no outcome, and only those', async () => {
      const plan = unique('open');
      const s = factory().make(plan);
      await s.append(entry('effect.start', 'e1'));
      await s.append(entry('effect.done', 'e1'));
      await s.append(entry('effect.start', 'e2'));
      await s.append(entry('effect.start', 'e3'));
      await s.append(entry('effect.interrupted', 'e3'));
      await s.append(entry('effect.start', 'e4'));
      await s.append(entry('effect.failed', 'e4'));
      const open = (await factory().make(plan).summary()).open;
      expect(open.map((e) => [e.effect, e.seq])).toEqual([['e2', 3]]);
    });

    test('a second run cannot take the lock while the first holds it, and is told who holds it', async () => {
      const plan = unique('lock');
      const a = factory().make(plan);
      const b = factory().make(plan, { lockWaitMs: 300 });
      const lock = await a.lock();
      try {
        await a.verifyLock();
        await expect(b.lock()).rejects.toMatchObject({
          code: 'locked',
          message: expect.stringContaining(`pid ${process.pid}`),
        });
        expect(await b.activeHolder()).toContain(`pid ${process.pid}`);
        await a.append(entry('under-lock'));
      } finally {
        await lock.release();
      }
      expect(await b.activeHolder()).toBeUndefined();
      const again = await b.lock();
      await again.release();
    });

    test('a journal that ends before the seq the state was saved at is refused as corrupt', async () => {
      const plan = unique('cut');
      const f = factory();
      const s = f.make(plan);
      for (const t of ['a', 'b', 'c']) await s.append(entry(t));
      await s.save(sampleState(plan));
      await f.cutJournal(plan, 1);
      await expect(f.make(plan).load()).rejects.toMatchObject({
        code: 'corrupt',
        message: expect.stringContaining('cut short'),
      });
    });

    test('control characters and masked secrets never reach the stored journal', async () => {
      const plan = unique('clean');
      const s = factory().make(plan);
      await s.append({ ...entry('x'), data: { text: 'a\u001b[31mred\u0007' } });
      const [e] = await factory().make(plan).journal();
      expect(JSON.stringify(e)).not.toMatch(/\u001b|\u0007/);
    });

    /** One locked run appending `types` in phase `phase`, as a command does. */
    const run = async (f: StoreFactory, plan: string, types: string[], phase = 'canary') => {
      const s = f.make(plan);
      const lock = await s.lock();
      try {
        for (const t of types) await s.append({ ...entry(t), phase });
      } finally {
        await lock.release();
      }
    };
    const roundTrip = (d: JournalDigest) => JSON.parse(JSON.stringify(d));

    test('the digest a new run reads (checkpoint + the entries after it) is the digest of the whole journal', async () => {
      const plan = unique('digest');
      const f = factory();
      const kinds = ['gate.evaluated', 'rollout.held', 'effect.start', 'rollout.advanced', 'rollout.held'];
      for (let r = 0; r < 5; r++) {
        await run(f, plan, kinds.slice(0, 1 + r), r % 2 ? 'canary' : 'full');
        const read = await f.make(plan).digest();
        expect(roundTrip(read)).toEqual(roundTrip(digestOf(await f.make(plan).journal())));
        expect(read.lastSeq).toBe((await f.make(plan).summary()).lastSeq);
      }
      // and the store that appended knows the same without reading again
      const s = f.make(plan);
      const lock = await s.lock();
      await s.digest();
      await s.append(entry('rollout.held'));
      const inMemory = roundTrip(await s.digest());
      await lock.release();
      expect(inMemory).toEqual(roundTrip(digestOf(await f.make(plan).journal())));
    });

    test('a journal cut behind the checkpoint and written again is folded whole: the digest is the true one', async () => {
      const plan = unique('digest-cut');
      const f = factory();
      await run(f, plan, ['gate.evaluated', 'rollout.held', 'gate.evaluated', 'rollout.held', 'effect.start']);
      await f.make(plan).digest();
      await f.cutJournal(plan, 2);
      await run(f, plan, ['rollout.advanced', 'effect.done', 'checklist.answered'], 'other');
      const read = roundTrip(await f.make(plan).digest());
      expect(read).toEqual(roundTrip(digestOf(await f.make(plan).journal())));
      expect(read.lastSeq).toBe(5);
      expect(read.counts['effect.start']).toBeUndefined();
    });
  });
}
