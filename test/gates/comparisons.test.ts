/**
 * The comparison criteria of the gate (src/gates/judge-comparisons.ts) with the real engine:
 * verdicts per statistics.md §8 mapped onto criteria, the sticky FAIL through the phase memory,
 * and the no-data invariant (no valid counts in both cohorts never passes).
 */
import { describe, expect, test } from '@jest/globals';
import type { CountObservations, RatioCounts } from '../../src/gates/comparison-types.js';
import { judgeComparisons } from '../../src/gates/judge-comparisons.js';
import { judgeGate } from '../../src/stats/judge-gate.js';
import { buildPlan, metricInput, observations, phaseInput } from '../helpers/builders.js';

const plan = buildPlan({
  providers: {
    flags: { local: { type: 'file', path: 'f.json' } },
    metrics: { local: { type: 'file', path: 'm.csv' } },
    incidents: { local: { type: 'file', path: 'i.json' } },
  },
  metrics: [
    metricInput({
      name: 'conv',
      kind: 'ratio',
      query: undefined,
      slo: undefined,
      numerator: 'conversions',
      denominator: 'users',
      onBreach: 'severe',
      compare: { better: 'higher', failThreshold: 0, passMargin: '5%' },
    }),
  ],
  analysis: { exposure: 'users' },
  phases: [phaseInput('pre', 0), phaseInput('canary', 25), phaseInput('full', 100)],
});

const ratio = (canary: [number, number], control: [number, number]): RatioCounts => ({
  canary: { events: canary[0], total: canary[1] },
  control: { events: control[0], total: control[1] },
  problems: [],
});
const counts = (
  c: RatioCounts,
  exposure = { canary: c.canary.total, control: c.control.total },
): CountObservations => ({
  metrics: { conv: c },
  exposure: { ...exposure, problems: [] },
  elapsedHours: 24,
});
const judge = (c: CountObservations, prior?: Parameters<typeof judgeComparisons>[0]['prior'], phase = 1) =>
  judgeComparisons({
    plan,
    phase: plan.phases[phase]!,
    observations: { ...observations({}), counts: c },
    judge: judgeGate,
    prior,
  });

describe('comparison criteria', () => {
  test('a clear-cut regression fails at the metric onBreach level, and stays failed on healthy data', () => {
    const bad = judge(counts(ratio([2000, 100000], [9300, 300000])));
    expect(bad.criteria[0]).toMatchObject({ name: 'conv', verdict: 'fail', level: 'severe' });
    expect(bad.criteria[0]!.comparison!.interval![1]).toBeLessThan(0);
    const healthy = judge(counts(ratio([3400, 100000], [9300, 300000])), bad.memory);
    expect(healthy.criteria[0]!.verdict).toBe('fail');
    // a new visit of the phase (no prior memory) judges afresh
    expect(judge(counts(ratio([3400, 100000], [9300, 300000]))).criteria[0]!.verdict).not.toBe('fail');
  });

  test('a clear improvement passes; the same with too few samples holds and says what it needs', () => {
    expect(judge(counts(ratio([3600, 100000], [9300, 300000]))).criteria[0]!.verdict).toBe('pass');
    const few = judge(counts(ratio([36, 1000], [93, 3000])));
    expect(few.criteria[0]!.verdict).toBe('hold');
    expect(few.criteria[0]!.comparison!.needed!.text).toMatch(/need about \d+ more/);
  });

  test.each([
    ['no canary counts', ratio([3600, 100000], [9300, 300000]), { canary: undefined, control: 300000 }],
    [
      'NaN events',
      { ...ratio([3600, 100000], [9300, 300000]), canary: { events: Number.NaN, total: 100000 } },
      undefined,
    ],
    ['negative events', ratio([-1, 100000], [9300, 300000]), undefined],
    ['events above the total', ratio([200001, 100000], [9300, 300000]), undefined],
    ['no control', { ...ratio([3600, 100000], [0, 0]), control: { events: undefined, total: undefined } }, undefined],
  ])('%s never passes', (_what, c, exposure) => {
    const r = judge(counts(c as RatioCounts, exposure as never));
    expect(r.criteria.length).toBeGreaterThan(0);
    expect(r.criteria.every((x) => x.verdict !== 'pass')).toBe(true);
  });

  test('a sample-ratio mismatch holds a comparison that would pass, with its own criterion', () => {
    const r = judge(counts(ratio([3600, 100000], [9300, 300000]), { canary: 130000, control: 300000 }));
    expect(r.criteria.find((c) => c.name === 'conv')!.verdict).toBe('hold');
    expect(r.criteria.find((c) => c.name === 'sample-ratio')).toMatchObject({ verdict: 'hold' });
  });

  test('problems reported with the counts keep a pass from passing', () => {
    const c = { ...ratio([3600, 100000], [9300, 300000]), problems: ['conversions (canary): 2 invalid value(s)'] };
    expect(judge(counts(c)).criteria[0]!.verdict).toBe('hold');
  });

  test('without the engine or the counts the comparison holds; phases at 0 % and 100 % have nothing to compare', () => {
    const none = judgeComparisons({
      plan,
      phase: plan.phases[1]!,
      observations: observations({}),
      judge: undefined,
      prior: undefined,
    });
    expect(none.criteria).toEqual([expect.objectContaining({ name: 'conv', verdict: 'hold' })]);
    expect(judge(counts(ratio([3600, 100000], [9300, 300000])), undefined, 0).criteria).toEqual([]);
    expect(judge(counts(ratio([3600, 100000], [9300, 300000])), undefined, 2).criteria).toEqual([]);
  });
});
