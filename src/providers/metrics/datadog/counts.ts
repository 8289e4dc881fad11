/**
 * Datadog count queries for comparisons (contract §4): the query as a count (`.as_count()`, so
 * each rollup is the number of events in it, not a rate), its points summed over the phase. No
 * points = no data (undefined, never a zero); an invalid or negative point makes the total NaN.
 */
import type { MetricQuery, Series } from '../../types.js';

/** Appends `.as_count()` unless the query already says how it is rolled up. */
export function asCount(query: string): string {
  const q = query.trim();
  return /\.as_(count|rate)\(\)\s*$/.test(q) ? q : `${q}.as_count()`;
}

export function totalOf(series: Series): number | undefined {
  if (series.invalid > 0) return Number.NaN;
  if (series.points.length === 0) return undefined;
  let sum = 0;
  for (const p of series.points) {
    if (!(p.v >= 0)) return Number.NaN;
    sum += p.v;
  }
  return sum;
}

export async function datadogCount(
  query: (q: MetricQuery) => Promise<Series>,
  q: { query: string; cohort: 'canary' | 'control'; from: number; to: number },
): Promise<number | undefined> {
  return totalOf(await query({ metric: 'count', query: asCount(q.query), cohort: q.cohort, from: q.from, to: q.to }));
}
