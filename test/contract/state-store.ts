/**
 * The contract every state store keeps (src/state/types.ts StateStore), as a suite over a factory:
 * the file store runs it (file-store.contract.test.ts) and the PostgreSQL store can run the same
 * (`stateStoreContract('postgres', (plan) => createPgStore(...))`). The factory is called with a plan
 * name; two calls with the same name must reach the same stored rollout (two runs of the tool).
 */
import { describe, expect, test } from '@jest/globals';
import type { JournalEntry, StateStore } from '../../src/state/types.js';
import { buildPlan, stateAt } from '../helpers/builders.js';

export type StoreFactory = (plan: string) => StateStore | Promise<StateStore>;

let count = 0;
/** A plan name no other test (nor a concurrent run of the suite) uses. */
const uniquePlan = () => `contract-${process.pid}-${Date.now().toString(36)}-${count++}`;

const entry = (type: string, over: Partial<Omit<JournalEntry, 'seq'>> = {}): Omit<JournalEntry, 'seq'> => ({
  at: '2026-06-18T09:00:00.000Z',
  clock: 'ROLLOUT_NOW',
  type,
  data: {},
  ...over,
});

export function stateStoreContract(name: string, factory: StoreFactory): void {
  describe(`state store contract: ${name}`, () => {
    const plan = buildPlan();
    const open = async () => {
      const id = uniquePlan();
      return { id, store: await factory(id) };
    };

    test('a rollout that has not started has no state and an empty journal', async () => {
      const { store } = await open();
      expect(await store.load()).toBeUndefined();
      expect(await store.journal()).toEqual([]);
      expect(await store.summary()).toMatchObject({ lastSeq: 0, open: [] });
      expect(store.describe()).toEqual(expect.any(String));
    });

    test('what is saved is what is loaded, by another instance too, and a later save replaces it whole', async () => {
      const { id, store } = await open();
      const lock = await store.lock();
      await store.save(stateAt(plan, 1));
      await store.save(stateAt(plan, 2, { pausedAt: '2026-06-19T00:00:00.000Z' }));
      await lock.release();
      const again = await factory(id);
      expect(await again.load()).toMatchObject({
        phaseIndex: 2,
        phase: plan.phases[2]!.name,
        pausedAt: expect.any(String),
      });
    });

    test('the journal numbers entries from 1 in order, reads them back whole, filtered and streamed', async () => {
      const { store } = await open();
      const lock = await store.lock();
      const a = await store.append(entry('phase.entered', { phase: 'canary', data: { traffic: 5 } }));
      const b = await store.append(entry('approval', { data: { by: 'tech-lead' } }));
      await lock.release();
      expect([a.seq, b.seq]).toEqual([1, 2]);
      expect((await store.journal()).map((e) => [e.seq, e.type, e.data])).toEqual([
        [1, 'phase.entered', { traffic: 5 }],
        [2, 'approval', { by: 'tech-lead' }],
      ]);
      expect((await store.journal((e) => e.type === 'approval')).map((e) => e.seq)).toEqual([2]);
      const streamed: number[] = [];
      for await (const e of store.entries()) streamed.push(e.seq);
      expect(streamed).toEqual([1, 2]);
    });

    test('the summary names the last entry and the effects started without an outcome', async () => {
      const { store } = await open();
      const lock = await store.lock();
      await store.append(entry('effect.start', { effect: 'e1' }));
      await store.append(entry('effect.done', { effect: 'e1' }));
      await store.append(entry('effect.start', { effect: 'e2', at: '2026-06-18T10:00:00.000Z' }));
      await lock.release();
      const s = await store.summary();
      expect(s.lastSeq).toBe(3);
      expect(s.last).toMatchObject({ at: '2026-06-18T10:00:00.000Z', type: 'effect.start' });
      expect(s.open.map((e) => e.effect)).toEqual(['e2']);
    });

    test('one run holds the lock: a second is refused as locked, and may take it once released', async () => {
      const { id, store } = await open();
      const other = await factory(id);
      const lock = await store.lock();
      await expect(other.lock()).rejects.toMatchObject({ code: 'locked' });
      await lock.release();
      const second = await other.lock();
      await second.release();
    });

    test('the journal seq a state was saved at is kept with it', async () => {
      const { store } = await open();
      const lock = await store.lock();
      await store.append(entry('phase.entered'));
      await store.save(stateAt(plan, 1));
      await lock.release();
      expect((await store.load())?.journalSeq).toBe(1);
    });
  });
}
