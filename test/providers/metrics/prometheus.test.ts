/**
 * The Prometheus adapter against a real Prometheus holding the synthetic 72 h history of
 * scripts/servers/gen-openmetrics.mjs (canary latency regression in (END-30h, END-26h]), plus a loopback
 * fake for the answers a healthy server will not give (warnings, 503, malformed bodies).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProviderError } from '../../../src/errors.js';
import { createPrometheusMetrics } from '../../../src/providers/metrics/prometheus/index.js';
import type { PrometheusSettings } from '../../../src/providers/metrics/prometheus/settings.js';
import type { Cohort, MetricsProvider } from '../../../src/providers/types.js';
import { FaultQueue, sendJson, startServer, type FakeServer } from '../../helpers/fakes/http.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';
import { prometheusUrl, promEnd } from '../../helpers/servers.js';

const H = 3_600_000;
const { ctx } = adapterContext({ name: 'prom', baseDir: '.', plan: 'test' });
const settings = (over: Partial<PrometheusSettings> = {}): PrometheusSettings => ({
  type: 'prometheus',
  url: prometheusUrl(),
  ...over,
});

const P95 =
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="recommendations",cohort="{{cohort}}"}[5m])))';
const render = (q: string, cohort: Cohort) => q.replaceAll('{{cohort}}', cohort);

describe('Prometheus adapter (real server)', () => {
  let prom: MetricsProvider;
  let END: number; // epoch ms
  beforeAll(async () => {
    prom = await createPrometheusMetrics(settings(), ctx);
    END = promEnd() * 1000;
  });
  const query = (q: { query: string; cohort?: Cohort; from: number; to: number }, p = prom) =>
    p.query({
      metric: 'm',
      cohort: q.cohort ?? 'canary',
      query: render(q.query, q.cohort ?? 'canary'),
      from: q.from,
      to: q.to,
    });

  it('sees the canary p95 regression inside its window and not outside', async () => {
    const inside = await query({ query: P95, from: END - 30 * H + 10 * 60_000, to: END - 26 * H });
    expect(inside.points.length).toBeGreaterThan(200);
    expect(inside.invalid).toBe(0);
    expect(inside.stepMs).toBe(60_000);
    expect(inside.points.every((p) => p.v > 0.5)).toBe(true);
    const after = await query({ query: P95, from: END - 24 * H, to: END });
    expect(after.points.length).toBeGreaterThan(1000);
    expect(after.points.every((p) => p.v < 0.5)).toBe(true);
    const control = await query({ query: P95, cohort: 'control', from: END - 30 * H + 10 * 60_000, to: END - 26 * H });
    expect(control.points.every((p) => p.v < 0.5)).toBe(true);
  });

  it('returns epoch-ms timestamps in time order within the range', async () => {
    const s = await query({ query: P95, from: END - 2 * H, to: END });
    const ts = s.points.map((p) => p.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(ts[0]).toBeGreaterThanOrEqual(END - 2 * H);
    expect(ts.at(-1)).toBeLessThanOrEqual(END);
    expect(ts[1]! - ts[0]!).toBe(60_000);
  });

  it('widens the step so 72 h at 15 s stays under 11,000 points', async () => {
    const fine = await createPrometheusMetrics(settings({ step: '15s' }), ctx);
    const s = await query({ query: P95, from: END - 72 * H, to: END }, fine);
    expect(s.stepMs).toBe(24_000);
    expect(s.points.length).toBeGreaterThan(10_000);
    expect(s.points.length).toBeLessThanOrEqual(11_001);
  });

  it('picks the requested cohort out of a query split by cohort', async () => {
    const q = 'sum by (cohort) (rate(http_requests_total{service="recommendations"}[5m]))';
    const canary = await query({ query: q, cohort: 'canary', from: END - H, to: END });
    const control = await query({ query: q, cohort: 'control', from: END - H, to: END });
    expect(canary.points.length).toBe(control.points.length);
    expect(control.points[0]!.v / canary.points[0]!.v).toBeGreaterThan(10); // control ~95 %, canary ~5 %
  });

  it('refuses several series it cannot tell apart, naming {{cohort}}', async () => {
    const q = 'sum by (cohort, code) (rate(http_requests_total{service="recommendations"}[5m]))';
    const err = await expectProviderError(query({ query: q, from: END - H, to: END }));
    expect(err.message).toContain(q);
    expect(err.hint).toContain('{{cohort}}');
  });

  it('no matching series is an empty series, never zeros', async () => {
    const s = await query({
      query: 'rate(http_requests_total{service="no-such-service"}[5m])',
      from: END - H,
      to: END,
    });
    expect(s).toMatchObject({ points: [], invalid: 0 });
  });

  it('drops NaN (0/0) and +Inf and counts them', async () => {
    const nan = await query({
      query: 'sum(rate(http_requests_total{service="recommendations",cohort="canary"}[5m])) * 0 / 0',
      from: END - H,
      to: END,
    });
    expect(nan.points).toEqual([]);
    expect(nan.invalid).toBe(61); // [END-1h, END] at 60 s, both ends inclusive
    const inf = await query({
      query: 'sum(rate(http_requests_total{service="recommendations",cohort="canary"}[5m])) / 0',
      from: END - H,
      to: END,
    });
    expect(inf.points).toEqual([]);
    expect(inf.invalid).toBe(61);
  });

  it("reports Prometheus' own message and the query for a bad query", async () => {
    const q = 'sum(rate(http_requests_total[5m]';
    const err = await expectProviderError(query({ query: q, from: END - H, to: END }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/bad_data: .*parse error/);
    expect(err.message).toContain(q);
  });
});

describe('Prometheus adapter (faults from a loopback fake)', () => {
  let fake: FakeServer;
  const faults = new FaultQueue();
  beforeAll(async () => {
    fake = await startServer(async (req, res) => {
      if (await faults.apply(req, res)) return;
      sendJson(res, 200, {
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: {}, values: [[1796000000, '1.5']] }] },
      });
    });
  });
  afterAll(() => fake.close());
  const q = { metric: 'p95', query: 'up', cohort: 'canary' as const, from: 1796000000000 - H, to: 1796000000000 };
  const provider = (over: Partial<PrometheusSettings> = {}) =>
    createPrometheusMetrics({ type: 'prometheus', url: fake.url, retries: 1, ...over }, ctx);

  it('sends the range as float seconds, the step and the configured headers', async () => {
    const p = await provider({ headers: { 'X-Scope-OrgID': 'tenant-1' }, step: '2m' });
    await p.query(q);
    const req = fake.requests.at(-1)!;
    expect(req.path).toBe('/api/v1/query_range');
    expect(Object.fromEntries(req.query)).toEqual({
      query: 'up',
      start: String(1796000000 - 3600),
      end: '1796000000',
      step: '120',
    });
    expect(req.headers['x-scope-orgid']).toBe('tenant-1');
  });

  it('passes warnings on, so the series is not trusted for a pass', async () => {
    faults.inject({
      kind: 'body',
      body: { status: 'success', warnings: ['partial response'], data: { resultType: 'matrix', result: [] } },
    });
    expect((await (await provider()).query(q)).warnings).toEqual(['partial response']);
  });

  it('NaN everywhere is no data', async () => {
    faults.inject({
      kind: 'body',
      body: {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: {},
              values: [
                [1, 'NaN'],
                [2, 'NaN'],
              ],
            },
          ],
        },
      },
    });
    expect(await (await provider()).query(q)).toMatchObject({ points: [], invalid: 2 });
  });

  it('a 503 that persists is a ProviderError (after retrying)', async () => {
    faults.inject(
      { kind: 'status', status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out' } },
      { times: 2 },
    );
    const before = fake.requests.length;
    await expect((await provider()).query(q)).rejects.toBeInstanceOf(ProviderError);
    expect(fake.requests.length - before).toBe(2);
  });

  it("a 422 execution error carries Prometheus' message and is not retried", async () => {
    faults.inject({
      kind: 'status',
      status: 422,
      body: { status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' },
    });
    const before = fake.requests.length;
    await expect((await provider()).query(q)).rejects.toThrow(/execution: many-to-many matching not allowed/);
    expect(fake.requests.length - before).toBe(1);
  });

  it('a malformed or truncated body is a ProviderError', async () => {
    faults.inject({ kind: 'truncated' });
    await expect((await provider()).query(q)).rejects.toBeInstanceOf(ProviderError);
    faults.inject({
      kind: 'body',
      body: { status: 'success', data: { resultType: 'matrix', result: [{ values: 'x' }] } },
    });
    await expect((await provider()).query(q)).rejects.toThrow(/malformed matrix result/);
  });
});
