// statistics.md §7 T8: fixed sample size, sequential last-look size, time to go.
import { describe, expect, it } from '@jest/globals';
import { fixedSampleSize, sequentialSampleSize, timeToGo } from '../../src/stats/sample-size.js';
import { normalQuantile } from '../../src/stats/distributions.js';
import { expectDigits } from './digits.js';

describe('T8 sample size (one-sided α = 0.05, power 0.8)', () => {
  it('uses z = 1.644853627 and 0.8416212336', () => {
    expectDigits(normalQuantile(0.95), '1.644853627');
    expectDigits(normalQuantile(0.8), '0.8416212336');
  });

  it.each([
    [0.02, -0.1, 0.05, '0.018', '28915.169379', '549388.2', '520.5'],
    [0.02, -0.1, 0.25, '0.018', '37418.897221', '112256.7', '673.5'],
    [0.02, -0.2, 0.05, '0.016', '6482.248559', '123162.7', '103.7'],
    [0.02, -0.05, 0.05, '0.019', '121614.480129', '2310675.1', '2310.7'],
    [0.005, 0.5, 0.05, '0.0075', '7622.442272', '144826.4', '57.2'],
    [0.3, -0.05, 0.05, '0.285', '5903.040566', '112157.8', '1682.4'],
  ] as const)('p_C %d, change %d, share %d', (controlRate, relativeChange, canaryShare, pT, nT, nC, events) => {
    const r = fixedSampleSize({ controlRate, relativeChange, canaryShare, alpha: 0.05, power: 0.8 });
    expectDigits(r.canaryRate, pT);
    expectDigits(r.canary, nT);
    expectDigits(r.control, nC);
    expectDigits(r.canaryEvents, events);
    expect(r.total).toBeCloseTo(r.canary / canaryShare, 6);
  });

  it('the §6 example: ≈ 28,916 canary users, ≈ 520 conversions, ≈ 578k total', () => {
    const r = fixedSampleSize({ controlRate: 0.02, relativeChange: -0.1, canaryShare: 0.05, alpha: 0.05, power: 0.8 });
    expect(Math.ceil(r.canary)).toBe(28916);
    expect(Math.round(r.total / 1000)).toBe(578);
  });

  it.each([
    [1e-5, '74655.781286'],
    [4e-6, '71138.492829'],
  ] as const)('sequential last-look n_T for row 1 with τ² = %d (two-sided α = 0.05 CS)', (tau2, expected) => {
    const n = sequentialSampleSize({
      canaryRate: 0.018,
      controlRate: 0.02,
      ratio: 19,
      distance: 0.002,
      tau2,
      alpha: 0.05,
      power: 0.8,
    });
    expectDigits(n, expected);
    // 2–2.6× the fixed n, as §6 expects
    expect((n ?? 0) / 28915.169379).toBeGreaterThan(2);
    expect((n ?? 0) / 28915.169379).toBeLessThan(2.6);
  });

  it('no sequential size for a zero distance', () => {
    expect(
      sequentialSampleSize({
        canaryRate: 0.02,
        controlRate: 0.02,
        ratio: 19,
        distance: 0,
        tau2: 1e-5,
        alpha: 0.05,
        power: 0.8,
      }),
    ).toBeUndefined();
  });

  it('time to go: n_T = 10000 after 8 h, 28916 needed → 15.1328 h and ≈ 378 more conversions at 2 %', () => {
    const t = timeToGo({ required: 28916, current: 10000, elapsedHours: 8, controlRate: 0.02 });
    expect(t.ratePerHour).toBe(1250);
    expect(t.more).toBe(18916);
    expectDigits(t.hours, '15.1328');
    expect(Math.round(t.events)).toBe(378);
  });

  it('time to go has no hours without elapsed time or units', () => {
    expect(timeToGo({ required: 100, current: 0, elapsedHours: 8, controlRate: 0.02 }).hours).toBeNull();
    expect(timeToGo({ required: 100, current: 10, elapsedHours: 0, controlRate: 0.02 }).hours).toBeNull();
  });
});
