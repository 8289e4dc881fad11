import { describe, expect, test } from '@jest/globals';
import { formatDuration, parseDuration, parseEstimate } from '../../src/plan/duration.js';
import { DAY, HOUR, MIN, SEC } from '../helpers/builders.js';

describe('parseDuration', () => {
  test.each([
    ['30m', 30 * MIN],
    ['48h', 48 * HOUR],
    ['7d', 7 * DAY],
    ['2w', 14 * DAY],
    ['90s', 90 * SEC],
    ['250ms', 250],
    ['1h30m', 90 * MIN],
    ['1d12h', 36 * HOUR],
    ['1.5h', 90 * MIN],
    ['0m', 0],
    [' 24h ', 24 * HOUR],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', '30', 'm', '-5m', '30M', '5 m', '1 hour', '1.5 hours', '30mm', 'h1', '1h 30m', '1e3s', 'P1D'])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('parseEstimate', () => {
  test.each([
    ['2m', { min: 2 * MIN, max: 2 * MIN }],
    ['15m-30m', { min: 15 * MIN, max: 30 * MIN }],
    ['15m - 30m', { min: 15 * MIN, max: 30 * MIN }],
    ['1h-1h', { min: HOUR, max: HOUR }],
    ['30s-2m', { min: 30 * SEC, max: 2 * MIN }],
  ])('%j is %j', (text, want) => {
    expect(parseEstimate(text)).toEqual(want);
  });

  test.each(['', '30m-15m', '5m-10m-15m', 'soon', '5m-', '-5m', '5-10m'])('%j is not an estimate', (text) => {
    expect(parseEstimate(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [499, '0s'],
    [500, '1s'],
    [40 * SEC, '40s'],
    [90 * SEC, '1m 30s'],
    [25 * MIN, '25m'],
    [HOUR, '1h'],
    [3 * HOUR + 25 * MIN + 10 * SEC, '3h 25m'],
    [DAY, '1d'],
    [3 * DAY + 4 * HOUR + 25 * MIN, '3d 4h'],
    [-90 * SEC, '-1m 30s'],
    [Number.NaN, '-'],
    [Number.POSITIVE_INFINITY, '-'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test.each(['30m', '48h', '7d', '90s'])('%j round-trips through parse and format', (text) => {
    const ms = parseDuration(text)!;
    expect(parseDuration(formatDuration(ms).replace(/ /g, ''))).toBe(ms);
  });
});
