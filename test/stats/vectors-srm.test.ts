// statistics.md §7 T3 (SRM chi-square) and T4 (sequential SRM), to the digits given.
import { describe, expect, it } from '@jest/globals';
import {
  chiSquareGoodnessOfFit,
  srmInitialState,
  srmLogBayesFactor,
  srmPValue,
  srmUpdate,
} from '../../src/stats/srm.js';
import { expectDigits } from './digits.js';

describe('T3 SRM chi-square goodness of fit', () => {
  it.each([
    [[5200, 94800], [0.05, 0.95], '8.421052632', '0.003709009991', false],
    [[5400, 94600], [0.05, 0.95], '33.68421053', '6.482473102e-9', true],
    [[4850, 95150], [0.05, 0.95], '4.736842105', '0.02952321595', false],
    [[25300, 74700], [0.25, 0.75], '4.8', '0.02845973692', false],
    [[10000, 10300], [0.5, 0.5], '4.433497537', '0.03524022382', false],
    [[3400, 3300, 3550], [1 / 3, 1 / 3, 1 / 3], '9.268292683', '0.009714396277', false],
  ] as const)('%j with weights %j', (observed, weights, chi2, p, srm) => {
    const r = chiSquareGoodnessOfFit(observed, weights);
    expectDigits(r.statistic, chi2);
    expectDigits(r.pValue, p);
    expect(r.df).toBe(observed.length - 1);
    expect(r.pValue < 0.001).toBe(srm);
    expect(r.validUnderRepeatedLooks).toBe(false);
  });

  it('χ² = 4.8 exactly on the 25/75 row', () => {
    expect(chiSquareGoodnessOfFit([25300, 74700], [0.25, 0.75]).statistic).toBeCloseTo(4.8, 10);
  });
});

describe('T4 sequential SRM (Dirichlet-multinomial, c = 10000)', () => {
  it.each([
    [[5200, 94800], [0.05, 0.95], '2.568579339', '0.07664435376'],
    [[5400, 94600], [0.05, 0.95], '13.73936991', '1.079114339e-6'],
    [[4850, 95150], [0.05, 0.95], '0.9859208619', '0.3730954993'],
    [[10000, 10300], [0.5, 0.5], '0.93092374', '0.3941894136'],
    [[25300, 74700], [0.25, 0.75], '0.97397837', '0.3775779015'],
  ] as const)('%j with weights %j', (observed, weights, logBf, p) => {
    const lbf = srmLogBayesFactor(observed, weights);
    expectDigits(lbf, logBf);
    expectDigits(srmPValue(lbf), p);
  });

  it('is batch invariant: [1800, 31500] + [1700, 31600] + [1900, 31500] gives 13.73936991', () => {
    const w = [0.05, 0.95];
    let state = srmInitialState(w);
    const increments: number[] = [];
    for (const batch of [
      [1800, 31500],
      [1700, 31600],
      [1900, 31500],
    ]) {
      const next = srmUpdate(state, batch, w);
      increments.push(next.logBayesFactor - state.logBayesFactor);
      state = next;
    }
    expectDigits(state.logBayesFactor, '13.73936991');
    expect(state.posterior).toEqual([500 + 5400, 9500 + 94600]);
    // the batches really were judged one by one: no batch alone carries the whole evidence
    expect(Math.max(...increments)).toBeLessThan(13.7);
    // and any other batching gives the same number
    const other = [
      [5000, 90000],
      [400, 4600],
    ].reduce((s, b) => srmUpdate(s, b, w), srmInitialState(w));
    expect(other.logBayesFactor).toBeCloseTo(state.logBayesFactor, 8);
  });
});
