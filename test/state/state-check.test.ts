/**
 * The state's hand-written shape check (state-check.ts, run on every read without zod) against the
 * zod schema it mirrors (state-schema.ts): the same verdict on full valid states and on random damage
 * to any field at any depth (a wrong type, a blank, NaN, an infinity, a fraction where a count goes,
 * an impossible date, a missing field, a list for an object). And validateState's refusals still
 * name each problem in zod's words.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { entryProblems } from '../../src/state/journal-file.js';
import { looksLikeState, validateState } from '../../src/state/state-check.js';
import { schemaProblems } from '../../src/state/state-schema.js';
import type { Plan } from '../../src/plan/schema.js';

const T = '2026-06-18T09:00:00.000Z';
const step = (index: number) => ({
  index,
  component: 'api',
  kind: 'flag',
  status: 'done',
  at: T,
  detail: 'flag set to 0%',
  durationMs: 12,
  exitCode: null,
});

/** A state with every optional field there (so that damage can reach each). */
const full = () => ({
  version: 1,
  plan: 'recommendations-v2',
  status: 'in-progress',
  phaseIndex: 1,
  phase: 'canary-5',
  traffic: 5,
  phases: {
    'pre-deploy': {
      name: 'pre-deploy',
      enteredAt: T,
      leftAt: T,
      visits: 1,
      checklist: {
        tests: {
          id: 'tests',
          text: 'the tests pass',
          status: 'done',
          by: 'ana',
          at: T,
          reason: null,
          command: 'npm test',
          exitCode: 0,
          detail: 'ok',
          output: '',
          durationMs: 1500,
        },
      },
      approvals: [{ by: 'tech-lead', at: T, note: 'go' }],
      voidedApprovals: [{ by: 'sre', at: T }],
    },
    'canary-5': { name: 'canary-5', enteredAt: T, visits: 2, checklist: {}, approvals: [] },
  },
  startedAt: T,
  updatedAt: T,
  pausedAt: T,
  pauseReason: 'lunch',
  rolledBackAt: T,
  completedAt: T,
  rollback: { startedAt: T, reason: 'slo', phase: 'canary-5', steps: [step(0), step(1)], finishedAt: T },
  componentRollbacks: [{ component: 'api', reason: 'slo', startedAt: T, steps: [step(0)] }],
  components: { api: { side: 'green', durationMs: 3 } },
  lastHeldKey: 'k',
  notes: [{ at: T, by: 'ana', kind: 'issue', phase: 'canary-5', text: 'slow' }],
  digests: { d: { audience: 'team', key: 'k', notifier: 'slack', status: 'sent', at: T, upToSeq: 3 } },
  simulatedClock: false,
  lastEffect: null,
  journalSeq: 9,
  addedByALaterVersion: { anything: [1, 2] },
});

/** Every path to a value in `v` (object keys and list indexes). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) for (const [i, x] of v.entries()) out.push([...at, i], ...paths(x, [...at, i]));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push([...at, k], ...paths(x, [...at, k]));
  return out;
}

const DELETE = Symbol('delete');
const values = fc.constantFrom<unknown>(
  DELETE,
  undefined,
  null,
  '',
  'x',
  'canary-5',
  'done',
  'green',
  'sent',
  'issue',
  'flag',
  'system',
  T,
  '2026-13-45T99:00:00Z',
  '2026-06-18',
  'yesterday',
  0,
  -0,
  1,
  -1,
  1.5,
  5,
  100,
  100.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  [],
  {},
  [T],
  { by: 'x', at: T },
);

function damaged(path: (string | number)[], value: unknown): Record<string, unknown> {
  const s = full() as Record<string, unknown>;
  let at: any = s;
  for (const k of path.slice(0, -1)) at = at[k];
  const last = path[path.length - 1]!;
  if (value === DELETE) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else at[last] = value;
  return s;
}

describe('the state shape checked by hand agrees with the zod schema', () => {
  test('a full state, and the states of both kinds of rollout at rest, fit both', () => {
    expect(schemaProblems(full())).toEqual([]);
    expect(looksLikeState(full())).toBe(true);
    const minimal = { ...full() } as Record<string, unknown>;
    for (const k of [
      'pausedAt',
      'pauseReason',
      'rolledBackAt',
      'completedAt',
      'rollback',
      'componentRollbacks',
      'components',
      'lastHeldKey',
      'notes',
      'digests',
      'simulatedClock',
      'lastEffect',
      'journalSeq',
    ])
      delete minimal[k];
    expect(schemaProblems(minimal)).toEqual([]);
    expect(looksLikeState(minimal)).toBe(true);
  });

  test('any one field, at any depth, damaged or removed: the same verdict', () => {
    const all = paths(full());
    expect(all.length).toBeGreaterThan(100);
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...all), values, (path, value) => {
        const s = damaged(path, value);
        const zodSays = schemaProblems(s).length === 0;
        if (!zodSays) refused++;
        expect([path.join('.'), value, looksLikeState(s)]).toEqual([path.join('.'), value, zodSays]);
      }),
      { numRuns: 4000 },
    );
    // the damage does reach the schema's rules (most draws break one)
    expect(refused).toBeGreaterThan(1000);
  });

  test('each field with each value, exhaustively, at the top level and in a phase record', () => {
    const top = Object.keys(full()).map((k) => [k]);
    const phase = Object.keys(full().phases['pre-deploy']).map((k) => ['phases', 'pre-deploy', k]);
    for (const path of [...top, ...phase, ['phases', 'x'], ['phases', 'pre-deploy', 'approvals', 0, 'by']]) {
      for (const value of [undefined, null, '', 'x', 0, -1, 1.5, 101, Number.NaN, [], {}, T, '2026-02-30T10:00:00Z'])
        expect([path.join('.'), value, looksLikeState(damaged(path, value))]).toEqual([
          path.join('.'),
          value,
          schemaProblems(damaged(path, value)).length === 0,
        ]);
    }
  });

  test('not an object at all', () => {
    for (const raw of [null, undefined, 1, 'state', [], [full()], true])
      expect([raw, looksLikeState(raw)]).toEqual([raw, schemaProblems(raw).length === 0]);
  });
});

describe('validateState', () => {
  const plan = { name: 'recommendations-v2', phases: [{ name: 'pre-deploy' }, { name: 'canary-5' }] } as Plan;

  test('a sound state is given back as it is', async () => {
    const s = full();
    await expect(validateState(s, plan, 'state.json')).resolves.toBe(s);
  });

  test("a damaged one is refused naming the file and each problem in the schema's words", async () => {
    const s = damaged(['phases', 'canary-5', 'enteredAt'], 'yesterday');
    (s as any).traffic = '5';
    const e = await validateState(s, plan, 'state.json').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'corrupt' });
    expect((e as Error).message).toMatch(/state\.json.*2 problems/);
    expect((e as { details: string[] }).details.join('\n')).toMatch(/traffic: expected number/);
    expect((e as { details: string[] }).details.join('\n')).toMatch(/phases\.canary-5\.enteredAt: must be an ISO-8601/);
  });

  test('what only the plan can say is still checked', async () => {
    await expect(validateState({ ...full(), phaseIndex: 7 }, plan, 'state.json')).rejects.toThrow(/damaged/);
    await expect(validateState({ ...full(), phase: 'canary-25' }, plan, 'state.json')).rejects.toMatchObject({
      details: [expect.stringMatching(/phase: "canary-25" is not phases\[1\]/)],
    });
  });
});

describe('a journal line checked by hand', () => {
  const entry = { seq: 3, at: T, clock: 'system', type: 'gate.checked', phase: 'canary-5', data: {} };
  test('an entry has no problem; each damaged field is named', () => {
    expect(entryProblems(entry)).toEqual([]);
    expect(entryProblems({ ...entry, seq: 'five' })).toEqual([expect.stringMatching(/^seq .*"five"/)]);
    expect(entryProblems({ ...entry, seq: 0 })).toEqual([expect.stringMatching(/^seq /)]);
    expect(entryProblems({ ...entry, seq: 1.5 })).toEqual([expect.stringMatching(/^seq /)]);
    expect(entryProblems({ ...entry, at: '2026-13-01T00:00:00Z' })).toEqual([expect.stringMatching(/^at .*ISO-8601/)]);
    expect(entryProblems({ ...entry, at: undefined })).toEqual([expect.stringMatching(/^at .*nothing/)]);
    expect(entryProblems({ ...entry, clock: 'utc' })).toEqual([expect.stringMatching(/^clock /)]);
    expect(entryProblems({ ...entry, type: '' })).toEqual([expect.stringMatching(/^type /)]);
    expect(entryProblems({ ...entry, phase: 3 })).toEqual([expect.stringMatching(/^phase /)]);
    expect(entryProblems({ ...entry, effect: null })).toEqual([expect.stringMatching(/^effect /)]);
    expect(entryProblems({ ...entry, data: [] })).toEqual([expect.stringMatching(/^data /)]);
    expect(entryProblems(null)).toEqual(['null is not a journal entry']);
    expect(entryProblems([entry])).toHaveLength(1);
  });
});
