// The no-data invariant (§8 steps 1 and 7): missing, NaN, ±Infinity, negative, fractional counts,
// x > n, zero exposure, malformed histograms and bad settings are NO_DATA/INVALID, never PASS.
import { describe, expect, it } from '@jest/globals';
import type { ComparisonInput } from '../../src/stats/gate-types.js';
import { judgeGate } from '../../src/stats/judge-gate.js';
import type { Counts } from '../../src/stats/types.js';
import { buckets, counts, exceedanceAt, gate, ratio, slo } from './gate-builders.js';

const good = counts(30, 10000);
const junk: [string, unknown, 'no-data' | 'invalid'][] = [
  ['missing', undefined, 'no-data'],
  ['null', null, 'no-data'],
  ['NaN events', counts(Number.NaN, 10000), 'no-data'],
  ['NaN total', counts(30, Number.NaN), 'no-data'],
  ['zero exposure', counts(0, 0), 'no-data'],
  ['negative events', counts(-1, 10000), 'invalid'],
  ['negative total', counts(0, -5), 'invalid'],
  ['fractional events', counts(2.5, 10000), 'invalid'],
  ['Infinity total', counts(30, Number.POSITIVE_INFINITY), 'invalid'],
  ['more events than units', counts(10001, 10000), 'invalid'],
  ['a string', { events: '30', total: 10000 }, 'invalid'],
  ['not an object', 42, 'invalid'],
];

describe('no data is never a pass', () => {
  it.each(junk)('ratio with the canary %s → %s', (_what, bad, status) => {
    const r = judgeGate(
      gate({ comparisons: [ratio({ canary: bad as Counts, control: counts(0, 190000), better: 'lower' })] }),
    );
    expect(r.comparisons[0]?.status).toBe(status);
    expect(r.verdict).toBe('hold');
    expect(r.holdReasons).toContain(status);
    expect(r.comparisons[0]?.reasons[0]).toMatch(/canary/);
  });

  it.each(junk)('ratio with the control %s → %s', (_what, bad, status) => {
    const r = judgeGate(gate({ comparisons: [ratio({ control: bad as Counts, canary: good, better: 'lower' })] }));
    expect(r.comparisons[0]?.status).toBe(status);
    expect(r.verdict).toBe('hold');
  });

  it.each(junk)('slo with the canary %s → %s', (_what, bad, status) => {
    const r = judgeGate(gate({ comparisons: [slo({ canary: bad as Counts })] }));
    expect(r.comparisons[0]?.status).toBe(status);
    expect(r.verdict).toBe('hold');
  });

  it.each([
    ['no +Inf bucket', buckets([1, 2, 3, 4, 5, 6]).slice(0, 5), 'invalid'],
    ['counts decreasing in le', buckets([10, 9, 20, 30, 40, 50]), 'invalid'],
    ['a NaN bucket', buckets([1, 2, Number.NaN, 4, 5, 6]), 'no-data'],
    ['a negative bucket', buckets([-1, 2, 3, 4, 5, 6]), 'invalid'],
    ['no observations', buckets([0, 0, 0, 0, 0, 0]), 'no-data'],
    ['no buckets', [], 'no-data'],
    [
      'duplicate le',
      [
        { le: 500, count: 1 },
        { le: 500, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 2 },
      ],
      'invalid',
    ],
  ] as const)('exceedance with %s → %s', (_what, bad, status) => {
    const r = judgeGate(
      gate({ comparisons: [exceedanceAt(500, { canary: bad, passMargin: { kind: 'absolute', value: 0.5 } })] }),
    );
    expect(r.comparisons[0]?.status).toBe(status);
    expect(r.verdict).toBe('hold');
  });

  it('a threshold below every finite boundary is invalid, not "everything is slow"', () => {
    expect(judgeGate(gate({ comparisons: [exceedanceAt(10)] })).comparisons[0]?.status).toBe('invalid');
  });

  it('one comparison without data holds a gate whose other comparisons pass', () => {
    const r = judgeGate(gate({ comparisons: [slo(), slo({ name: 'other', canary: undefined })] }));
    expect(r.comparisons.map((c) => c.status)).toEqual(['pass', 'no-data']);
    expect(r.verdict).toBe('hold');
    expect(r.reasons).toContain('1 of 2 comparison(s) with no data');
  });

  it('a gate with no comparisons holds', () => {
    const r = judgeGate(gate({ comparisons: [] }));
    expect(r.verdict).toBe('hold');
    expect(r.holdReasons).toEqual(['no-comparisons']);
  });
});

describe('bad settings are invalid, never a pass', () => {
  const passing = slo();
  it.each([
    ['alpha 0', { analysis: { alpha: 0 } }],
    ['alpha NaN', { analysis: { alpha: Number.NaN } }],
    ['minSamples 0', { analysis: { minSamples: 0 } }],
    ['minSamples 1.5', { analysis: { minSamples: 1.5 } }],
    ['power 1', { analysis: { power: 1 } }],
  ])('%s', (_what, over) => {
    const r = judgeGate(gate({ comparisons: [passing], ...over }));
    expect(r.comparisons[0]?.status).toBe('invalid');
    expect(r.verdict).toBe('hold');
  });

  it.each([
    ['pass margin 0', ratio({ passMargin: { kind: 'absolute', value: 0 } })],
    ['pass margin NaN', ratio({ passMargin: { kind: 'relative', value: Number.NaN } })],
    ['negative fail threshold', ratio({ failThreshold: { kind: 'absolute', value: -0.001 } })],
    ['no τ²', ratio({ tau: {} as never })],
    ['τ² a bare number', ratio({ tau: 1e-5 as never })],
    ['SLO τ² a bare number', slo({ tau: 1e-5 as never })],
    ['τ² 0', ratio({ tau: { tau2: 0 } })],
    ['baseline rate 0', ratio({ tau: { baselineRate: 0, horizon: { canary: 1, control: 1 } } })],
    ['better sideways', ratio({ better: 'sideways' as never })],
    ['SLO limit 0', slo({ limit: { below: 0 } })],
    ['SLO limit missing', slo({ limit: {} as never })],
    ['SLO τ² horizon 0', slo({ tau: { horizon: 0 } })],
    ['unknown kind', { ...slo(), kind: 'median' } as unknown as ComparisonInput],
  ])('%s', (_what, comparison) => {
    const r = judgeGate(gate({ comparisons: [comparison] }));
    expect(r.comparisons[0]?.status).toBe('invalid');
    expect(r.verdict).toBe('hold');
  });

  it('duplicate names are invalid (they would share sticky state)', () => {
    const r = judgeGate(gate({ comparisons: [slo(), slo()] }));
    expect(r.comparisons.map((c) => c.status)).toEqual(['pass', 'invalid']);
    expect(r.verdict).toBe('hold');
  });

  it('corrupt memory is ignored, never taken as a pass or a fail', () => {
    for (const junk of [null, 'x', 42, { failed: 'yes', minPValue: 7 }, { failed: false, minPValue: Number.NaN }]) {
      const memory = { comparisons: { errors: junk }, srm: { minPValue: 'low' } } as never;
      const r = judgeGate(gate({ comparisons: [slo()], memory }));
      expect(r.verdict).toBe('pass');
      expect(r.comparisons[0]?.minPValue).toBe(r.comparisons[0]?.pValue);
    }
  });

  it('a sticky FAIL survives missing data and bad settings', () => {
    const memory = {
      comparisons: { errors: { failed: true, minPValue: 0.001, failedBecause: 'the rate is above 0.005' } },
      srm: { minPValue: null },
    };
    for (const over of [
      { comparisons: [slo({ canary: undefined })] },
      { comparisons: [slo()], analysis: { alpha: 2 } },
    ]) {
      const r = judgeGate(gate({ ...over, memory }));
      expect(r.verdict).toBe('fail');
      expect(r.comparisons[0]?.reasons[0]).toMatch(/FAIL at an earlier check of this phase: the rate is above 0\.005/);
      expect(r.memory.comparisons.errors?.failed).toBe(true);
    }
  });
});
