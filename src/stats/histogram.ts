/**
 * Latency histograms (statistics.md §4): window increases of cumulative bucket counters with
 * counter resets handled, bucket validation, and the exceedance count "slower than L" that the
 * gate judges. Gating never interpolates; `histogramQuantile` is for display only.
 */
import { checkCount } from './validate.js';
import { parseLe, type Bucket, type DataIssue } from './types.js';

/**
 * The increase of one cumulative counter over raw samples in time order (the first at or before
 * the phase start): Σ of the steps, where a drop is a counter reset and counts the new value.
 * Needs ≥ 2 samples, each a finite number ≥ 0; a reset between two samples that climbed back
 * above the earlier value cannot be seen (as in Prometheus).
 */
export function windowIncrease(samples: readonly unknown[], what = 'the counter'): number | DataIssue {
  if (samples.length < 2)
    return { status: 'no-data', reason: `${what} has ${samples.length} sample(s); an increase needs 2` };
  let increase = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (typeof v !== 'number' || Number.isNaN(v))
      return { status: 'no-data', reason: `${what} has a missing or NaN sample` };
    if (!Number.isFinite(v) || v < 0) return { status: 'invalid', reason: `${what} has an impossible sample (${v})` };
    if (i === 0) continue;
    const prev = samples[i - 1] as number;
    increase += v >= prev ? v - prev : v;
  }
  return increase;
}

/** One `le` series of a histogram: its label and its raw cumulative samples in time order. */
export interface BucketSeries {
  le: number | string;
  samples: readonly unknown[];
}

/** Window increases per bucket (then validated as by `validateBuckets`). */
export function bucketIncreases(series: readonly BucketSeries[]): Bucket[] | DataIssue {
  const buckets: Bucket[] = [];
  for (const s of series) {
    const le = typeof s.le === 'string' ? parseLe(s.le) : s.le;
    if (le === undefined || Number.isNaN(le))
      return { status: 'invalid', reason: `bucket le="${String(s.le)}" is not a number` };
    const inc = windowIncrease(s.samples, `bucket le=${String(s.le)}`);
    if (typeof inc !== 'number') return inc;
    buckets.push({ le, count: inc });
  }
  return validateBuckets(buckets);
}

/**
 * Checks window-increase buckets and returns them sorted by `le`: whole counts ≥ 0, no duplicate
 * `le`, `+Inf` present, counts non-decreasing in `le` (else `invalid`, never a pass), and at
 * least one observation (else `no-data`).
 */
export function validateBuckets(buckets: unknown): Bucket[] | DataIssue {
  if (!Array.isArray(buckets) || buckets.length === 0) return { status: 'no-data', reason: 'no histogram buckets' };
  const sorted: Bucket[] = [];
  for (const b of buckets as unknown[]) {
    const le = (b as Partial<Bucket> | null)?.le;
    if (typeof le !== 'number' || Number.isNaN(le)) return { status: 'invalid', reason: 'a bucket has no numeric le' };
    const issue = checkCount((b as Partial<Bucket>).count, `bucket le=${le}`);
    if (issue) return issue;
    sorted.push({ le, count: (b as Bucket).count });
  }
  sorted.sort((a, b) => a.le - b.le);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as Bucket;
    const cur = sorted[i] as Bucket;
    if (cur.le === prev.le) return { status: 'invalid', reason: `bucket le=${cur.le} appears twice` };
    if (cur.count < prev.count) {
      return {
        status: 'invalid',
        reason: `bucket counts decrease from le=${prev.le} (${prev.count}) to le=${cur.le} (${cur.count})`,
      };
    }
  }
  const last = sorted[sorted.length - 1] as Bucket;
  if (last.le !== Number.POSITIVE_INFINITY) return { status: 'invalid', reason: 'the histogram has no +Inf bucket' };
  if (last.count === 0) return { status: 'no-data', reason: 'the histogram has no observations in the window' };
  return sorted;
}

/** Requests slower than the threshold, out of all, as counted at `boundary` (≤ threshold). */
export interface Exceedance {
  slow: number;
  total: number;
  /** the bucket boundary used: the threshold itself, or the largest boundary below it */
  boundary: number;
  /** true when the threshold is not a boundary (conservative for PASS, may over-FAIL) */
  approximate: boolean;
}

/**
 * slow(L) = c(+Inf) − c(le = L) on validated buckets. When L is not a boundary the largest
 * boundary ≤ L is used and the result is flagged `approximate`; a threshold below every finite
 * boundary is `invalid` (nothing to count at).
 */
export function exceedance(buckets: readonly Bucket[], threshold: number): Exceedance | DataIssue {
  if (!(Number.isFinite(threshold) && threshold > 0))
    return { status: 'invalid', reason: `latency threshold ${threshold} is not a number > 0` };
  const total = buckets[buckets.length - 1]?.count ?? 0;
  let at: Bucket | undefined;
  for (const b of buckets) if (Number.isFinite(b.le) && b.le <= threshold) at = b;
  if (!at) return { status: 'invalid', reason: `no bucket boundary at or below ${threshold}` };
  return { slow: total - at.count, total, boundary: at.le, approximate: at.le !== threshold };
}

/**
 * DISPLAY ONLY (e.g. "p95 ≈ 404 ms"): the gate never uses interpolated quantiles.
 *
 * lo + (hi − lo)·(rank − c_lo)/(c_hi − c_lo), rank = q·c(+Inf), on buckets validated by
 * `validateBuckets`. The first bucket starts at 0 (when its bound is > 0); a rank in the `+Inf`
 * bucket returns the largest finite bound, as Prometheus does. undefined for q outside [0, 1]
 * or an empty histogram.
 */
export function histogramQuantile(buckets: readonly Bucket[], q: number): number | undefined {
  if (!(q >= 0 && q <= 1) || buckets.length === 0) return undefined;
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    if (b.count < rank) continue;
    if (b.le === Number.POSITIVE_INFINITY) {
      const prev = buckets[i - 1];
      return prev ? prev.le : undefined;
    }
    const prev = buckets[i - 1];
    const lo = prev ? prev.le : Math.min(0, b.le);
    const cLo = prev ? prev.count : 0;
    if (b.count === cLo) return b.le;
    return lo + ((b.le - lo) * (rank - cLo)) / (b.count - cLo);
  }
  return undefined;
}
