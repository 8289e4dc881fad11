// statistics.md §7 T6 (histogram exceedance, display quantiles) and T7 (one-sample SLO checks).
import { describe, expect, it } from '@jest/globals';
import { differenceOfProportions } from '../../src/stats/difference.js';
import { exceedance, histogramQuantile, validateBuckets } from '../../src/stats/histogram.js';

import { confidenceSequence, logLikelihoodRatio } from '../../src/stats/msprt.js';
import { checkSlo } from '../../src/stats/slo.js';
import { oneSampleTau2 } from '../../src/stats/tau.js';
import type { Bucket } from '../../src/stats/types.js';
import { expectDigits } from './digits.js';

const les = [50, 100, 250, 500, 1000, Number.POSITIVE_INFINITY];
const hist = (counts: number[]): Bucket[] => {
  const v = validateBuckets(les.map((le, i) => ({ le, count: counts[i] })));
  if (!Array.isArray(v)) throw new Error(v.reason);
  return v;
};
const control = hist([30000, 60000, 85000, 93500, 94700, 95000]);
const canary = hist([1400, 2900, 4300, 4700, 4960, 5000]);

describe('T6 histogram exceedance', () => {
  it('display-only quantiles: p95 404.411765 / 596.153846, p50 79.166667 / 86.666667', () => {
    expectDigits(histogramQuantile(control, 0.95), '404.411765');
    expectDigits(histogramQuantile(canary, 0.95), '596.153846');
    expectDigits(histogramQuantile(control, 0.5), '79.166667');
    expectDigits(histogramQuantile(canary, 0.5), '86.666667');
  });

  it.each([
    [250, 10000, 700, '0.034736842', '2.507139816e-5', '10.385015', '0.015458432', '0.054015253'],
    [500, 1500, 300, '0.044210526', '1.14435807e-5', '53.814326', '0.032986461', '0.055434591'],
  ] as const)('L = %i ms', (L, controlSlow, canarySlow, theta, v, lnL, low, high) => {
    const ec = exceedance(control, L);
    const et = exceedance(canary, L);
    if (!('slow' in ec) || !('slow' in et)) throw new Error('expected exceedances');
    expect([ec.slow, ec.total, ec.approximate]).toEqual([controlSlow, 95000, false]);
    expect([et.slow, et.total, et.approximate]).toEqual([canarySlow, 5000, false]);
    const d = differenceOfProportions({ events: et.slow, total: et.total }, { events: ec.slow, total: ec.total });
    expectDigits(d.estimate, theta);
    expectDigits(d.variance, v);
    expectDigits(logLikelihoodRatio({ ...d, tau2: 2e-5 }), lnL);
    const [lo, hi] = confidenceSequence({ ...d, tau2: 2e-5, alpha: 0.05 });
    expectDigits(lo, low);
    expectDigits(hi, high);
  });
});

describe('T7 one-sample SLO checks', () => {
  it.each([
    [
      'p95 < 500 ms (slow share < 5 %)',
      300,
      5000,
      0.05,
      '7.539346872e-5',
      '0.049795206',
      '0.070204794',
      'inconclusive',
    ],
    ['error rate < 0.5 %', 30, 10000, 0.005, '3.948236914e-6', '0.0013322123', '0.0046677877', 'pass'],
    ['error rate < 0.5 %', 80, 10000, 0.005, '3.948236914e-6', '0.0052770715', '0.010722928', 'fail'],
  ] as const)('%s at %i/%i', (_name, x, n, p0, tau2Text, low, high, verdict) => {
    const tau2 = oneSampleTau2({ limit: p0, n, alpha: 0.05 });
    expectDigits(tau2, tau2Text);
    const r = checkSlo({
      counts: { events: x, total: n },
      limit: { below: p0 },
      tau2,
      alphaFail: 0.05,
      alphaPass: 0.05,
    });
    expectDigits(r.intervalPass[0], low);
    expectDigits(r.intervalPass[1], high);
    expect(r.intervalFail).toEqual(r.intervalPass);
    expect(r.verdict).toBe(verdict);
  });

  it('the slow-share check is inconclusive because ln Λ = 2.836188 < ln 20', () => {
    const tau2 = oneSampleTau2({ limit: 0.05, n: 5000, alpha: 0.05 });
    const r = checkSlo({
      counts: { events: 300, total: 5000 },
      limit: { below: 0.05 },
      tau2,
      alphaFail: 0.05,
      alphaPass: 0.05,
    });
    expectDigits(r.logLambda, '2.836188');
    expect(r.logLambda).toBeLessThan(Math.log(20));
  });

  it('the slow share comes from the canary histogram of T6 at 500 ms (300 of 5000)', () => {
    const e = exceedance(canary, 500);
    expect(e).toEqual({ slow: 300, total: 5000, boundary: 500, approximate: false });
  });

  it('an "above" limit is the mirror image', () => {
    const tau2 = oneSampleTau2({ limit: 0.995, n: 10000, alpha: 0.05 });
    const r = checkSlo({
      counts: { events: 9970, total: 10000 },
      limit: { above: 0.995 },
      tau2,
      alphaFail: 0.05,
      alphaPass: 0.05,
    });
    expect(r.verdict).toBe('pass');
    const bad = checkSlo({
      counts: { events: 9920, total: 10000 },
      limit: { above: 0.995 },
      tau2,
      alphaFail: 0.05,
      alphaPass: 0.05,
    });
    expect(bad.verdict).toBe('fail');
    expect(bad.intervalPass[0]).toBeCloseTo(1 - 0.010722928, 8);
  });
});
