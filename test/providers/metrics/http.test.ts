import { afterAll, beforeAll, beforeEach, describe, expect, it, test } from '@jest/globals';
import { createHttpMetrics } from '../../../src/providers/metrics/http/index.js';
import { httpMetricsSettings } from '../../../src/providers/metrics/http/settings.js';
import type { MetricQuery, MetricsProvider } from '../../../src/providers/types.js';
import { FaultQueue, sendJson, startServer, type FakeServer } from '../../helpers/fakes/http.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const TOKEN = 'metrics-bearer-5f1c0a9e7d3b4c2a';
const URL_KEY = 'urlkey-8a7b6c5d4e3f2a1b';
const T0 = 1796000000000;
const MIN = 60_000;
const S = (ms: number) => ms / 1000;

let server: FakeServer;
const faults = new FaultQueue();
/** what the endpoint answers, by the `q` parameter */
const bodies = new Map<string, unknown>();
const { ctx, warnings } = adapterContext({
  name: 'custom',
  now: () => T0,
  envOf: (s) => ({ 'headers.Authorization': 'METRICS_TOKEN' })[s],
});

function provider(over: Record<string, unknown> = {}): Promise<MetricsProvider> {
  const settings = httpMetricsSettings.parse({
    type: 'http',
    url: `${server.url}/api/metric?q={{query}}&cohort={{cohort}}&from={{from}}&to={{to}}&fromMs={{fromMs}}&toMs={{toMs}}&api_key=${URL_KEY}`,
    jsonPath: '$.value',
    headers: { Authorization: `Bearer ${TOKEN}` },
    timeout: '500ms',
    ...over,
  });
  return createHttpMetrics(settings, ctx);
}

const q = (over: Partial<MetricQuery> = {}): MetricQuery => ({
  metric: 'latency',
  query: 'p95',
  cohort: 'canary',
  from: T0,
  to: T0 + 10 * MIN,
  ...over,
});

const caught = (p: Promise<unknown>) => expectProviderError(p, { secrets: [TOKEN, URL_KEY] });

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    if (await faults.apply(req, res)) return;
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(res, 401, { message: 'unauthorized' });
    const key = req.query.get('q') ?? '';
    if (!bodies.has(key)) return sendJson(res, 404, { message: `no metric ${key}` });
    sendJson(res, 200, bodies.get(key));
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  warnings.length = 0;
  faults.clear();
  bodies.clear();
});

describe('the request', () => {
  it('expands the url template, URL-encoding the query, and sends the headers', async () => {
    const query = 'sum(rate(x{cohort="canary",a="b&c"}[5m])) / 2';
    bodies.set(query, { value: 1 });
    await (await provider()).query(q({ query, to: T0 + 10 * MIN + 500 }));
    const req = server.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/api/metric');
    expect(req.query.get('q')).toBe(query);
    expect(req.url).toContain(`q=${encodeURIComponent(query)}&`);
    expect(req.query.get('cohort')).toBe('canary');
    expect(req.query.get('from')).toBe(String(S(T0)));
    // seconds round outwards, so the window is covered
    expect(req.query.get('to')).toBe(String(S(T0 + 10 * MIN) + 1));
    expect(req.query.get('fromMs')).toBe(String(T0));
    expect(req.query.get('toMs')).toBe(String(T0 + 10 * MIN + 500));
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('expands templates in the path and {{cohort}} in the jsonPath', async () => {
    bodies.set('p95', { byCohort: { canary: 3, control: 4 } });
    const settings = { url: `${server.url}/api/{{metric}}/x?q={{query}}`, jsonPath: '$.byCohort.{{cohort}}' };
    const series = await (await provider(settings)).query(q({ cohort: 'control' }));
    expect(series).toEqual({ points: [{ t: T0 + 10 * MIN, v: 4 }], invalid: 0, stepMs: MIN });
    expect(server.requests[0]!.path).toBe('/api/latency/x');
  });

  it('an unknown template name fails at creation, naming it', async () => {
    const e = await caught(provider({ url: `${server.url}/api?q={{query}}&env={{environment}}` }));
    expect(e.message).toBe('HTTP metrics: unknown template value {{environment}} in the provider settings');
    expect(e.hint).toContain("put plan variables in the metric's query");
  });

  it('a template in the host is refused', async () => {
    const e = await caught(provider({ url: 'http://{{cohort}}.metrics.test/api?q={{query}}' }));
    expect(e.message).toBe("HTTP metrics: the url's scheme and host cannot hold a template");
  });
});

describe('what the jsonPath finds', () => {
  const W = { from: T0, to: T0 + 10 * MIN };
  test.each<[string, string, unknown, { points: Array<{ t: number; v: number }>; invalid: number }]>([
    ['a number: one point at `to`', '$.value', { value: 0.25 }, { points: [{ t: W.to, v: 0.25 }], invalid: 0 }],
    ['a numeric string', '$.value', { value: ' 1.5e2 ' }, { points: [{ t: W.to, v: 150 }], invalid: 0 }],
    ['zero is a value', '$.value', { value: 0 }, { points: [{ t: W.to, v: 0 }], invalid: 0 }],
    ['null is invalid, not zero', '$.value', { value: null }, { points: [], invalid: 1 }],
    ['"NaN" is invalid', '$.value', { value: 'NaN' }, { points: [], invalid: 1 }],
    ['a boolean is invalid', '$.value', { value: true }, { points: [], invalid: 1 }],
    ['false is invalid, not zero', '$.value', { value: false }, { points: [], invalid: 1 }],
    ['an empty string is invalid, not zero', '$.value', { value: '' }, { points: [], invalid: 1 }],
    ['a blank string is invalid, not zero', '$.value', { value: ' ' }, { points: [], invalid: 1 }],
    ['"-1e999" (-Infinity) is invalid', '$.value', { value: '-1e999' }, { points: [], invalid: 1 }],
    ['"1e999" (Infinity) is invalid', '$.value', { value: '1e999' }, { points: [], invalid: 1 }],
    [
      '1e999 as a JSON number (Infinity) is invalid',
      '$.points',
      JSON.parse(`{"points": [[${S(T0)}, 1e999], [${S(T0 + MIN)}, -1e999], [${S(T0 + 2 * MIN)}, 3]]}`),
      { points: [{ t: T0 + 2 * MIN, v: 3 }], invalid: 2 },
    ],
    ['nothing at the path is no data', '$.missing', { value: 1 }, { points: [], invalid: 0 }],
    ['a bare number as the whole body', '$', 0.5, { points: [{ t: W.to, v: 0.5 }], invalid: 0 }],
    ['a null body is no data', '$.value', null, { points: [], invalid: 0 }],
    ['an empty list is no data', '$.points', { points: [] }, { points: [], invalid: 0 }],
    [
      '[seconds, value] pairs, with gaps and points outside the window',
      '$.points',
      {
        points: [
          [S(T0 - MIN), 9],
          [S(T0 + 2 * MIN), 2],
          [S(T0), 1],
          [S(T0 + 3 * MIN), null],
          [S(T0 + 4 * MIN), 'NaN'],
          [S(T0 + 11 * MIN), 9],
        ],
      },
      {
        points: [
          { t: T0, v: 1 },
          { t: T0 + 2 * MIN, v: 2 },
        ],
        invalid: 2,
      },
    ],
    [
      '[ms, value] pairs',
      '$.points',
      {
        points: [
          [T0 + MIN, 3],
          [T0 + 10 * MIN, 4],
        ],
      },
      {
        points: [
          { t: T0 + MIN, v: 3 },
          { t: T0 + 10 * MIN, v: 4 },
        ],
        invalid: 0,
      },
    ],
    [
      '[ISO, value] pairs',
      '$.points',
      { points: [[new Date(T0 + MIN).toISOString(), '5']] },
      { points: [{ t: T0 + MIN, v: 5 }], invalid: 0 },
    ],
    [
      'ISO times without an offset are UTC; with one, honoured',
      '$.points',
      {
        points: [
          [new Date(T0 + MIN).toISOString().replace('Z', ''), 1],
          [new Date(T0 + 3 * MIN + 2 * 3_600_000).toISOString().replace('Z', '+02:00'), 2],
        ],
      },
      {
        points: [
          { t: T0 + MIN, v: 1 },
          { t: T0 + 3 * MIN, v: 2 },
        ],
        invalid: 0,
      },
    ],
    [
      '{timestamp|t|time, value|v} objects',
      '$.rows',
      {
        rows: [
          { timestamp: S(T0), value: 1 },
          { t: T0 + MIN, v: 2 },
          { time: new Date(T0 + 2 * MIN).toISOString(), value: 3 },
          { t: T0 + 3 * MIN, v: null },
        ],
      },
      {
        points: [
          { t: T0, v: 1 },
          { t: T0 + MIN, v: 2 },
          { t: T0 + 2 * MIN, v: 3 },
        ],
        invalid: 1,
      },
    ],
    [
      'a {value} object: one point at `to`',
      '$.stats',
      { stats: { value: 7, count: 3 } },
      { points: [{ t: W.to, v: 7 }], invalid: 0 },
    ],
    [
      'a Prometheus instant value [t, "v"]',
      '$.data.result[0].value',
      { data: { result: [{ value: [S(T0 + MIN), '0.5'] }] } },
      { points: [{ t: T0 + MIN, v: 0.5 }], invalid: 0 },
    ],
    [
      'every match of [*] as a point',
      '$.data[*]',
      {
        data: [
          [S(T0), 1],
          [S(T0 + MIN), 2],
        ],
      },
      {
        points: [
          { t: T0, v: 1 },
          { t: T0 + MIN, v: 2 },
        ],
        invalid: 0,
      },
    ],
    [
      'one number picked by a filter',
      "$.series[?(@.cohort==='canary')].value",
      {
        series: [
          { cohort: 'control', value: 1 },
          { cohort: 'canary', value: 2 },
        ],
      },
      { points: [{ t: W.to, v: 2 }], invalid: 0 },
    ],
    [
      'a filter that matches nothing is no data',
      "$.series[?(@.cohort==='canary')].value",
      { series: [{ cohort: 'control', value: 1 }] },
      { points: [], invalid: 0 },
    ],
  ])('%s', async (_name, jsonPath, body, expected) => {
    bodies.set('p95', body);
    // the provider states its sampling interval (the default 1m): the gate counts points against it
    expect(await (await provider({ jsonPath })).query(q())).toEqual({ ...expected, stepMs: MIN });
  });

  test.each<[string, string, unknown, RegExp]>([
    [
      'a list of bare numbers',
      '$.values',
      { values: [0.1, 0.2, 0.3] },
      /found 3 bare values without timestamps; which is the metric's value is ambiguous$/,
    ],
    ['two bare numbers', '$.values', { values: [0.1, 0.2] }, /found 2 bare values without timestamps/],
    [
      'several numbers matched',
      '$.series[*].value',
      { series: [{ value: 1 }, { value: 2 }] },
      /found 2 bare values without timestamps/,
    ],
    [
      'an object without a value',
      '$.stats',
      { stats: { mean: 1, p95: 2 } },
      /found an object without a "value" \(keys: mean, p95\)$/,
    ],
    ['an unreadable timestamp', '$.points', { points: [['yesterday', 1]] }, /"yesterday" is not a timestamp/],
    [
      'an empty list where a value should be (never a zero)',
      '$.points',
      { points: [[S(T0), []]] },
      /item 0 of the list is/,
    ],
    [
      'a date that does not exist',
      '$.points',
      { points: [['2026-02-30T10:00:00Z', 1]] },
      /"2026-02-30T10:00:00Z" is not a date: 2026-02 has 28 days/,
    ],
    [
      'a list of lists',
      '$.points',
      { points: [[[1, 2]]] },
      /item 0 of the list is \[\[1,2\]\], not a \[timestamp, value\] pair/,
    ],
  ])('%s is a ProviderError, never a value', async (_name, jsonPath, body, message) => {
    bodies.set('p95', body);
    const e = await caught((await provider({ jsonPath })).query(q()));
    expect(e.message).toMatch(/^HTTP metrics: metric "latency" at \$/);
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(
      /^(point at one number, a \{timestamp, value\} object, or a list of \[timestamp, value\] pairs|timestamps are unix seconds, epoch milliseconds or ISO-8601 strings)$/,
    );
  });
});

describe('failures: nothing is ever returned', () => {
  beforeEach(() => void bodies.set('p95', { value: 1 }));

  test.each([
    [
      'an HTML page',
      { kind: 'html' } as const,
      /^HTTP metrics returned a malformed body \(expected JSON\) for GET \/api\/metric: an HTML page titled "Sign in"$/,
    ],
    ['truncated JSON', { kind: 'truncated' } as const, /^HTTP metrics returned a malformed body \(expected JSON\)/],
    [
      'plain text',
      { kind: 'text', body: '0.25 ms' } as const,
      /^HTTP metrics returned a malformed body \(expected JSON\) for GET \/api\/metric: 0\.25 ms$/,
    ],
    [
      'an empty body',
      { kind: 'text', body: '' } as const,
      /^HTTP metrics: the endpoint answered 200 with an empty body for metric "latency" \(expected JSON\)$/,
    ],
  ])('%s', async (_name, fault, message) => {
    faults.inject(fault);
    expect((await caught((await provider()).query(q()))).message).toMatch(message);
  });

  it('401 names the variable holding the credential, never the credential', async () => {
    const settings = httpMetricsSettings.parse({
      type: 'http',
      url: `${server.url}/api/metric?q={{query}}`,
      jsonPath: '$.value',
      headers: { Authorization: 'Bearer wrong-token-1234' },
    });
    const e = await caught((await createHttpMetrics(settings, ctx)).query(q()));
    expect(e.status).toBe(401);
    expect(e.message).toBe('HTTP metrics rejected the headers.Authorization in METRICS_TOKEN (401)');
    expect(e.message + (e.hint ?? '')).not.toContain('wrong-token-1234');
    expect(server.requests).toHaveLength(1);
  });

  it('waits the Retry-After on 429, then answers', async () => {
    faults.inject({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    const series = await (await provider()).query(q());
    expect(series.points).toEqual([{ t: T0 + 10 * MIN, v: 1 }]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('gives up after the retries on 5xx, with the URL key masked', async () => {
    faults.inject(
      { kind: 'status', status: 503, body: { message: `overloaded, try ?api_key=${URL_KEY} later` } },
      { times: 3 },
    );
    const e = await caught((await provider({ retries: 1 })).query(q()));
    expect(e.message).toMatch(
      /^HTTP metrics answered 503 for GET \/api\/metric after 2 attempts over .*: overloaded, try \?api_key=\*\*\* later$/,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('a 404 is not retried', async () => {
    const e = await caught((await provider()).query(q({ query: 'unknown' })));
    expect(e.message).toBe('HTTP metrics has nothing at GET /api/metric (404): no metric unknown');
    expect(server.requests).toHaveLength(1);
  });

  it('a slow answer is a timeout', async () => {
    faults.inject({ kind: 'delay', ms: 800 }, { times: 5 });
    const e = await caught((await provider({ timeout: '100ms', retries: 0 })).query(q()));
    expect(e.message).toBe('HTTP metrics did not answer within 100 ms (GET /api/metric)');
  });

  it('a dropped connection is a ProviderError', async () => {
    faults.inject({ kind: 'drop' }, { times: 5 });
    const e = await caught((await provider({ retries: 1 })).query(q()));
    expect(e.message).toMatch(
      /^lost the connection to HTTP metrics at http:\/\/127\.0\.0\.1:\d+ \(ECONNRESET, GET \/api\/metric\) after 2 attempts/,
    );
  });
});
