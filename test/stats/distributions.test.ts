import { describe, expect, it } from '@jest/globals';
import { chiSquareUpperTail, lnGamma, normalQuantile, phi } from '../../src/stats/distributions.js';

describe('distributions', () => {
  it('wraps stdlib', () => {
    expect(phi(0)).toBe(0.5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 9);
    expect(chiSquareUpperTail(3.841458821, 1)).toBeCloseTo(0.05, 9);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
  });
});
