// The @stdlib wrappers: parametrisation and the exact upper-tail forms for df = 1, 2.
import { describe, expect, it } from '@jest/globals';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { chiSquareUpperTail, lnGamma, normalQuantile, phi, twoSidedNormalP } from '../../src/stats/distributions.js';

describe('distributions', () => {
  it('standard normal CDF and quantile', () => {
    expect(phi(0)).toBe(0.5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 9);
    expect(phi(normalQuantile(0.123))).toBeCloseTo(0.123, 14);
    expect(twoSidedNormalP(-1.959963985)).toBeCloseTo(0.05, 9);
    expect(twoSidedNormalP(0)).toBe(1);
  });

  it.each([1, 2, 3, 5])('chi-square upper tail agrees with 1 − stdlib CDF (df = %i)', (df) => {
    for (const x of [0.1, 1, 3.841458821, 10.8276, 25]) {
      expect(chiSquareUpperTail(x, df)).toBeCloseTo(1 - chisquareCdf(x, df), 12);
    }
    expect(chiSquareUpperTail(0, df)).toBe(1);
  });

  it('keeps relative precision far in the tail for df = 1', () => {
    // 1 − CDF would round to 0 here
    expect(chiSquareUpperTail(80, 1)).toBeGreaterThan(1e-19);
    expect(chiSquareUpperTail(80, 1)).toBeCloseTo(2 * phi(-Math.sqrt(80)), 30);
  });

  it('ln Γ', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});
