/**
 * Count queries for canary-vs-control comparisons (contract §4): the query's increase over the
 * phase, `sum(increase(QUERY[Ns]))` (QUERY a counter selector) evaluated at the end of the window, so counter resets are
 * handled by Prometheus itself. No series answers `undefined` (no data, never a zero); NaN, Inf or
 * a malformed answer is `NaN`, which the engine judges invalid.
 */
import type { HttpClient } from '../../http.js';
import type { BucketCount } from '../../types.js';
import { prometheusError } from './answer.js';

/** The PromQL for the increase of `query` over the window [from, to] (ms). */
export function increaseQuery(query: string, from: number, to: number): string {
  const seconds = Math.max(1, Math.ceil((to - from) / 1000));
  return `sum(increase(${query}[${seconds}s]))`;
}

/** Reads an instant-vector answer holding at most one sample (a `sum`). */
export function countFromAnswer(body: unknown): number | undefined {
  const data = (body as { status?: unknown; data?: { resultType?: unknown; result?: unknown } } | null)?.data;
  if (
    (body as { status?: unknown })?.status !== 'success' ||
    data?.resultType !== 'vector' ||
    !Array.isArray(data.result)
  )
    return Number.NaN;
  if (data.result.length === 0) return undefined;
  if (data.result.length > 1) return Number.NaN;
  const value = (data.result[0] as { value?: unknown }).value;
  if (!Array.isArray(value) || typeof value[1] !== 'string') return Number.NaN;
  const n = Number(value[1]);
  return Number.isFinite(n) && n >= 0 ? n : Number.NaN;
}

export async function prometheusCount(
  http: HttpClient,
  q: { query: string; from: number; to: number },
  fail: (message: string) => Error,
): Promise<number | undefined> {
  const res = await http.request({
    method: 'GET',
    url: '/api/v1/query',
    params: { query: increaseQuery(q.query, q.from, q.to), time: q.to / 1000 },
    acceptStatuses: [400, 422],
  });
  const reported = prometheusError(res.data);
  if (reported) throw fail(`${reported.errorType}: ${reported.error}`);
  if (res.status !== 200) throw fail(`unexpected HTTP ${res.status}`);
  return countFromAnswer(res.data);
}

/** The PromQL for a histogram's bucket increases over the window, by `le`. */
export function bucketsQuery(query: string, from: number, to: number): string {
  const seconds = Math.max(1, Math.ceil((to - from) / 1000));
  return `sum by (le) (increase(${query}[${seconds}s]))`;
}

/**
 * Reads an instant vector of `{ le }` samples. Empty = no data; a malformed answer, a sample without
 * `le`, or a value that is not a finite number ≥ 0 makes that bucket NaN (the histogram is invalid).
 */
export function bucketsFromAnswer(body: unknown): BucketCount[] | undefined {
  const data = (body as { status?: unknown; data?: { resultType?: unknown; result?: unknown } } | null)?.data;
  if (
    (body as { status?: unknown })?.status !== 'success' ||
    data?.resultType !== 'vector' ||
    !Array.isArray(data.result)
  )
    return [{ le: '+Inf', count: Number.NaN }];
  if (data.result.length === 0) return undefined;
  return data.result.map((r: unknown) => {
    const le = (r as { metric?: { le?: unknown } })?.metric?.le;
    const value = (r as { value?: unknown })?.value;
    const n = Array.isArray(value) && typeof value[1] === 'string' ? Number(value[1]) : Number.NaN;
    return {
      le: typeof le === 'string' ? le : 'missing le',
      count: Number.isFinite(n) && n >= 0 ? n : Number.NaN,
    };
  });
}

export async function prometheusBuckets(
  http: HttpClient,
  q: { query: string; from: number; to: number },
  fail: (message: string) => Error,
): Promise<BucketCount[] | undefined> {
  const res = await http.request({
    method: 'GET',
    url: '/api/v1/query',
    params: { query: bucketsQuery(q.query, q.from, q.to), time: q.to / 1000 },
    acceptStatuses: [400, 422],
  });
  const reported = prometheusError(res.data);
  if (reported) throw fail(`${reported.errorType}: ${reported.error}`);
  if (res.status !== 200) throw fail(`unexpected HTTP ${res.status}`);
  return bucketsFromAnswer(res.data);
}
