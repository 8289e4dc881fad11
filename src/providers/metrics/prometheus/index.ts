/**
 * Prometheus metrics: one PromQL range query per cohort over [from, to]. The step is widened to stay
 * under Prometheus' 11,000-point limit; NaN/Inf are counted as invalid and empty results stay empty, so
 * missing data is never mistaken for zeros (and so never for a pass). With `cache: true` the settled
 * part of each range is kept and only what is newer is asked (range-cache.ts).
 */
import { ProviderError } from '../../../errors.js';
import { createHttpClient } from '../../http.js';
import { httpClientSettings, parseDurationMs } from '../../http-settings.js';
import type { AdapterContext, MetricQuery, MetricsProvider, Series } from '../../types.js';
import { AnswerProblem, chooseStepSeconds, parseSamples, prometheusError, seriesOf } from './answer.js';
import { createBatcher } from './batch.js';
import { cachedRange } from './range-cache.js';
import { prometheusBuckets, prometheusCount } from './counts.js';
import type { PrometheusSettings } from './settings.js';

const DEFAULT_STEP = '60s';
const DEFAULT_SETTLE = '5m';

export async function createPrometheusMetrics(
  settings: PrometheusSettings,
  ctx: AdapterContext,
): Promise<MetricsProvider> {
  const http = createHttpClient({
    provider: 'Prometheus',
    baseURL: settings.url,
    headers: settings.headers,
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });
  const stepSeconds = parseDurationMs(settings.step ?? DEFAULT_STEP) / 1000;
  const settleMs = parseDurationMs(settings.settle ?? DEFAULT_SETTLE);
  // with cache: true, the newest points of the queries of one check go as one request (batch.ts)
  const recent = createBatcher(async (query, from, to, step) => {
    const res = await http.request({
      method: 'GET',
      url: '/api/v1/query_range',
      params: { query, start: from / 1000, end: to / 1000, step },
      acceptStatuses: [400, 422],
    });
    return { status: res.status, body: res.data };
  });

  return {
    count: (q) =>
      prometheusCount(
        http,
        q,
        (m) => new ProviderError(ctx.name, `Prometheus: count (${q.cohort}): ${m}\n  query: ${q.query}`),
      ),
    buckets: (q) =>
      prometheusBuckets(
        http,
        q,
        (m) => new ProviderError(ctx.name, `Prometheus: buckets (${q.cohort}): ${m}\n  query: ${q.query}`),
      ),
    async query(q: MetricQuery): Promise<Series> {
      const step = chooseStepSeconds({ fromMs: q.from, toMs: q.to, stepSeconds });
      const fail = (message: string, opts: { status?: number; hint?: string } = {}) =>
        new ProviderError(
          ctx.name,
          `Prometheus: metric ${q.metric} (${q.cohort}): ${message}\n  query: ${q.query}`,
          opts,
        );
      // 400 (bad_data) and 422 (execution) carry Prometheus' own explanation and are never worth retrying.
      const ask = async (from: number, to: number) => {
        const res = await http.request({
          method: 'GET',
          url: '/api/v1/query_range',
          params: { query: q.query, start: from / 1000, end: to / 1000, step },
          acceptStatuses: [400, 422],
        });
        const reported = prometheusError(res.data);
        if (reported) {
          throw fail(`${reported.errorType}: ${reported.error}`, {
            status: res.status,
            hint: /maximum resolution/.test(reported.error)
              ? 'raise the provider `step` setting or shorten the window'
              : undefined,
          });
        }
        if (res.status !== 200) throw fail(`unexpected HTTP ${res.status}`, { status: res.status });
        try {
          return parseSamples({ body: res.data, cohort: q.cohort });
        } catch (e) {
          if (e instanceof AnswerProblem) throw fail(e.message, { status: res.status, hint: e.hint });
          throw e;
        }
      };
      const askRecent = (from: number, to: number) =>
        recent({ query: q.query, cohort: q.cohort, from, to, step, alone: () => ask(from, to) });
      if (settings.cache && ctx.cache) {
        const r = await cachedRange({
          cache: ctx.cache,
          server: settings.url,
          query: q.query,
          stepMs: step * 1000,
          from: q.from,
          to: q.to,
          now: ctx.now(),
          settleMs,
          ask,
          askRecent,
        });
        return {
          points: r.points,
          invalid: r.invalid,
          stepMs: step * 1000,
          warnings: r.warnings.length ? r.warnings : undefined,
        };
      }
      const { samples, warnings } = await ask(q.from, q.to);
      return seriesOf(samples, step * 1000, warnings);
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createPrometheusMetrics as create };
