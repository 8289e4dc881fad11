// statistics.md §7 T1 (pooled two-proportion z) and T2 (Mann–Whitney), to the digits given.
import { describe, expect, it } from '@jest/globals';
import { pooledZTest } from '../../src/stats/fixed-horizon.js';
import { mannWhitney } from '../../src/stats/mann-whitney.js';
import { expectDigits } from './digits.js';

const c = (events: number, total: number) => ({ events, total });

describe('T1 pooled two-proportion z (fixed horizon, reporting only)', () => {
  it.each([
    [1, c(200, 10000), c(150, 10000), '−2.696309256', '0.007011253968', 'lower', '0.003505626984'],
    [2, c(1900, 95000), c(80, 5000), '−1.978868120', '0.04783085646', 'lower', '0.02391542823'],
    [3, c(475, 95000), c(40, 5000), '2.888588267', '0.003869754040', 'higher', '0.001934877020'],
    [4, c(1500, 75000), c(560, 25000), '2.313652965', '0.02068676588', 'higher', '0.01034338294'],
  ] as const)('row %i', (_row, control, canary, z, p, side, oneSided) => {
    const r = pooledZTest(canary, control);
    expectDigits(r.z, z);
    expectDigits(r.pValue, p);
    expectDigits(side === 'lower' ? r.pLower : r.pHigher, oneSided);
    expect(r.validUnderRepeatedLooks).toBe(false);
  });

  it('row 5: equal rates give z = 0, p = 1, one-sided 0.5', () => {
    const r = pooledZTest(c(100, 5000), c(1900, 95000));
    expect(r.z).toBe(0);
    expect(r.pValue).toBe(1);
    expect(r.pLower).toBe(0.5);
    expect(r.pHigher).toBe(0.5);
  });

  it('row 6: p̄ = 0 gives no p-value', () => {
    const r = pooledZTest(c(0, 5000), c(0, 95000));
    expect(r.z).toBeNull();
    expect(r.pValue).toBeNull();
    expect(r.pLower).toBeNull();
    expect(r.pHigher).toBeNull();
  });
});

describe('T2 Mann–Whitney, two-sided, tie-corrected', () => {
  it.each([
    [
      1,
      [12, 15, 11, 18, 15, 20, 14],
      [10, 11, 13, 11, 9, 12],
      37.5,
      36,
      '6.942067969',
      '2.304788727',
      '0.02117840875',
      '2.376813375',
      '0.01746292088',
    ],
    [
      2,
      [120, 135, 150, 150, 160, 170, 180, 200],
      [100, 110, 120, 125, 130, 135, 140, 150],
      55,
      36,
      '9.479803092',
      '2.373467020',
      '0.01762196668',
      '2.426210732',
      '0.01525740801',
    ],
    [
      3,
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      0,
      0,
      '4.787135539',
      '−2.506718246',
      '0.01218578036',
      '−2.611164839',
      '0.009023438818',
    ],
    [4, [5, 5, 5, 6, 6], [5, 5, 6, 6, 6], 10, 240, '4.166666667', '−0.48', '0.6312273930', '−0.6', '0.5485062355'],
  ] as const)('row %i', (_row, x, y, u, tieSum, sigma, zcc, pcc, z, p) => {
    const withCc = mannWhitney(x, y);
    const without = mannWhitney(x, y, { continuityCorrection: false });
    expect(withCc?.u).toBe(u);
    expect(withCc?.tieSum).toBe(tieSum);
    expectDigits(withCc?.sigma, sigma);
    expectDigits(withCc?.z, zcc);
    expectDigits(withCc?.pValue, pcc);
    expectDigits(without?.z, z);
    expectDigits(without?.pValue, p);
    expect(withCc?.validUnderRepeatedLooks).toBe(false);
  });

  it('row 4 z values are exact', () => {
    expect(mannWhitney([5, 5, 5, 6, 6], [5, 5, 6, 6, 6])?.z).toBeCloseTo(-0.48, 12);
    expect(mannWhitney([5, 5, 5, 6, 6], [5, 5, 6, 6, 6], { continuityCorrection: false })?.z).toBeCloseTo(-0.6, 12);
  });

  it('gives no p-value when every value is tied, and nothing for empty or non-finite samples', () => {
    expect(mannWhitney([3, 3], [3, 3, 3])?.pValue).toBeNull();
    expect(mannWhitney([], [1])).toBeUndefined();
    expect(mannWhitney([1, Number.NaN], [1, 2])).toBeUndefined();
  });
});
