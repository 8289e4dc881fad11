/**
 * Interpolated quantiles of a histogram, `histogram_quantile`-style, for DISPLAY ONLY (e.g. "p95
 * ≈ 404 ms"). The gate never uses them: it judges exceedance counts at fixed thresholds.
 */
import type { Bucket } from './types.js';

/**
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
