/**
 * Prometheus count queries for comparisons (contract §4): the increase over the phase, asked of
 * the real test server (`recs_shown_total`, `recs_accepted_total` per cohort), and the answers
 * that are never a count: no series (no data), NaN, several series, a malformed body.
 */
import { describe, expect, it } from '@jest/globals';
import { createPrometheusMetrics } from '../../../src/providers/metrics/prometheus/index.js';
import { countFromAnswer, increaseQuery } from '../../../src/providers/metrics/prometheus/counts.js';
import { adapterContext } from '../../helpers/providers.js';
import { prometheusUrl, promEnd } from '../../helpers/servers.js';

const H = 3_600_000;
const { ctx } = adapterContext({ name: 'prom', baseDir: '.', plan: 'test' });

describe('Prometheus counts (real server)', () => {
  it('totals a counter per cohort over the window with increase(), the canary a small share of the control', async () => {
    const prom = await createPrometheusMetrics({ type: 'prometheus', url: prometheusUrl() }, ctx);
    const END = promEnd() * 1000;
    const count = (cohort: 'canary' | 'control', metric: string, hours: number) =>
      prom.count!({ query: `${metric}{cohort="${cohort}"}`, cohort, from: END - hours * H, to: END });
    const shownCanary = await count('canary', 'recs_shown_total', 6);
    const shownControl = await count('control', 'recs_shown_total', 6);
    const accepted = await count('canary', 'recs_accepted_total', 6);
    expect(shownCanary).toBeGreaterThan(0);
    expect(shownControl).toBeGreaterThan(shownCanary!);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(shownCanary!);
    // a longer window counts more
    expect(await count('canary', 'recs_shown_total', 12)).toBeGreaterThan(shownCanary!);
    // no such series: no data, never a zero
    expect(await count('canary', 'no_such_metric_total', 6)).toBeUndefined();
  });

  it('asks for the increase over the whole window, and reads only one finite, non-negative sample as a count', () => {
    expect(increaseQuery('x_total{cohort="canary"}', 0, 2 * H)).toBe('sum(increase(x_total{cohort="canary"}[7200s]))');
    const ok = (v: string) => ({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1, v] }] },
    });
    expect(countFromAnswer(ok('12'))).toBe(12);
    expect(countFromAnswer({ status: 'success', data: { resultType: 'vector', result: [] } })).toBeUndefined();
    for (const bad of [
      ok('NaN'),
      ok('+Inf'),
      ok('-3'),
      { status: 'success', data: { resultType: 'vector', result: [ok('1').data.result[0], ok('2').data.result[0]] } },
      { status: 'success', data: { resultType: 'matrix', result: [] } },
      { status: 'error' },
      'garbage',
      null,
    ])
      expect(countFromAnswer(bad)).toBeNaN();
  });
});

describe('Datadog counts', () => {
  it('asks for .as_count() and sums the points; no points is no data, an invalid or negative point is NaN', async () => {
    const { asCount, datadogCount } = await import('../../../src/providers/metrics/datadog/counts.js');
    expect(asCount('sum:recs.shown{cohort:canary}')).toBe('sum:recs.shown{cohort:canary}.as_count()');
    expect(asCount('sum:recs.shown{cohort:canary}.as_count()')).toBe('sum:recs.shown{cohort:canary}.as_count()');
    const asked: string[] = [];
    const answer =
      (points: { t: number; v: number }[], invalid = 0) =>
      async (q: { query: string }) => {
        asked.push(q.query);
        return { points, invalid };
      };
    const q = { query: 'sum:recs.shown{cohort:canary}', cohort: 'canary' as const, from: 0, to: H };
    expect(
      await datadogCount(
        answer([
          { t: 1, v: 3 },
          { t: 2, v: 4 },
        ]),
        q,
      ),
    ).toBe(7);
    expect(asked[0]).toBe('sum:recs.shown{cohort:canary}.as_count()');
    expect(await datadogCount(answer([]), q)).toBeUndefined();
    expect(await datadogCount(answer([{ t: 1, v: 3 }], 1), q)).toBeNaN();
    expect(await datadogCount(answer([{ t: 1, v: -3 }]), q)).toBeNaN();
  });
});
