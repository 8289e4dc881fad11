// Property tests (fast-check): symmetry between cohorts, monotonicity in sample size, the no-data
// invariant, CS contains θ̂, p in [0, 1], decisions consistent with the intervals, sticky FAIL.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ComparisonResult, GateMemory } from '../../src/stats/gate-types.js';
import { judgeGate } from '../../src/stats/judge-gate.js';
import type { Counts } from '../../src/stats/types.js';
import { gate, ratio, slo } from './gate-builders.js';

const cohort = fc
  .integer({ min: 1, max: 2_000_000 })
  .chain((n) => fc.record({ events: fc.integer({ min: 0, max: n }), total: fc.constant(n) }));
const tau2 = fc.double({ min: 1e-9, max: 1e-2, noNaN: true });
const margin = fc.double({ min: 1e-5, max: 0.2, noNaN: true }).map((value) => ({ kind: 'absolute' as const, value }));
const better = fc.constantFrom('higher' as const, 'lower' as const);
const alpha = fc.constantFrom(0.01, 0.05, 0.1);
const runs = { numRuns: Number(process.env.FC_RUNS ?? 300) };

const width = (c: ComparisonResult | undefined) => {
  const [lo = Number.NaN, hi = Number.NaN] = c?.interval ?? [];
  return hi - lo;
};

describe('properties of judgeGate', () => {
  it('swapping cohorts and direction mirrors the result', () => {
    fc.assert(
      fc.property(cohort, cohort, tau2, margin, better, alpha, (a, b, t, passMargin, dir, al) => {
        const flip = dir === 'higher' ? 'lower' : 'higher';
        const one = judgeGate(
          gate({
            analysis: { alpha: al },
            comparisons: [ratio({ canary: a, control: b, better: dir, tau: { tau2: t }, passMargin })],
          }),
        );
        const two = judgeGate(
          gate({
            analysis: { alpha: al },
            comparisons: [ratio({ canary: b, control: a, better: flip, tau: { tau2: t }, passMargin })],
          }),
        );
        const x = one.comparisons[0];
        const y = two.comparisons[0];
        expect(y?.status).toBe(x?.status);
        expect((y?.estimate ?? Number.NaN) + (x?.estimate ?? Number.NaN)).toBe(0);
        expect(y?.interval?.[0]).toBeCloseTo(-(x?.interval?.[1] ?? Number.NaN), 14);
        expect(y?.interval?.[1]).toBeCloseTo(-(x?.interval?.[0] ?? Number.NaN), 14);
        expect(y?.pValue).toBe(x?.pValue);
        expect(two.verdict).toBe(one.verdict);
      }),
      runs,
    );
  });

  it('more data at the same rates gives a narrower interval (two-sample and SLO)', () => {
    fc.assert(
      fc.property(cohort, cohort, tau2, fc.integer({ min: 2, max: 50 }), (a, b, t, k) => {
        const scale = (c: Counts) => ({ events: c.events * k, total: c.total * k });
        const small = judgeGate(gate({ comparisons: [ratio({ canary: a, control: b, tau: { tau2: t } })] }))
          .comparisons[0];
        const big = judgeGate(gate({ comparisons: [ratio({ canary: scale(a), control: scale(b), tau: { tau2: t } })] }))
          .comparisons[0];
        expect(width(big)).toBeLessThan(width(small));
        const s1 = judgeGate(gate({ comparisons: [slo({ canary: a, tau: { tau2: t } })] })).comparisons[0];
        const s2 = judgeGate(gate({ comparisons: [slo({ canary: scale(a), tau: { tau2: t } })] })).comparisons[0];
        expect(width(s2)).toBeLessThan(width(s1));
      }),
      runs,
    );
  });

  it('the CS contains θ̂, p is in [0, 1], and statuses agree with the intervals and thresholds', () => {
    fc.assert(
      fc.property(
        cohort,
        cohort,
        tau2,
        margin,
        better,
        fc.integer({ min: 0, max: 3 }),
        (a, b, t, passMargin, dir, extra) => {
          const comparisons = [ratio({ canary: a, control: b, better: dir, tau: { tau2: t }, passMargin })];
          for (let i = 0; i < extra; i++) comparisons.push(ratio({ name: `other${i}`, tau: { tau2: t } }));
          const r = judgeGate(gate({ comparisons }));
          const c = r.comparisons[0];
          if (!c?.interval || !c.intervals || c.estimate === null || c.pValue === null)
            throw new Error('expected numbers');
          expect(c.interval[0]).toBeLessThanOrEqual(c.estimate);
          expect(c.interval[1]).toBeGreaterThanOrEqual(c.estimate);
          expect(c.pValue).toBeGreaterThanOrEqual(0);
          expect(c.pValue).toBeLessThanOrEqual(1);
          const harm = (i: [number, number]) => (dir === 'lower' ? i : [-i[1], -i[0]]);
          const [failLow] = harm(c.intervals.fail.interval);
          const [, passHigh] = harm(c.intervals.pass.interval);
          const enough = a.total >= 100 && b.total >= 100;
          if (c.status === 'fail') expect(failLow).toBeGreaterThan(c.thresholds.fail ?? Number.NaN);
          if (c.status === 'pass') expect(passHigh).toBeLessThan(c.thresholds.pass ?? Number.NaN);
          if (c.status === 'inconclusive' && enough) {
            expect(failLow).toBeLessThanOrEqual(c.thresholds.fail ?? Number.NaN);
            expect(passHigh).toBeGreaterThanOrEqual(c.thresholds.pass ?? Number.NaN);
          }
          expect(c.intervals.fail.alpha).toBeCloseTo(0.05 / comparisons.length, 15);
        },
      ),
      runs,
    );
  });

  const junk = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.record({ events: fc.constant(Number.NaN), total: fc.integer({ min: 1 }) }),
    fc.record({ events: fc.integer({ min: 0, max: 10 }), total: fc.constant(0) }),
    fc.record({ events: fc.integer({ max: -1 }), total: fc.integer({ min: 1 }) }),
    fc.record({ events: fc.double({ min: 0.1, max: 1e6, noInteger: true }), total: fc.constant(1e7) }),
    fc.integer({ min: 1, max: 1e6 }).map((n) => ({ events: n + 1, total: n })),
    fc.record({ events: fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), total: fc.constant(1e6) }),
    fc.anything().filter((v) => !(typeof v === 'object' && v !== null && 'events' in v)),
  );

  it('no input without valid counts in both cohorts ever passes', () => {
    fc.assert(
      fc.property(junk, cohort, fc.boolean(), fc.boolean(), tau2, (bad, ok, badIsCanary, both, t) => {
        const canary = (badIsCanary || both ? bad : ok) as Counts;
        const control = (!badIsCanary || both ? bad : ok) as Counts;
        const huge = { kind: 'absolute' as const, value: 0.99 };
        const r = judgeGate(
          gate({
            comparisons: [
              ratio({ canary, control, tau: { tau2: t }, passMargin: huge }),
              slo({ name: 'fine', canary: counts0() }),
            ],
          }),
        );
        expect(['no-data', 'invalid']).toContain(r.comparisons[0]?.status);
        expect(r.verdict).not.toBe('pass');
        const s = judgeGate(gate({ comparisons: [slo({ canary: bad as Counts, limit: { below: 0.99 } })] }));
        expect(['no-data', 'invalid']).toContain(s.comparisons[0]?.status);
        expect(s.verdict).not.toBe('pass');
      }),
      runs,
    );
  });

  it('once a comparison FAILs it stays FAIL for the phase, and the running minimum only falls', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(cohort, cohort), { minLength: 2, maxLength: 8 }), tau2, (looks, t) => {
        let memory: GateMemory | undefined;
        let failed = false;
        let lastMin = 1;
        for (const [a, b] of looks) {
          const r = judgeGate(gate({ comparisons: [ratio({ canary: a, control: b, tau: { tau2: t } })], memory }));
          const c = r.comparisons[0];
          if (failed) expect(c?.status).toBe('fail');
          failed ||= c?.status === 'fail';
          expect(c?.minPValue).toBeLessThanOrEqual(Math.min(lastMin, c?.pValue ?? 1));
          lastMin = c?.minPValue ?? lastMin;
          memory = JSON.parse(JSON.stringify(r.memory)) as GateMemory;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('judgeGate never throws on malformed comparisons', () => {
  it('answers with a status for arbitrary field values', () => {
    const statuses = ['pass', 'fail', 'inconclusive', 'no-data', 'invalid'];
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), fc.anything(), (a, b, c, d, e) => {
        const comparisons = [
          { ...ratio(), canary: a, control: b, tau: c, passMargin: d, failThreshold: e },
          { ...slo({ name: 's' }), canary: a, tau: c, limit: d },
          { kind: 'exceedance', name: 'x', threshold: e, canary: a, control: b, tau: c, passMargin: d },
        ] as never[];
        const r = judgeGate(gate({ comparisons, memory: e as never, exposure: a as never }));
        for (const x of r.comparisons) expect(statuses).toContain(x.status);
        expect(['pass', 'fail', 'hold']).toContain(r.verdict);
      }),
      runs,
    );
  });
});

function counts0(): Counts {
  return { events: 0, total: 100000 };
}
