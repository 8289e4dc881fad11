/**
 * Datadog metrics: v2 `POST /api/v2/query/timeseries` (from/to in milliseconds, `to` exclusive) by
 * default, or v1 `GET /api/v1/query` (from/to in seconds) when `api: v1`. Returns raw points; gaps
 * (null) are counted as invalid, never read as zero. v2 asks for a rollup `interval`: the metric's, the
 * provider's, or about 300 points over the window (Datadog's own default).
 */
import { createHttpClient } from '../../http.js';
import { httpClientSettings, parseDurationMs } from '../../http-settings.js';
import type { AdapterContext, MetricQuery, MetricsProvider, Series } from '../../types.js';
import { defaultIntervalMs, seriesFromV1, seriesFromV2 } from './api.js';
import { datadogCount } from './counts.js';
import type { DatadogSettings } from './settings.js';

export async function createDatadogMetrics(settings: DatadogSettings, ctx: AdapterContext): Promise<MetricsProvider> {
  const http = createHttpClient({
    provider: 'Datadog',
    baseURL: settings.url ?? `https://api.${settings.site}`,
    headers: { 'DD-API-KEY': settings.apiKey, 'DD-APPLICATION-KEY': settings.appKey },
    credentials: [
      { setting: 'apiKey', env: ctx.envOf('apiKey') },
      { setting: 'appKey', env: ctx.envOf('appKey') },
    ],
    resetHeader: { name: 'X-RateLimit-Reset', unit: 'seconds-until' },
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });

  const declaredMs = settings.interval === undefined ? undefined : parseDurationMs(settings.interval);
  // The metric's interval, the provider's, or Datadog's own default for the span: asked of v2, and the
  // yardstick for the points a window must hold.
  const intervalOf = (q: MetricQuery): number => q.intervalMs ?? declaredMs ?? defaultIntervalMs(q.to - q.from);

  async function queryV2(q: MetricQuery): Promise<Series> {
    const interval = intervalOf(q);
    const res = await http.request({
      method: 'POST',
      url: '/api/v2/query/timeseries',
      // a query is a read: safe to re-send
      idempotent: true,
      data: {
        data: {
          type: 'timeseries_request',
          attributes: {
            from: q.from,
            to: q.to + 1,
            interval,
            queries: [{ data_source: 'metrics', name: 'q', query: q.query }],
          },
        },
      },
    });
    return seriesFromV2(res.data, q, interval);
  }

  async function queryV1(q: MetricQuery): Promise<Series> {
    const res = await http.request({
      method: 'GET',
      url: '/api/v1/query',
      params: { from: Math.floor(q.from / 1000), to: Math.ceil(q.to / 1000), query: q.query },
    });
    return seriesFromV1(res.data, q, intervalOf(q));
  }

  const query = (q: MetricQuery) => (settings.api === 'v1' ? queryV1(q) : queryV2(q));
  return { query, count: (q) => datadogCount(query, q) };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createDatadogMetrics as create };
