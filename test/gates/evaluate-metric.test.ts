import { describe, expect, test } from '@jest/globals';
import {
  describeBound,
  evaluateMetric,
  GAP_INTERVALS,
  MIN_INTERVALS,
  violates,
} from '../../src/gates/evaluate-metric.js';
import type { MetricObservation } from '../../src/gates/types.js';
import { metricSchema, type MetricSpec } from '../../src/plan/schema.js';
import type { Point } from '../../src/providers/types.js';
import { at, HOUR, metricInput, MIN, observation, points, T0 } from '../helpers/builders.js';

const metric = (over: Parameters<typeof metricInput>[0] = {}): MetricSpec => metricSchema.parse(metricInput(over));
const judge = (m: MetricSpec, obs: MetricObservation | undefined, windowLabel = '1h') =>
  evaluateMetric({ metric: m, observation: obs, windowLabel });

const FROM = T0 - HOUR;
/** the default window: [T0 - 1h, T0] every 5 minutes, 13 points */
const full = (value: number | ((i: number) => number) = 100): Point[] =>
  points({ from: FROM, to: T0, every: 5 * MIN, value });
/** `full` with the point at index `i` set to `v` */
const withPoint = (i: number, v: number, base = full()): Point[] => base.map((p, j) => (j === i ? { ...p, v } : p));

describe('violates (strict bounds)', () => {
  test.each<[number, { below?: number; above?: number }, boolean]>([
    [499.99, { below: 500 }, false],
    [500, { below: 500 }, true],
    [501, { below: 500 }, true],
    [100.01, { above: 100 }, false],
    [100, { above: 100 }, true],
    [99, { above: 100 }, true],
    [50, { above: 10, below: 100 }, false],
    [10, { above: 10, below: 100 }, true],
    [100, { above: 10, below: 100 }, true],
    [-1, { above: 0 }, true],
  ])('%d against %j → %s', (v, b, want) => {
    expect(violates(v, b)).toBe(want);
  });
});

describe('describeBound', () => {
  test.each<[{ below?: number; above?: number } | undefined, string | undefined, string]>([
    [{ below: 500 }, 'ms', '< 500 ms'],
    [{ above: 100 }, 'req/s', '> 100 req/s'],
    [{ above: 1, below: 5 }, undefined, '> 1 and < 5'],
    [undefined, 'ms', 'no SLO'],
  ])('%j %s → %j', (b, unit, text) => {
    expect(describeBound(b, unit)).toBe(text);
  });
});

describe('evaluateMetric: pass', () => {
  test('full coverage within the SLO passes, with the numbers', () => {
    const c = judge(metric(), observation({ points: full((i) => 100 + i * 10) }));
    expect(c).toMatchObject({ name: 'latency', kind: 'metric', verdict: 'pass' });
    expect(c.level).toBeUndefined();
    expect(c.detail).toBe('worst 220 ms within < 500 ms over 1h; 13 of 13 expected points (every 5m)');
    expect(c.metric).toEqual({
      cohort: 'canary',
      unit: 'ms',
      slo: '< 500 ms',
      window: { from: at(-HOUR), to: at(), label: '1h' },
      points: 13,
      breaches: 0,
      invalid: 0,
      worst: { at: at(), value: 220 },
      last: { at: at(), value: 220 },
      mean: 160,
      intervalMs: 5 * MIN,
      expectedPoints: 13,
      largestGapMs: 5 * MIN,
    });
  });

  test('an `above` SLO passes when every value is above it', () => {
    const c = judge(
      metric({ name: 'throughput', unit: 'req/s', slo: { above: 100 } }),
      observation({ points: full((i) => 150 - i) }),
    );
    expect(c.verdict).toBe('pass');
    expect(c.detail).toBe('worst 138 req/s within > 100 req/s over 1h; 13 of 13 expected points (every 5m)');
  });

  test('small values keep their digits in the detail', () => {
    const c = judge(
      metric({ name: 'error_rate', unit: '%', slo: { below: 0.5 } }),
      observation({ points: full(0.25) }),
    );
    expect(c.detail).toBe('worst 0.25 % within < 0.5 % over 1h; 13 of 13 expected points (every 5m)');
  });

  test('points outside the window are ignored (an old breach does not count)', () => {
    const obs = observation({ points: [{ t: FROM - 10 * MIN, v: 9999 }, ...full(), { t: T0 + MIN, v: 9999 }] });
    const c = judge(metric(), obs);
    expect(c.verdict).toBe('pass');
    expect(c.metric!.points).toBe(13);
  });

  test('unsorted points are judged in time order', () => {
    const c = judge(metric(), observation({ points: [...full()].reverse() }));
    expect(c.verdict).toBe('pass');
    expect(c.metric!.largestGapMs).toBe(5 * MIN);
  });

  test('a metric without an SLO is reported, with last and mean', () => {
    const c = judge(
      metric({ name: 'throughput', unit: 'req/s', slo: undefined }),
      observation({ points: full((i) => 1000 + i) }),
    );
    expect(c.verdict).toBe('pass');
    expect(c.detail).toBe(
      'last 1012 req/s, mean 1006 req/s over 1h; 13 of 13 expected points, every 5m (no SLO: reported only)',
    );
    expect(c.metric!.slo).toBe('no SLO');
  });

  test(`gaps up to ${GAP_INTERVALS} intervals are tolerated (lead, tail and middle)`, () => {
    // a 6h window every 5m (73 points) without its first two, its last two and two in the middle
    const pts = points({ from: T0 - 6 * HOUR, to: T0, every: 5 * MIN, value: 100 }).filter(
      (_, i) => ![0, 1, 30, 31, 71, 72].includes(i),
    );
    expect(pts[0]!.t - (T0 - 6 * HOUR)).toBe(10 * MIN);
    const c = judge(metric(), observation({ window: 6 * HOUR, points: pts }), '6h');
    expect(c.verdict).toBe('pass');
    expect(c.metric!.largestGapMs).toBe(15 * MIN);
    expect(c.detail).toBe('worst 100 ms within < 500 ms over 6h; 67 of 73 expected points (every 5m)');
  });
});

describe('evaluateMetric: a breach fails', () => {
  test('one point past the SLO fails at onBreach (default moderate), naming value, SLO, window and points', () => {
    const c = judge(metric(), observation({ points: withPoint(4, 612) }));
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe('moderate');
    expect(c.detail).toBe(`612 ms at ${at(-40 * MIN)} breaks the SLO < 500 ms; 1 of 13 points outside over 1h`);
    expect(c.metric).toMatchObject({ breaches: 1, points: 13, worst: { at: at(-40 * MIN), value: 612 } });
  });

  test.each(['light', 'moderate', 'severe'] as const)('onBreach: %s sets the level', (onBreach) => {
    expect(judge(metric({ onBreach }), observation({ points: withPoint(4, 600) })).level).toBe(onBreach);
  });

  test('the worst point is reported when several breach', () => {
    const c = judge(metric(), observation({ points: withPoint(8, 700, withPoint(2, 550, withPoint(3, 650))) }));
    expect(c.metric).toMatchObject({ breaches: 3, worst: { at: at(-20 * MIN), value: 700 } });
    expect(c.detail).toMatch(/^700 ms at .* 3 of 13 points outside over 1h$/);
  });

  test.each<[string, Parameters<typeof metricInput>[0], number, string]>([
    ['past the severe bound → severe', { onBreach: 'light', severe: { below: 800 } }, 900, 'severe'],
    ['exactly at the severe bound → severe', { onBreach: 'light', severe: { below: 800 } }, 800, 'severe'],
    ['between SLO and severe → onBreach', { onBreach: 'light', severe: { below: 800 } }, 700, 'light'],
    ['severe `above` bound', { name: 'rps', slo: { above: 100 }, severe: { above: 50 } }, 20, 'severe'],
  ])('%s', (_what, over, value, level) => {
    const c = judge(metric(over), observation({ points: withPoint(6, value) }));
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe(level);
    if (level === 'severe') expect(c.detail).toMatch(/\(past the severe bound [<>] \d+ ms\)$/);
    else expect(c.detail).not.toMatch(/severe bound/);
  });

  test.each<[string, number, string]>([
    ['exactly at `below`', 500, 'fail'],
    ['just under `below`', 499.999, 'pass'],
  ])('strictness: a value %s', (_what, value, verdict) => {
    expect(judge(metric(), observation({ points: withPoint(12, value) })).verdict).toBe(verdict);
  });

  test.each<[string, number, string]>([
    ['exactly at `above`', 100, 'fail'],
    ['just over `above`', 100.001, 'pass'],
    ['under `above`', 42, 'fail'],
  ])('strictness: a value %s', (_what, value, verdict) => {
    expect(
      judge(metric({ slo: { above: 100 } }), observation({ points: withPoint(12, value, full(150)) })).verdict,
    ).toBe(verdict);
  });

  // A breach is never hidden: whatever else is wrong with the data, a breach in it fails.
  test.each<[string, MetricObservation]>([
    [
      'data starts late',
      observation({
        points: full()
          .slice(9)
          .map((p) => ({ ...p, v: 600 })),
      }),
    ],
    ['data is stale', observation({ points: withPoint(0, 600, full()).slice(0, 3) })],
    ['there is a long gap', observation({ points: withPoint(0, 600).filter((_, i) => i < 2 || i > 9) })],
    ['a single point', observation({ points: [{ t: T0 - MIN, v: 600 }] })],
    ['some points were NaN', observation({ points: withPoint(5, 600), series: { invalid: 3 } })],
    ['the provider warned', observation({ points: withPoint(5, 600), series: { warnings: ['partial response'] } })],
  ])('a breach fails even when %s', (_what, obs) => {
    const c = judge(metric(), obs);
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe('moderate');
    expect(c.detail).toMatch(/^600 ms at .* breaks the SLO < 500 ms/);
  });
});

describe('evaluateMetric: not enough data holds (never a pass)', () => {
  test.each<[string, MetricObservation | undefined, RegExp]>([
    ['not measured', undefined, /^not measured$/],
    ['provider error', observation({ error: 'connection refused' }), /^no data: connection refused$/],
    ['empty series', observation({ points: [] }), /^no data in the last 1h \(canary\)$/],
    [
      'empty series, control cohort',
      observation({ points: [], cohort: 'control' }),
      /^no data in the last 1h \(control\)$/,
    ],
    ['only points outside the window', observation({ points: [{ t: FROM - MIN, v: 1 }] }), /^no data in the last 1h/],
    ['NaN points', observation({ series: { invalid: 2 } }), /^2 point\(s\) were NaN or not numbers; 13 valid$/],
    [
      'provider warnings',
      observation({ series: { warnings: ['query timed out', 'partial'] } }),
      /^the provider warned: query timed out; partial$/,
    ],
    [
      'a single point',
      observation({ points: [{ t: T0, v: 100 }] }),
      /; only 1 of 13 expected points \(every 5m\) in the last 1h; at least 12 are needed$/,
    ],
    [
      'data starting late',
      observation({ points: full().slice(4) }),
      new RegExp(
        `^data starts 20m into the 1h window \\(at ${at(-40 * MIN)}\\); the window is not covered yet; only 9 of 13 expected points`,
      ),
    ],
    [
      'a stale tail',
      observation({ points: full().slice(0, 9) }),
      new RegExp(
        `^no data for the last 20m \\(last point ${at(-20 * MIN)}\\); data is stale; only 9 of 13 expected points`,
      ),
    ],
    [
      'a gap over 3 intervals',
      observation({ points: full().filter((_, i) => i < 4 || i > 7) }),
      new RegExp(
        `^a 25m gap in the data after ${at(-45 * MIN)} \\(sampling every 5m\\); only 9 of 13 expected points \\(every 5m\\)`,
      ),
    ],
  ])('%s → hold', (_what, obs, detail) => {
    const c = judge(metric(), obs);
    expect(c.verdict).toBe('hold');
    expect(c.level).toBeUndefined();
    expect(c.detail).toMatch(detail);
  });

  test.each([
    [0, 'pass'],
    [1, 'hold'],
  ])('a gap of exactly 3 intervals plus %d ms → %s', (extra, verdict) => {
    const day = points({ from: T0 - 6 * HOUR, to: T0, every: 5 * MIN, value: 100 });
    const pts = day.filter((_, i) => i < 4 || i > 5); // 15m between the 4th and 5th points
    pts[4] = { ...pts[4]!, t: pts[4]!.t + extra };
    expect(judge(metric({ interval: '5m' }), observation({ window: 6 * HOUR, points: pts }), '6h').verdict).toBe(
      verdict,
    );
  });

  test('a declared interval is the yardstick for gaps', () => {
    // every 5 minutes is fine by the data's own rhythm, but the metric says it samples every minute
    const c = judge(metric({ interval: '1m' }), observation({ points: full() }));
    expect(c.verdict).toBe('hold');
    expect(c.detail).toMatch(/sampling every 1m/);
  });

  test("the provider's step is the yardstick when the metric declares none", () => {
    const c = judge(metric(), observation({ points: full(), series: { stepMs: MIN } }));
    expect(c.verdict).toBe('hold');
    expect(c.metric!.intervalMs).toBe(MIN);
  });

  test('a window of two or three intervals is no verdict, even when every point is there', () => {
    const c = judge(
      metric(),
      observation({
        window: 10 * MIN,
        points: [
          { t: T0 - 10 * MIN, v: 1 },
          { t: T0 - 5 * MIN, v: 1 },
          { t: T0, v: 1 },
        ],
        series: { stepMs: 5 * MIN },
      }),
      '10m',
    );
    expect(c.verdict).toBe('hold');
    expect(c.level).toBeUndefined();
    expect(c.detail).toBe(
      `sampling every 5m is too coarse to judge a 10m window: a verdict needs at least ${MIN_INTERVALS} intervals per window; lengthen sloWindow or sample more often`,
    );
  });

  test.each<[string, MetricObservation | undefined]>([
    ['not measured', undefined],
    ['provider error', observation({ error: 'timeout' })],
    ['empty series', observation({ points: [] })],
    ['NaN points', observation({ series: { invalid: 1 } })],
    ['a stale tail', observation({ points: full().slice(0, 5) })],
  ])('onNoData: fail turns "%s" into a failure at onBreach', (_what, obs) => {
    const c = judge(metric({ onNoData: 'fail', onBreach: 'light' }), obs);
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe('light');
    expect(c.detail).toMatch(/ \(onNoData: fail\)$/);
  });
});

describe('a provider note travels with the verdict', () => {
  const m = metricSchema.parse(metricInput({ name: 'latency', slo: { below: 500 } }));
  test('whole-service data standing for the canary passes, and says so', () => {
    const c = evaluateMetric({
      metric: m,
      observation: observation({
        value: 100,
        series: { note: 'whole-service data: the file has no canary rows for latency' },
      }),
      windowLabel: '1h',
    });
    expect(c.verdict).toBe('pass');
    expect(c.detail).toMatch(/\(whole-service data: the file has no canary rows for latency\)$/);
  });
  test('and a breach in it still fails', () => {
    const c = evaluateMetric({
      metric: m,
      observation: observation({ value: 700, series: { note: 'whole-service data' } }),
      windowLabel: '1h',
    });
    expect(c.verdict).toBe('fail');
    expect(c.detail).toContain('(whole-service data)');
  });
});

describe('a value that is not a finite number is never a point', () => {
  test.each([Infinity, -Infinity, NaN])(
    '%d in the series is invalid: the metric holds, and no worst value is built on it',
    (bad) => {
      const c = judge(metric(), observation({ points: withPoint(6, bad) }));
      expect(c.verdict).toBe('hold');
      expect(c.metric!.invalid).toBe(1);
      expect(c.metric!.points).toBe(12);
      expect(Number.isFinite(c.metric!.worst!.value)).toBe(true);
      expect(c.detail).toBe('1 point(s) were NaN or not numbers; 12 valid');
    },
  );

  test('-Infinity never passes an `above` SLO nor a `below` one', () => {
    for (const slo of [{ below: 500 }, { above: 0 }]) {
      const c = judge(metric({ slo }), observation({ points: full(-Infinity), series: {} }));
      expect(c.verdict).not.toBe('pass');
    }
  });
});

describe('sparse data: the interval comes from the plan or the provider, never from the points', () => {
  const DAYWIN = 24 * HOUR;
  test('two points a day apart in a 24h window sampled every 15m hold, and say how many were expected', () => {
    const c = judge(
      metric(),
      observation({
        window: DAYWIN,
        points: [
          { t: T0 - DAYWIN, v: 100 },
          { t: T0, v: 100 },
        ],
        series: { stepMs: 15 * MIN },
      }),
      '24h',
    );
    expect(c.verdict).toBe('hold');
    expect(c.detail).toMatch(/only 2 of 97 expected points \(every 15m\) in the last 24h; at least 88 are needed$/);
    expect(c.metric).toMatchObject({ points: 2, expectedPoints: 97, intervalMs: 15 * MIN });
  });

  test('evenly spread points, each gap within the tolerance, still hold when too few', () => {
    // every 40 minutes at a stated 15m: no gap over 3 intervals, but 37 of 97 points
    const pts = points({ from: T0 - DAYWIN, to: T0, every: 40 * MIN, value: 100 });
    const c = judge(metric(), observation({ window: DAYWIN, points: pts, series: { stepMs: 15 * MIN } }), '24h');
    expect(c.verdict).toBe('hold');
    expect(c.detail).toMatch(/^only 37 of 97 expected points \(every 15m\) in the last 24h; at least 88 are needed$/);
  });

  test('no interval stated anywhere: the points are not counted against their own rhythm', () => {
    const c = judge(
      metric(),
      observation({
        window: DAYWIN,
        points: [
          { t: T0 - DAYWIN, v: 100 },
          { t: T0, v: 100 },
        ],
        series: { stepMs: undefined },
      }),
      '24h',
    );
    expect(c.verdict).toBe('hold');
    expect(c.detail).toMatch(/sampling interval of latency is unknown/);
  });

  test('an interval as long as the window is no verdict (two points a day apart at a stated 1d)', () => {
    const c = judge(
      metric({ interval: '1d' }),
      observation({
        window: DAYWIN,
        points: [
          { t: T0 - DAYWIN, v: 100 },
          { t: T0, v: 100 },
        ],
      }),
      '24h',
    );
    expect(c.verdict).toBe('hold');
    expect(c.detail).toMatch(/^sampling every 1d is too coarse to judge a 24h window/);
  });

  test('more points than a call has arguments for are judged without overflowing the stack', () => {
    const pts = points({ from: T0 - 2 * DAYWIN, to: T0, every: 1000, value: 100 });
    expect(pts.length).toBeGreaterThan(150_000);
    const c = judge(metric(), observation({ window: 2 * DAYWIN, points: pts, series: { stepMs: 1000 } }), '48h');
    expect(c.verdict).toBe('pass');
    expect(c.metric!.largestGapMs).toBe(1000);
  });
});

describe('a judged window shorter than the sloWindow (a phase younger than its window)', () => {
  const young = (
    pts: Point[] = points({ from: T0 - 3 * HOUR, to: T0, every: 15 * MIN, value: 100 }),
  ): MetricObservation => ({
    cohort: 'canary',
    from: T0 - 3 * HOUR,
    to: T0,
    windowMs: 24 * HOUR,
    series: { points: pts, invalid: 0, stepMs: 15 * MIN },
  });

  test('healthy data holds until the window is covered, saying when', () => {
    const c = judge(metric(), young(), '24h');
    expect(c.verdict).toBe('hold');
    expect(c.eligibleAt).toBe(at(21 * HOUR));
    expect(c.detail).toBe(
      `worst 100 ms within < 500 ms over 3h of 24h; 13 of 13 expected points (every 15m); 3h of 24h at this traffic; the 24h window is covered at ${at(21 * HOUR)}`,
    );
    expect(c.metric).toMatchObject({
      window: { from: at(-3 * HOUR), to: at(), label: '3h of 24h' },
      coveredAt: at(21 * HOUR),
      points: 13,
    });
  });

  test('a breach in it fails at once', () => {
    const c = judge(
      metric(),
      young(points({ from: T0 - 3 * HOUR, to: T0, every: 15 * MIN, value: (i) => (i === 5 ? 650 : 100) })),
      '24h',
    );
    expect(c.verdict).toBe('fail');
    expect(c.detail).toMatch(/1 of 13 points outside over 3h of 24h$/);
  });

  test('moments after the phase was entered, no data yet is not a data problem, even with onNoData: fail', () => {
    const c = judge(metric({ onNoData: 'fail' }), { ...young([]), from: T0 - 10 * MIN }, '24h');
    expect(c.verdict).toBe('hold');
    expect(c.detail).toMatch(/^0 of 1 expected points \(every 15m\) so far: 10m of 24h at this traffic/);
  });

  test('missing data in it is still missing data', () => {
    const c = judge(
      metric(),
      young(points({ from: T0 - 3 * HOUR, to: T0 - HOUR, every: 15 * MIN, value: 100 })),
      '24h',
    );
    expect(c.verdict).toBe('hold');
    expect(c.detail).toMatch(/data is stale/);
    expect(c.detail).toMatch(/3h of 24h at this traffic; the 24h window is covered at/);
  });
});
