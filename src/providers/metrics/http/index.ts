/**
 * Metrics from any JSON endpoint: GET the `url` template, then pick the value with `jsonPath`
 * (jsonpath-plus, safe evaluation). What may be found there is described in ./points.ts. Nothing at the
 * path is an empty series (no data, never a zero); a body that is not JSON is a ProviderError.
 */
import { JSONPath } from 'jsonpath-plus';
import { ProviderError } from '../../../errors.js';
import { createHttpClient } from '../../http.js';
import { httpClientSettings, parseDurationMs } from '../../http-settings.js';
import type { AdapterContext, MetricQuery, MetricsProvider, Series } from '../../types.js';
import { PointsProblem, seriesFromMatches } from './points.js';
import type { HttpMetricsSettings } from './settings.js';
import { checkTemplate, expandUrl, URL_TOKENS } from './template.js';

const PROVIDER = 'HTTP metrics';
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

export async function createHttpMetrics(settings: HttpMetricsSettings, ctx: AdapterContext): Promise<MetricsProvider> {
  // an unknown {{name}} fails at start-up, not as a 404 from a URL with braces in it
  const unknown = [...checkTemplate(settings.url), ...checkTemplate(settings.jsonPath, ['cohort'])];
  if (unknown.length > 0) {
    throw new ProviderError(
      ctx.name,
      `${PROVIDER}: unknown template value${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{{${n}}}`).join(', ')} in the provider settings`,
      {
        hint: `the url may use ${URL_TOKENS.map((n) => `{{${n}}}`).join(', ')} and jsonPath {{cohort}}; put plan variables in the metric's query and use {{query}}`,
      },
    );
  }
  // the origin is fixed, so the client's messages show only the path; templates go after it
  const origin = ORIGIN.exec(settings.url)?.[0] ?? settings.url;
  if (checkTemplate(origin, []).length > 0) {
    throw new ProviderError(ctx.name, `${PROVIDER}: the url's scheme and host cannot hold a template`, {
      hint: 'use templates in the path or the query string only',
    });
  }
  const intervalMs = parseDurationMs(settings.interval);
  const credentials = [
    ...Object.keys(settings.headers ?? {})
      .map((h) => ({ setting: `headers.${h}`, env: ctx.envOf(`headers.${h}`) }))
      .filter((c) => c.env !== undefined),
    ...(ctx.envOf('url') ? [{ setting: 'url', env: ctx.envOf('url') }] : []),
  ];
  const http = createHttpClient({
    provider: PROVIDER,
    baseURL: origin,
    headers: settings.headers,
    credentials,
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });

  return {
    async query(q: MetricQuery): Promise<Series> {
      const res = await http.request({ method: 'GET', url: expandUrl(settings.url, q).slice(origin.length) || '/' });
      // an empty 2xx body is not JSON either: the endpoint said nothing, which is not "no data"
      if (res.data === undefined) {
        throw new ProviderError(
          ctx.name,
          `${PROVIDER}: the endpoint answered ${res.status} with an empty body for metric "${q.metric}" (expected JSON)`,
          {
            status: res.status,
          },
        );
      }
      const path = settings.jsonPath.replaceAll(/\{\{\s*cohort\s*\}\}/g, q.cohort);
      try {
        // jsonpath-plus answers undefined rather than [] for a `null` document
        const matches =
          (JSONPath({ path, json: res.data as object, wrap: true, eval: 'safe' }) as unknown[] | undefined) ?? [];
        return { ...seriesFromMatches(matches, { from: q.from, to: q.to }), stepMs: intervalMs };
      } catch (e) {
        const problem =
          e instanceof PointsProblem
            ? e
            : new PointsProblem(
                `the jsonPath could not be evaluated: ${(e as Error).message}`,
                'check the jsonPath syntax (jsonpath-plus)',
              );
        throw new ProviderError(ctx.name, `${PROVIDER}: metric "${q.metric}" at ${path}: ${problem.message}`, {
          status: res.status,
          ...(problem.hint ? { hint: problem.hint } : {}),
        });
      }
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createHttpMetrics as create };
