/**
 * The newest points of many queries asked in one request (batch.ts): the combined answer is split back
 * exactly, and anything unusual sends each query on its own, so each gets its own answer or error.
 */
import { describe, expect, it } from '@jest/globals';
import { createBatcher, type Recent } from '../../../src/providers/metrics/prometheus/batch.js';
import { createPrometheusMetrics } from '../../../src/providers/metrics/prometheus/index.js';
import type { KeyedCache } from '../../../src/providers/types.js';
import { adapterContext } from '../../helpers/providers.js';
import { prometheusUrl, promEnd } from '../../helpers/servers.js';

const matrix = (result: unknown[], extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: { status: 'success', data: { resultType: 'matrix', result }, ...extra },
});
const series = (i: number, labels: Record<string, string>, values: [number, string][]) => ({
  metric: { __rollout_batch: String(i), ...labels },
  values,
});
const member = (query: string, alone: () => Promise<Recent>, cohort: 'canary' | 'control' = 'canary') => ({
  query,
  cohort,
  from: 60_000,
  to: 180_000,
  step: 60,
  alone,
});

describe('the batcher', () => {
  it('queries asked in one turn over one range go as one request, and each gets its own part', async () => {
    const sent: string[] = [];
    const ask = createBatcher(async (q) => {
      sent.push(q);
      return matrix([
        series(0, {}, [
          [60, '1'],
          [120, 'NaN'],
        ]),
        series(1, { cohort: 'control' }, [[60, '5']]),
        series(1, { cohort: 'canary' }, [[60, '7']]),
      ]);
    });
    const never = async (): Promise<Recent> => {
      throw new Error('asked alone');
    };
    const [a, b, c] = await Promise.all([
      ask(member('up', never)),
      ask(member('sum by (cohort) (x)', never)),
      ask(member('nothing', never)),
    ]);
    expect(sent).toEqual([
      'label_replace(up, "__rollout_batch", "0", "", "") or label_replace(sum by (cohort) (x), "__rollout_batch", "1", "", "") or label_replace(nothing, "__rollout_batch", "2", "", "")',
    ]);
    expect(a).toEqual({
      samples: [
        [60_000, 1],
        [120_000, null],
      ],
      warnings: [],
    });
    expect(b).toEqual({ samples: [[60_000, 7]], warnings: [] });
    expect(c).toEqual({ samples: [], warnings: [] }); // no data stays no data
  });

  it.each([
    [
      'the combined query is refused (an error in one query, a scalar)',
      { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error' } },
    ],
    ['the answer has warnings', matrix([series(0, {}, [[60, '1']])], { warnings: ['partial data'] })],
    ['a series belongs to no query', matrix([series(7, {}, [[60, '1']])])],
    [
      'the answer is not a matrix',
      { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [1, '1'] } } },
    ],
    ['HTTP 503', { status: 503, body: 'unavailable' }],
  ])('when %s, every query is asked on its own', async (_what, answer) => {
    const ask = createBatcher(async () => answer);
    const alone = (v: number) => async (): Promise<Recent> => ({ samples: [[60_000, v]], warnings: [] });
    const got = await Promise.all([ask(member('a', alone(1))), ask(member('b', alone(2)))]);
    expect(got.map((r) => r.samples)).toEqual([[[60_000, 1]], [[60_000, 2]]]);
  });

  it('a part that cannot be read on its own terms is asked alone, and fails with its own error; the others are answered', async () => {
    const ask = createBatcher(async () =>
      matrix([series(0, { pod: 'a' }, [[60, '1']]), series(0, { pod: 'b' }, [[60, '2']]), series(1, {}, [[60, '3']])]),
    );
    const results = await Promise.allSettled([
      ask(
        member('ambiguous', async () => {
          throw new Error('the query returned 2 series');
        }),
      ),
      ask(
        member('fine', async () => {
          throw new Error('asked alone');
        }),
      ),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: new Error('the query returned 2 series') });
    expect(results[1]).toEqual({ status: 'fulfilled', value: { samples: [[60_000, 3]], warnings: [] } });
  });

  it('one query alone, queries over different ranges, or a query with a comment are never combined', async () => {
    const sent: string[] = [];
    const ask = createBatcher(async (q) => {
      sent.push(q);
      return matrix([]);
    });
    const alone = async (): Promise<Recent> => ({ samples: [], warnings: [] });
    await ask(member('solo', alone));
    await Promise.all([ask(member('a # a comment', alone)), ask(member('b', alone))]);
    await Promise.all([ask({ ...member('a', alone), from: 0 }), ask(member('b', alone))]);
    expect(sent).toEqual([]);
  });
});

describe('batched against the real server', () => {
  it('the newest points of 6 queries in one request equal each asked alone', async () => {
    const end = promEnd() * 1000;
    const entries = new Map<string, string>();
    const cache: KeyedCache = { read: (k) => entries.get(k), write: (k, v) => void entries.set(k, v) };
    let now = end - 7_200_000;
    const { ctx } = adapterContext({ name: 'prom', now: () => now, cache });
    const cached = await createPrometheusMetrics({ type: 'prometheus', url: prometheusUrl(), cache: true }, ctx);
    const plain = await createPrometheusMetrics({ type: 'prometheus', url: prometheusUrl() }, ctx);
    const sel = (c: string) => `service="recommendations",cohort="${c}"`;
    const queries = ['canary', 'control'].flatMap((c) => [
      {
        query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel(c)}}[5m])))`,
        cohort: c,
      },
      { query: `sum(rate(http_requests_total{${sel(c)}}[5m]))`, cohort: c },
      { query: `sum by (cohort) (rate(http_requests_total{service="recommendations"}[15m]))`, cohort: c },
    ]) as { query: string; cohort: 'canary' | 'control' }[];
    const ask = (p: typeof plain, to: number) =>
      Promise.all(queries.map((q) => p.query({ metric: 'm', ...q, from: to - 6 * 3_600_000, to })));
    await ask(cached, now);
    now += 3 * 60_000;
    const warm = await ask(cached, now);
    const aligned = Math.floor(now / 60_000) * 60_000;
    const truth = await Promise.all(
      queries.map((q) =>
        plain.query({ metric: 'm', ...q, from: Math.ceil((now - 6 * 3_600_000) / 60_000) * 60_000, to: aligned }),
      ),
    );
    expect(warm.map((s) => [s.points, s.invalid])).toEqual(truth.map((s) => [s.points, s.invalid]));
    expect(warm.every((s) => s.points.length > 300)).toBe(true);
  });
});
