/**
 * The journal's digest and the file store's checkpoint: folding from a checkpoint gives exactly what
 * folding the whole journal gives (fast-check), the checkpoint is really used (the lines before it are
 * not read again), and anything that does not match it (a journal cut, replaced or edited, a damaged
 * checkpoint) is read whole again, with every check the journal had before.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearSecrets, addSecret } from '../../src/redact.js';
import { createFileStore } from '../../src/state/file-store.js';
import { digestOf, emptyDigest, foldEntry, type JournalDigest } from '../../src/state/journal-digest.js';
import type { JournalEntry } from '../../src/state/types.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'journal-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = path.join(root, `d${++n}`);
  return {
    dir,
    plan: 'p',
    journal: path.join(dir, 'p.journal.jsonl'),
    cp: path.join(dir, 'p.journal.checkpoint.json'),
  };
};
const store = (dir: string) => createFileStore({ dir, plan: 'p', now: () => new Date(), lockWaitMs: 2000 });

type Draft = Omit<JournalEntry, 'seq'>;
const T = Date.parse('2026-06-18T09:00:00Z');

/** Journal entries as the engine writes them: gates and holds, effects opened and closed, component switches. */
const draftArb: fc.Arbitrary<Draft> = fc
  .record({
    kind: fc.constantFrom('gate', 'held', 'advanced', 'start', 'done', 'failed', 'checklist', 'rollback'),
    phase: fc.constantFrom('canary-5', 'canary-25', undefined),
    effect: fc.constantFrom('e1', 'e2', 'e3'),
    action: fc.constantFrom('flag.set', 'component.switch', 'component.check'),
    verdict: fc.constantFrom('pass', 'fail', 'inconclusive'),
    reason: fc.constantFrom('error-rate 2% > 1%', 'soak 10m of 1h', 'incident INC-1 open'),
    minute: fc.nat(5000),
    simulated: fc.boolean(),
  })
  .map((r): Draft => {
    const base = {
      at: new Date(T + r.minute * 60_000).toISOString(),
      clock: r.simulated ? ('ROLLOUT_NOW' as const) : ('system' as const),
      phase: r.phase,
    };
    switch (r.kind) {
      case 'gate':
        return {
          ...base,
          type: 'gate.evaluated',
          data: {
            verdict: r.verdict,
            decision: r.verdict === 'pass' ? 'advance' : 'hold',
            reasons: [r.reason],
            criteria: [{ kind: 'incidents', verdict: r.verdict, detail: r.reason }],
          },
        };
      case 'held':
        return { ...base, type: 'rollout.held', data: { actor: 'ci' } };
      case 'advanced':
        return { ...base, type: 'rollout.advanced', data: {} };
      case 'start':
        return { ...base, type: 'effect.start', effect: r.effect, data: { action: r.action, component: 'api' } };
      case 'done':
        return { ...base, type: 'effect.done', effect: r.effect, data: { action: r.action, exitCode: 0 } };
      case 'failed':
        return { ...base, type: 'effect.failed', effect: r.effect, data: { action: r.action, error: 'boom' } };
      case 'checklist':
        return { ...base, type: 'checklist.answered', data: { text: 'backup', status: 'done', by: 'ana' } };
      default:
        return { ...base, type: 'rollback.finished', data: { steps: [] } };
    }
  });

const numbered = (drafts: Draft[]): JournalEntry[] => drafts.map((d, i) => ({ seq: i + 1, ...d }));
/** What a checkpoint holds: the digest as JSON text, read back. */
const roundTrip = (d: JournalDigest): JournalDigest => JSON.parse(JSON.stringify(d));

describe('the journal digest', () => {
  test('folding from a saved digest at any point gives exactly what folding the whole journal gives', () => {
    fc.assert(
      fc.property(fc.array(draftArb, { maxLength: 120 }), fc.nat(), (drafts, at) => {
        const entries = numbered(drafts);
        const k = entries.length ? at % (entries.length + 1) : 0;
        const resumed = roundTrip(digestOf(entries.slice(0, k)));
        for (const e of entries.slice(k)) foldEntry(resumed, e);
        expect(roundTrip(resumed)).toEqual(roundTrip(digestOf(entries)));
      }),
      { numRuns: 300 },
    );
  });

  test('a check repeated every minute for 72 hours is one timeline row and one issue row, with its count', () => {
    const gate = (m: number): Draft => ({
      at: new Date(T + m * 60_000).toISOString(),
      clock: 'system',
      type: 'gate.evaluated',
      phase: 'canary-5',
      data: { verdict: 'fail', decision: 'hold', reasons: ['soak'], criteria: [] },
    });
    const held = (m: number): Draft => ({ ...gate(m), type: 'rollout.held', data: { actor: 'ci' } });
    const drafts: Draft[] = [];
    for (let m = 0; m < 72 * 60; m++) drafts.push(gate(m), held(m));
    const d = digestOf(numbered(drafts));
    const p = d.phases['canary-5']!;
    expect(p.timeline.map((r) => [r.entry.type, r.count])).toEqual([
      ['gate.evaluated', 4320],
      ['rollout.held', 4320],
    ]);
    expect(p.timeline[0]!.lastAt).toBe(new Date(T + (72 * 60 - 1) * 60_000).toISOString());
    expect(p.issues).toEqual([expect.objectContaining({ kind: 'held', count: 4320, text: ['soak'], actor: 'ci' })]);
    expect(d.counts['rollout.held']).toBe(4320);
    // the digest keeps the last gate whole, and only verdict and decision of the row's first
    expect(p.last['gate.evaluated']!.seq).toBe(8639);
    expect(Object.keys(p.timeline[0]!.entry.data).sort()).toEqual(['decision', 'verdict']);
  });

  test('rows never merge across a different verdict: the timeline keeps its order', () => {
    const at = (m: number) => new Date(T + m * 60_000).toISOString();
    const gate = (m: number, verdict: string): Draft => ({
      at: at(m),
      clock: 'system',
      type: 'gate.evaluated',
      phase: 'x',
      data: { verdict, decision: 'hold', reasons: [verdict], criteria: [] },
    });
    const held = (m: number): Draft => ({ at: at(m), clock: 'system', type: 'rollout.held', phase: 'x', data: {} });
    const d = digestOf(
      numbered([gate(0, 'fail'), held(0), gate(1, 'fail'), held(1), gate(2, 'inconclusive'), held(2)]),
    );
    expect(d.phases['x']!.timeline.map((r) => `${r.entry.type}:${r.entry.data['verdict'] ?? ''}×${r.count}`)).toEqual([
      'gate.evaluated:fail×2',
      'rollout.held:×2',
      'gate.evaluated:inconclusive×1',
      'rollout.held:×1',
    ]);
    expect(d.phases['x']!.issues.map((r) => `${r.text.join()}×${r.count}`)).toEqual(['fail×2', 'inconclusive×1']);
  });
});

/** Appends drafts in one locked run (as a command does), releasing the lock at the end. */
async function run(dir: string, drafts: Draft[]): Promise<void> {
  const s = store(dir);
  const lock = await s.lock();
  try {
    for (const d of drafts) await s.append(d);
  } finally {
    await lock.release();
  }
}
const truth = async (dir: string) => digestOf(await store(dir).journal());

describe('the file store checkpoint', () => {
  test('over runs of any size, a new reader folds checkpoint + tail into exactly the whole journal digest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(draftArb, { maxLength: 12 }), { minLength: 1, maxLength: 6 }),
        async (runs) => {
          const { dir } = fresh();
          for (const r of runs) {
            await run(dir, r);
            expect(roundTrip(await store(dir).digest())).toEqual(roundTrip(await truth(dir)));
            const s = await store(dir).summary();
            expect(s.lastSeq).toBe((await truth(dir)).lastSeq);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('the lines before the checkpoint are not read again (a doctored count shows through), and it is 0600', async () => {
    const f = fresh();
    const gate: Draft = { at: new Date(T).toISOString(), clock: 'system', type: 'rollout.held', phase: 'a', data: {} };
    await run(f.dir, [gate, gate, gate]);
    expect(statSync(f.cp).mode & 0o777).toBe(0o600);
    const cp = JSON.parse(readFileSync(f.cp, 'utf8'));
    expect(cp).toMatchObject({ v: 1, lastSeq: 3, lines: 3, offset: statSync(f.journal).size });
    cp.digest.counts['rollout.held'] = 1000;
    writeFileSync(f.cp, JSON.stringify(cp));
    await run(f.dir, [gate]);
    expect((await store(f.dir).digest()).counts['rollout.held']).toBe(1001);
    expect((await truth(f.dir)).counts['rollout.held']).toBe(4);
  });

  test('a read-only reader never writes a checkpoint', async () => {
    const f = fresh();
    await run(f.dir, [{ at: new Date(T).toISOString(), clock: 'system', type: 'x', data: {} }]);
    rmSync(f.cp);
    await store(f.dir).summary();
    await store(f.dir).digest();
    expect(existsSync(f.cp)).toBe(false);
  });

  const draft = (i: number): Draft => ({
    at: new Date(T + i * 60_000).toISOString(),
    clock: 'system',
    type: i % 2 ? 'rollout.held' : 'gate.evaluated',
    phase: 'a',
    data: { verdict: 'fail', decision: 'hold', reasons: [`r${i % 3}`], criteria: [] },
  });
  const some = (from: number, k: number) => Array.from({ length: k }, (_, i) => draft(from + i));

  test.each([
    ['the checkpoint is not JSON', (f: ReturnType<typeof fresh>) => writeFileSync(f.cp, '{"v":1,')],
    [
      'the checkpoint is of another version',
      (f: ReturnType<typeof fresh>) => {
        const cp = JSON.parse(readFileSync(f.cp, 'utf8'));
        writeFileSync(f.cp, JSON.stringify({ ...cp, v: 2 }));
      },
    ],
    [
      'the checkpoint names a negative offset',
      (f: ReturnType<typeof fresh>) => {
        const cp = JSON.parse(readFileSync(f.cp, 'utf8'));
        writeFileSync(f.cp, JSON.stringify({ ...cp, offset: -5 }));
      },
    ],
    [
      'an early line was edited (same size)',
      (f: ReturnType<typeof fresh>) => {
        const text = readFileSync(f.journal, 'utf8');
        writeFileSync(f.journal, text.replace('"r0"', '"rX"'));
      },
    ],
    [
      'the journal was replaced by another of the same length',
      (f: ReturnType<typeof fresh>) => {
        const text = readFileSync(f.journal, 'utf8');
        writeFileSync(f.journal, text.replaceAll('"fail"', '"pass"'));
      },
    ],
    [
      'the journal was restored from an older copy and grew again',
      (f: ReturnType<typeof fresh>) => {
        const lines = readFileSync(f.journal, 'utf8').trim().split('\n');
        const other = some(100, 30).map((d, i) => JSON.stringify({ seq: 6 + i, ...d }));
        writeFileSync(f.journal, `${[...lines.slice(0, 5), ...other].join('\n')}\n`);
      },
    ],
  ])('%s: the journal is read whole again and the digest is the true one', async (_what, tamper) => {
    const f = fresh();
    await run(f.dir, some(0, 20));
    tamper(f);
    expect(roundTrip(await store(f.dir).digest())).toEqual(roundTrip(await truth(f.dir)));
    await run(f.dir, some(50, 3)); // and the next run writes a checkpoint that fits
    expect(roundTrip(await store(f.dir).digest())).toEqual(roundTrip(await truth(f.dir)));
  });

  test('a same-size edit anywhere in a journal under 1 MiB is seen: the journal is read whole again', async () => {
    const f = fresh();
    const big = (i: number): Draft => ({ ...draft(i), data: { ...draft(i).data, note: 'x'.repeat(400) } });
    await run(
      f.dir,
      Array.from({ length: 60 }, (_, i) => big(i)),
    );
    expect(statSync(f.journal).size).toBeGreaterThan(20_000);
    const text = readFileSync(f.journal, 'utf8');
    const lines = text.split('\n');
    lines[30] = lines[30]!.replace('"fail"', '"pass"');
    writeFileSync(f.journal, lines.join('\n'));
    expect(readFileSync(f.journal, 'utf8').length).toBe(text.length);
    expect(roundTrip(await store(f.dir).digest())).toEqual(roundTrip(await truth(f.dir)));
  });

  test('past 1 MiB the checkpoint is still used (a doctored count shows through), and an edit near the end is seen', async () => {
    const f = fresh();
    const big = (i: number): Draft => ({ ...draft(i), data: { ...draft(i).data, note: 'y'.repeat(2000) } });
    await run(
      f.dir,
      Array.from({ length: 700 }, (_, i) => big(i)),
    );
    expect(statSync(f.journal).size).toBeGreaterThan(1 << 20);
    const cp = JSON.parse(readFileSync(f.cp, 'utf8'));
    cp.digest.counts['rollout.held'] = 5000;
    writeFileSync(f.cp, JSON.stringify(cp));
    expect((await store(f.dir).digest()).counts['rollout.held']).toBe(5000);
    const text = readFileSync(f.journal, 'utf8');
    const lines = text.trimEnd().split('\n');
    lines[695] = lines[695]!.replace('"fail"', '"pass"');
    writeFileSync(f.journal, `${lines.join('\n')}\n`);
    expect((await store(f.dir).digest()).counts['rollout.held']).toBe(350);
  });

  test.each([
    ['an open effect that is not an entry', (d: Record<string, unknown>) => ({ ...d, open: [5] })],
    ['phases that are a list', (d: Record<string, unknown>) => ({ ...d, phases: [] })],
    ['a count that is not a number', (d: Record<string, unknown>) => ({ ...d, counts: { 'rollout.held': 'many' } })],
    ["a last seq other than the checkpoint's", (d: Record<string, unknown>) => ({ ...d, lastSeq: 2 })],
    [
      'a timeline row without its entry',
      (d: Record<string, unknown>) => {
        const phases = d['phases'] as Record<string, { timeline: unknown[] }>;
        phases['a']!.timeline = [{ count: 1, lastAt: 'x' }];
        return d;
      },
    ],
  ])('a checkpoint whose digest has %s is not used: the journal is read whole again', async (_what, doctor) => {
    const f = fresh();
    await run(f.dir, some(0, 6));
    const cp = JSON.parse(readFileSync(f.cp, 'utf8'));
    writeFileSync(f.cp, JSON.stringify({ ...cp, digest: doctor(cp.digest) }));
    const s = store(f.dir);
    expect(roundTrip(await s.digest())).toEqual(roundTrip(await truth(f.dir)));
    expect((await s.summary()).open).toEqual([]);
  });

  test('a journal cut before the seq the state was saved at is still refused, checkpoint or not', async () => {
    const f = fresh();
    const s = store(f.dir);
    const lock = await s.lock();
    for (const d of some(0, 10)) await s.append(d);
    await s.save({ plan: 'p' } as never);
    await lock.release();
    const lines = readFileSync(f.journal, 'utf8').trim().split('\n');
    writeFileSync(f.journal, `${lines.slice(0, 7).join('\n')}\n`);
    await expect(store(f.dir).load()).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringMatching(/cut short/),
    });
  });

  test('after a checkpoint, a damaged line is named by its true line number, and a torn tail is seen', async () => {
    const f = fresh();
    await run(f.dir, some(0, 10));
    appendFileSync(f.journal, '{"seq": 11, "at": "2026-06-18T10:00:00Z"\n');
    appendFileSync(f.journal, `${JSON.stringify({ seq: 12, ...draft(12) })}\n`);
    await expect(store(f.dir).summary()).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringMatching(/damaged at line 11\b/),
    });
    const g = fresh();
    await run(g.dir, some(0, 10));
    appendFileSync(g.journal, '{"seq": 11, "at": "2026-06-1');
    const s = await store(g.dir).summary();
    expect(s.torn).toEqual({ line: 11, text: '{"seq": 11, "at": "2026-06-1' });
    expect(s.lastSeq).toBe(10);
    // the next run removes the torn line and goes on from seq 11
    const w = store(g.dir);
    const lock = await w.lock();
    await w.repairTornTail();
    expect((await w.append(draft(11))).seq).toBe(11);
    await lock.release();
    expect(roundTrip(await store(g.dir).digest())).toEqual(roundTrip(await truth(g.dir)));
  });

  test('a secret never reaches the checkpoint', async () => {
    const f = fresh();
    addSecret('s3cr3t-token-value');
    try {
      await run(f.dir, [{ ...draft(0), data: { ...draft(0).data, reasons: ['auth s3cr3t-token-value failed'] } }]);
    } finally {
      clearSecrets();
    }
    expect(readFileSync(f.cp, 'utf8')).not.toContain('s3cr3t-token-value');
    expect(readFileSync(f.cp, 'utf8')).toContain('auth');
  });
});

test('a phase or type named __proto__ from a hostile journal is a key like any other, never the prototype', () => {
  const e = (type: string, phase: string): JournalEntry => ({
    seq: 1,
    at: new Date(T).toISOString(),
    clock: 'system',
    type,
    phase,
    data: { verdict: 'fail', decision: 'hold' },
  });
  const d = digestOf([e('__proto__', '__proto__'), { ...e('constructor', '__proto__'), seq: 2 }]);
  expect(Object.keys(d.phases)).toEqual(['__proto__']);
  expect(Object.hasOwn(d.counts, '__proto__')).toBe(true);
  const key = ['__', 'proto', '__'].join('');
  expect(Object.getOwnPropertyDescriptor(d.counts, key)?.value).toBe(1);
  const phase = Object.getOwnPropertyDescriptor(d.phases, key)?.value as { last: object };
  expect(Object.keys(phase.last).sort()).toEqual(['__proto__', 'constructor']);
  expect(({} as Record<string, unknown>)['last']).toBeUndefined();
  expect(roundTrip(roundTrip(d))).toEqual(roundTrip(d));
});

test('an empty digest folds nothing', () => {
  expect(emptyDigest()).toEqual({ v: 1, lastSeq: 0, open: [], simulated: false, counts: {}, phases: {} });
});
