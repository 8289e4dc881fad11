import { afterAll, beforeAll, beforeEach, describe, expect, it, test } from '@jest/globals';
import { createDatadogMetrics } from '../../../src/providers/metrics/datadog/index.js';
import { datadogSettings } from '../../../src/providers/metrics/datadog/settings.js';
import type { MetricQuery, MetricsProvider } from '../../../src/providers/types.js';
import { startDatadogFake, type DatadogFake } from '../../helpers/fakes/datadog.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const API_KEY = 'dd-api-0123456789abcdef0123456789ab';
const APP_KEY = 'dd-app-fedcba9876543210fedcba9876543210abcd';
const T0 = 1796000000000;
const MIN = 60_000;
const LATENCY = 'avg:checkout.latency.p95{env:prod,cohort:canary}';
const BY_COHORT = 'avg:checkout.latency.p95{env:prod} by {cohort}';

let fake: DatadogFake;
const { ctx } = adapterContext({
  name: 'dd',
  now: () => T0,
  envOf: (s) => ({ apiKey: 'DD_API_KEY', appKey: 'DD_APP_KEY' })[s],
});

function provider(over: Record<string, unknown> = {}): Promise<MetricsProvider> {
  const settings = datadogSettings.parse({
    type: 'datadog',
    apiKey: API_KEY,
    appKey: APP_KEY,
    url: fake.url,
    timeout: '500ms',
    ...over,
  });
  return createDatadogMetrics(settings, ctx);
}

const q = (over: Partial<MetricQuery> = {}): MetricQuery => ({
  metric: 'latency',
  query: LATENCY,
  cohort: 'canary',
  from: T0,
  to: T0 + 10 * MIN,
  ...over,
});

const caught = (p: Promise<unknown>) => expectProviderError(p, { secrets: [API_KEY, APP_KEY] });

beforeAll(async () => {
  fake = await startDatadogFake({ apiKey: API_KEY, appKey: APP_KEY });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.faults.clear();
  fake.setSeries(LATENCY, [
    {
      points: [
        [T0 - MIN, 9], // before the window
        [T0, 0.21],
        [T0 + MIN, null],
        [T0 + 2 * MIN, 0.24],
        [T0 + 10 * MIN, 0.3], // `to` is inclusive for rollout
        [T0 + 11 * MIN, 9], // after the window
      ],
    },
  ]);
  fake.setSeries(BY_COHORT, [
    { tags: ['cohort:canary'], points: [[T0, 0.3]] },
    { tags: ['cohort:control'], points: [[T0, 0.2]] },
  ]);
});

describe.each(['v2', 'v1'] as const)('%s', (api) => {
  it('returns the points in the window, with gaps counted as invalid and never as zero', async () => {
    const series = await (await provider({ api })).query(q());
    expect(series.points).toEqual([
      { t: T0, v: 0.21 },
      { t: T0 + 2 * MIN, v: 0.24 },
      { t: T0 + 10 * MIN, v: 0.3 },
    ]);
    expect(series.invalid).toBe(1);
    const req = fake.requests[0]!;
    expect(req.headers['dd-api-key']).toBe(API_KEY);
    expect(req.headers['dd-application-key']).toBe(APP_KEY);
  });

  it('an unknown query is an empty series', async () => {
    expect(await (await provider({ api })).query(q({ query: 'avg:nothing{*}' }))).toMatchObject({
      points: [],
      invalid: 0,
    });
  });

  it('a value that is not a finite number (1e999 in JSON is Infinity) is invalid, never a point', async () => {
    fake.setSeries(LATENCY, [
      {
        points: [
          [T0, Number.POSITIVE_INFINITY],
          [T0 + MIN, Number.NEGATIVE_INFINITY],
          [T0 + 2 * MIN, 0.2],
        ],
      },
    ]);
    const series = await (await provider({ api })).query(q());
    expect(series.points).toEqual([{ t: T0 + 2 * MIN, v: 0.2 }]);
    expect(series.invalid).toBe(2);
  });

  it('picks the one series tagged with the cohort among several', async () => {
    const dd = await provider({ api });
    expect((await dd.query(q({ query: BY_COHORT, cohort: 'control' }))).points).toEqual([{ t: T0, v: 0.2 }]);
    const e = await caught(dd.query(q({ query: BY_COHORT, cohort: 'all' })));
    expect(e.message).toBe(
      'Datadog returned 2 series for metric "latency" (cohort:canary; cohort:control) and none match cohort "all"',
    );
  });

  it('names both key variables on 403, never the keys', async () => {
    const settings = datadogSettings.parse({
      type: 'datadog',
      apiKey: 'wrong-api-key',
      appKey: APP_KEY,
      url: fake.url,
      api,
    });
    const e = await caught((await createDatadogMetrics(settings, ctx)).query(q()));
    expect(e.status).toBe(403);
    expect(e.message).toMatch(
      /^Datadog denied (POST \/api\/v2\/query\/timeseries|GET \/api\/v1\/query) with the apiKey in DD_API_KEY or the appKey in DD_APP_KEY \(403\): Forbidden$/,
    );
    expect(fake.requests).toHaveLength(1);
  });
});

describe('requests', () => {
  it('v2 sends milliseconds, `to` exclusive, and the rollup interval it then counts points against', async () => {
    const series = await (await provider()).query(q());
    const body = JSON.parse(fake.requests[0]!.body) as {
      data: { type: string; attributes: { from: number; to: number; queries: unknown[] } };
    };
    expect(body.data.type).toBe('timeseries_request');
    // 10 minutes: Datadog's own default of about 300 points rounds up to its 20s rollup
    expect(body.data.attributes).toEqual({
      from: T0,
      to: T0 + 10 * MIN + 1,
      interval: 20_000,
      queries: [{ data_source: 'metrics', name: 'q', query: LATENCY }],
    });
    expect(series.stepMs).toBe(20_000);
  });

  test.each<[string, Record<string, unknown>, Partial<MetricQuery>, number]>([
    ['a 24h window: 5m, as Datadog picks', {}, { from: T0, to: T0 + 24 * 60 * MIN }, 5 * MIN],
    ['the provider setting', { interval: '1m' }, { from: T0, to: T0 + 24 * 60 * MIN }, MIN],
    [
      "the metric's interval wins",
      { interval: '1m' },
      { from: T0, to: T0 + 24 * 60 * MIN, intervalMs: 15 * MIN },
      15 * MIN,
    ],
  ])('v2 asks for an interval: %s', async (_what, over, query, interval) => {
    const series = await (await provider(over)).query(q(query));
    expect(JSON.parse(fake.requests[0]!.body).data.attributes.interval).toBe(interval);
    expect(series.stepMs).toBe(interval);
  });

  it('v2: two points a day apart are counted against the interval asked for, not their own spacing', async () => {
    fake.setSeries(LATENCY, [
      {
        points: [
          [T0, 0.2],
          [T0 + 24 * 60 * MIN, 0.2],
        ],
      },
    ]);
    const series = await (await provider()).query(q({ from: T0, to: T0 + 24 * 60 * MIN }));
    expect(series.points).toHaveLength(2);
    expect(series.stepMs).toBe(5 * MIN);
  });

  it('v1 sends seconds and reports the interval', async () => {
    const series = await (await provider({ api: 'v1' })).query(q());
    const req = fake.requests[0]!;
    expect(req.query.get('from')).toBe(String(T0 / 1000));
    expect(req.query.get('to')).toBe(String((T0 + 10 * MIN) / 1000));
    expect(req.query.get('query')).toBe(LATENCY);
    expect(series.stepMs).toBe(60_000);
  });
});

describe('failures: nothing is ever returned', () => {
  it('retries 5xx and counts the attempts', async () => {
    fake.faults.inject({ kind: 'status', status: 502 }, { times: 2 });
    const series = await (await provider({ retries: 2 })).query(q());
    expect(series.points).toHaveLength(3);
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after the retries', async () => {
    fake.faults.inject({ kind: 'status', status: 503, body: { errors: ['Service Unavailable'] } }, { times: 5 });
    const e = await caught((await provider({ retries: 1 })).query(q()));
    expect(e.message).toMatch(
      /^Datadog answered 503 for POST \/api\/v2\/query\/timeseries after 2 attempts over .*: Service Unavailable$/,
    );
  });

  it('waits the X-RateLimit-Reset seconds on 429', async () => {
    fake.rateLimit({ resetInS: 1 });
    await (await provider()).query(q());
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('fails at once when the rate limit resets after the total timeout', async () => {
    fake.rateLimit({ resetInS: 120, times: 3 });
    const e = await caught((await provider({ totalTimeout: '5s' })).query(q()));
    expect(e.message).toMatch(
      /^Datadog rate-limited us \(429 on POST \/api\/v2\/query\/timeseries\); the limit resets in 120 s \(at .*Z\), beyond the 5 s total timeout$/,
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('a slow answer is a timeout', async () => {
    fake.faults.inject({ kind: 'delay', ms: 800 }, { times: 5 });
    const e = await caught((await provider({ timeout: '100ms', retries: 0 })).query(q()));
    expect(e.message).toBe('Datadog did not answer within 100 ms (POST /api/v2/query/timeseries)');
  });

  test.each([
    ['an HTML page', { kind: 'html' } as const, /^Datadog returned a malformed body \(expected JSON\)/],
    ['truncated JSON', { kind: 'truncated' } as const, /^Datadog returned a malformed body \(expected JSON\)/],
    [
      'the wrong shape',
      { kind: 'body', body: { data: { attributes: { series: [] } } } } as const,
      /^Datadog returned a malformed body \(expected data\.attributes/,
    ],
    [
      'rows shorter than times',
      {
        kind: 'body',
        body: { data: { attributes: { times: [T0, T0 + MIN], values: [[1]], series: [{ group_tags: [] }] } } },
      } as const,
      /expected one values row per series, as long as times/,
    ],
    [
      'an error with no series',
      {
        kind: 'body',
        body: { data: { attributes: { times: [], values: [], series: [] } }, errors: 'metric query failed' },
      } as const,
      /could not run the query for metric "latency": metric query failed/,
    ],
  ])('v2: %s is a ProviderError', async (_name, fault, message) => {
    fake.faults.inject(fault);
    const e = await caught((await provider()).query(q()));
    expect(e.message).toMatch(message);
  });

  it('v1: status error is a ProviderError', async () => {
    fake.faults.inject({ kind: 'body', body: { status: 'error', error: 'Error parsing query', series: [] } });
    const e = await caught((await provider({ api: 'v1' })).query(q()));
    expect(e.message).toBe('Datadog could not run the query for metric "latency": Error parsing query');
  });

  it('non-numeric values are invalid, not zero', async () => {
    fake.faults.inject({
      kind: 'body',
      body: {
        data: {
          attributes: { times: [T0, T0 + MIN, T0 + 2 * MIN], values: [['1.5', null, 2]], series: [{ group_tags: [] }] },
        },
      },
    });
    const series = await (await provider()).query(q());
    expect(series).toMatchObject({ points: [{ t: T0 + 2 * MIN, v: 2 }], invalid: 2 });
  });
});
