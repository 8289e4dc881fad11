/**
 * The `url` template of the http metrics provider. Every value is URL-encoded, so a PromQL or SQL query
 * can sit in a query string or a path segment as it is.
 */
import type { MetricQuery } from '../../types.js';

const TOKEN = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** `from`/`to` are unix seconds (from rounded down, to up, so the window is covered); `…Ms` epoch ms. */
export const URL_TOKENS = ['query', 'cohort', 'metric', 'from', 'to', 'fromMs', 'toMs'] as const;

/** The names in a template that are not among `known`. */
export function checkTemplate(template: string, known: readonly string[] = URL_TOKENS): string[] {
  return [...template.matchAll(TOKEN)].map((m) => m[1]!).filter((name) => !known.includes(name));
}

export function expandUrl(template: string, q: MetricQuery): string {
  const values: Record<(typeof URL_TOKENS)[number], string> = {
    query: q.query,
    cohort: q.cohort,
    metric: q.metric,
    from: String(Math.floor(q.from / 1000)),
    to: String(Math.ceil(q.to / 1000)),
    fromMs: String(q.from),
    toMs: String(q.to),
  };
  return template.replace(TOKEN, (whole, name: string) => {
    const v = values[name as keyof typeof values];
    return v === undefined ? whole : encodeURIComponent(v);
  });
}
