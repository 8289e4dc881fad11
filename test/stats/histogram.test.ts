// Window increases with counter resets, bucket validation, exceedance, parsing helpers.
import { describe, expect, it } from '@jest/globals';
import {
  bucketIncreases,
  exceedance,
  histogramQuantile,
  validateBuckets,
  windowIncrease,
} from '../../src/stats/histogram.js';
import { parseLe, parseMargin } from '../../src/stats/types.js';

describe('windowIncrease', () => {
  it('sums the steps; a drop is a reset that counts the new value', () => {
    expect(windowIncrease([100, 150, 200])).toBe(100);
    expect(windowIncrease([100, 150, 20, 50])).toBe(50 + 20 + 30);
    expect(windowIncrease([100, 100])).toBe(0);
  });
  it('needs two samples and refuses NaN, negative, infinite or non-numbers', () => {
    expect(windowIncrease([5])).toMatchObject({ status: 'no-data' });
    expect(windowIncrease([5, Number.NaN])).toMatchObject({ status: 'no-data' });
    expect(windowIncrease([5, null])).toMatchObject({ status: 'no-data' });
    expect(windowIncrease([5, -1])).toMatchObject({ status: 'invalid' });
    expect(windowIncrease([5, Number.POSITIVE_INFINITY])).toMatchObject({ status: 'invalid' });
  });
});

describe('bucketIncreases', () => {
  it('turns raw cumulative series (with a reset) into validated window increases', () => {
    const r = bucketIncreases([
      { le: '+Inf', samples: [1000, 1500, 300] },
      { le: '0.25', samples: [900, 1300, 250] },
      { le: '0.5', samples: [990, 1480, 290] },
    ]);
    expect(r).toEqual([
      { le: 0.25, count: 400 + 250 },
      { le: 0.5, count: 490 + 290 },
      { le: Number.POSITIVE_INFINITY, count: 500 + 300 },
    ]);
  });
  it('is invalid when resets leave the buckets out of order, or a label is not a number', () => {
    expect(
      bucketIncreases([
        { le: '0.5', samples: [0, 10] },
        { le: '+Inf', samples: [0, 5] },
      ]),
    ).toMatchObject({ status: 'invalid' });
    expect(bucketIncreases([{ le: 'fast', samples: [0, 10] }])).toMatchObject({ status: 'invalid' });
  });
});

describe('validateBuckets and exceedance', () => {
  const b = validateBuckets([
    { le: Number.POSITIVE_INFINITY, count: 100 },
    { le: 500, count: 90 },
    { le: 250, count: 70 },
  ]);
  it('sorts by le and counts slow above the threshold or the largest boundary below it', () => {
    if (!Array.isArray(b)) throw new Error('expected buckets');
    expect(b.map((x) => x.le)).toEqual([250, 500, Number.POSITIVE_INFINITY]);
    expect(exceedance(b, 500)).toEqual({ slow: 10, total: 100, boundary: 500, approximate: false });
    expect(exceedance(b, 499)).toEqual({ slow: 30, total: 100, boundary: 250, approximate: true });
    expect(exceedance(b, 0)).toMatchObject({ status: 'invalid' });
  });
  it('interpolated quantiles are display-only helpers; a rank in +Inf returns the largest bound', () => {
    if (!Array.isArray(b)) throw new Error('expected buckets');
    expect(histogramQuantile(b, 0.5)).toBeCloseTo(250 * (50 / 70), 9);
    expect(histogramQuantile(b, 0.99)).toBe(500);
    expect(histogramQuantile(b, 1.5)).toBeUndefined();
  });
});

describe('parseLe and parseMargin', () => {
  it('parses Prometheus le labels', () => {
    expect(parseLe('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseLe('0.005')).toBe(0.005);
    expect(parseLe('1e+06')).toBe(1e6);
    expect(parseLe('NaN')).toBeUndefined();
    expect(parseLe('')).toBeUndefined();
  });
  it('parses absolute and relative margins and rejects the rest', () => {
    expect(parseMargin(0.001)).toEqual({ kind: 'absolute', value: 0.001 });
    expect(parseMargin('5%')).toEqual({ kind: 'relative', value: 0.05 });
    expect(parseMargin(' 2.5 % ')).toEqual({ kind: 'relative', value: 0.025 });
    for (const bad of ['5', '%', '-5%', -1, Number.NaN, null, {}]) expect(parseMargin(bad)).toBeUndefined();
  });
});
