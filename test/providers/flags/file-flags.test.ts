/**
 * The file (flagd) flag provider: what a flag serves is read from its targeting as flagd evaluates it
 * (checked against flagd's own engine, @openfeature/flagd-core), never from rollout's metadata; and
 * writers sharing one file never lose each other's changes.
 */
import { afterAll, describe, expect, it, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import type { Logger } from '@openfeature/core';
import { flagdDefinition, readFlagdState, type FlagdFlag } from '../../../src/providers/flags/file/flagd.js';
import { createFileFlags } from '../../../src/providers/flags/file/index.js';
import { adapterContext } from '../../helpers/providers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'rollout-flagd-'));
  dirs.push(d);
  return d;
};

const logger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const KEYS = Array.from({ length: 20_000 }, () => randomUUID());

/** The share (0-100) of keys flagd serves `true`, for a context of attributes. */
function evaluated(flag: FlagdFlag, attrs: Record<string, string>): number {
  const core = new FlagdCore(undefined, logger);
  core.setConfigurations(JSON.stringify({ flags: { f: flag } }));
  let on = 0;
  for (const k of KEYS)
    if (core.resolveBooleanEvaluation('f', false, { targetingKey: k, ...attrs }, logger).value === true) on++;
  return (on / KEYS.length) * 100;
}

const beta = { name: 'beta', attribute: 'group', in: ['beta'] };
const def = (traffic: number, audience?: typeof beta) =>
  flagdDefinition({ traffic, audience, plan: 'p', comment: 'c' });
/** The flag's targeting with one piece of its JSON replaced, as a hand edit would. */
const edited = (flag: FlagdFlag, from: string, to: string): Record<string, unknown> => {
  const text = JSON.stringify(flag.targeting);
  if (!text.includes(from)) throw new Error(`${from} is not in ${text}`);
  return JSON.parse(text.replace(from, to)) as Record<string, unknown>;
};

describe('readFlagdState derives what is served from the targeting, as flagd evaluates it', () => {
  const cases: [string, FlagdFlag, Record<string, string>][] = [
    ['5% of an audience, as rollout writes it', def(5, beta), { group: 'beta' }],
    ['2.5% of everyone', def(2.5), {}],
    ['100% of everyone', def(100), {}],
    ['0%', def(0), {}],
    [
      'a hand edit of the split (50/50), metadata untouched',
      { ...def(5, beta), targeting: edited(def(5, beta), '["on",5000],["off",95000]', '["on",1],["off",1]') },
      { group: 'beta' },
    ],
    [
      'the split written off-first, relative weights',
      {
        ...def(10),
        targeting: {
          fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['off', 3], ['on', 1]],
        },
      },
      {},
    ],
    [
      'a split without a bucketing expression',
      {
        ...def(10),
        targeting: {
          fractional: [
            ['on', 40],
            ['off', 60],
          ],
        },
      },
      {},
    ],
    [
      'variants renamed: the served value counts, not the name',
      {
        ...def(10),
        variants: { yes: true, no: false },
        defaultVariant: 'no',
        targeting: {
          fractional: [
            ['yes', 20],
            ['no', 80],
          ],
        },
      },
      {},
    ],
  ];
  test.each(cases)('%s', (_what, flag, attrs) => {
    const read = readFlagdState(flag);
    expect(Number.isNaN(read.traffic)).toBe(false);
    expect(Math.abs(read.traffic - evaluated(flag, attrs))).toBeLessThan(1.5);
  });

  test('the metadata is not trusted: a split of 50% with metadata saying 5 reads 50', () => {
    const flag = def(5, beta);
    flag.targeting = edited(flag, '["on",5000],["off",95000]', '["on",50000],["off",50000]');
    expect(flag.metadata!['traffic']).toBe(5);
    expect(readFlagdState(flag)).toMatchObject({
      enabled: true,
      traffic: 50,
      audience: 'beta',
      detail: { audienceRule: { attribute: 'group', in: ['beta'] } },
    });
  });

  test('the audience condition is read from the targeting', () => {
    const flag = def(5, beta);
    flag.targeting = edited(flag, '["beta"]', '["beta","gamma"]');
    expect(readFlagdState(flag).detail).toEqual({ audienceRule: { attribute: 'group', in: ['beta', 'gamma'] } });
  });

  test.each<[string, Record<string, unknown>]>([
    ['another condition operator', { if: [{ '==': [{ var: 'email' }, 'a@b.c'] }, 'on', 'off'] }],
    ['serving the feature outside the audience', { if: [{ in: [{ var: 'group' }, ['beta']] }, 'on', 'on'] }],
    [
      'an unknown variant',
      {
        fractional: [
          ['maybe', 50],
          ['off', 50],
        ],
      },
    ],
    [
      'weights that are not numbers',
      {
        fractional: [
          ['on', '5'],
          ['off', '95'],
        ],
      },
    ],
    [
      'no weight at all',
      {
        fractional: [
          ['on', 0],
          ['off', 0],
        ],
      },
    ],
    ['a nested rule', { if: [{ in: [{ var: 'group' }, ['beta']] }, { if: [true, 'on', 'off'] }, 'off'] }],
  ])('unrecognised targeting (%s) is unknown, never a number', (_what, targeting) => {
    const read = readFlagdState({ ...def(5), targeting });
    expect(read.traffic).toBeNaN();
    expect(read.detail).toMatchObject({ unrecognised: true });
    expect(String(read.detail!['note'])).toMatch(/^unrecognised targeting: /);
  });
});

describe('writers sharing one flag file', () => {
  it('parallel changes of different flags in one file all land (the file is locked, re-read and replaced atomically)', async () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'flags.json'),
      JSON.stringify({ flags: { other: { state: 'ENABLED', variants: { a: 'x' }, defaultVariant: 'a' } } }),
    );
    const providers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createFileFlags({ type: 'file', path: 'flags.json' }, adapterContext({ baseDir: dir, plan: `plan-${i}` }).ctx),
      ),
    );
    const results = await Promise.all(
      providers.map((p, i) => p.setTraffic({ flag: `flag-${i}`, traffic: i + 1, comment: 'test' })),
    );
    expect(results.map((r) => r.traffic)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const doc = JSON.parse(readFileSync(path.join(dir, 'flags.json'), 'utf8'));
    expect(Object.keys(doc.flags).sort()).toEqual(
      ['other', ...Array.from({ length: 12 }, (_, i) => `flag-${i}`)].sort(),
    );
    // the flag nobody drives is untouched
    expect(doc.flags.other).toEqual({ state: 'ENABLED', variants: { a: 'x' }, defaultVariant: 'a' });
    for (let i = 0; i < 12; i++) expect(readFlagdState(doc.flags[`flag-${i}`]).traffic).toBe(i + 1);
    // no lock is left behind
    expect(() => readFileSync(path.join(dir, 'flags.json.lock'))).toThrow();
  });
});
