/**
 * Sufficient statistics for the mSPRT (statistics.md §3.1): the estimate θ̂ and its unpooled
 * variance v for a difference of proportions, a difference of means, and a one-sample rate
 * against a limit. Inputs must already be valid (see validate.ts); the variance is always > 0
 * for proportions thanks to the Laplace fallback, so zero-error cohorts can still pass.
 */
import { RolloutError } from '../errors.js';
import type { Counts, Moments } from './types.js';
import type { Evidence } from './msprt.js';

/** A cohort's rate and its variance term p(1−p)/n; `laplace` when x = 0 or x = n used p̃ = (x+1)/(n+2). */
export interface RateTerm {
  rate: number;
  variance: number;
  laplace: boolean;
}

/**
 * p̂ = x/n and p̂(1−p̂)/n, with p̃ = (x+1)/(n+2) in the variance only when x = 0 or x = n.
 * Throws an internal error for counts that `checkCounts` would reject.
 */
export function rateTerm(c: Counts): RateTerm {
  const { events: x, total: n } = c;
  if (!(Number.isInteger(x) && Number.isInteger(n) && x >= 0 && n > 0 && x <= n)) {
    throw new RolloutError('internal', `rateTerm needs whole counts 0 ≤ x ≤ n, n > 0 (got ${x} of ${n})`);
  }
  const rate = x / n;
  const laplace = x === 0 || x === n;
  const p = laplace ? (x + 1) / (n + 2) : rate;
  return { rate, variance: (p * (1 - p)) / n, laplace };
}

/** θ̂ = p̂_T − p̂_C with v = v_T + v_C, plus both rates and whether Laplace was used. */
export interface ProportionDifference extends Evidence {
  canary: RateTerm;
  control: RateTerm;
}

/** The difference of proportions canary − control with unpooled variance (§3.1). */
export function differenceOfProportions(canary: Counts, control: Counts): ProportionDifference {
  const t = rateTerm(canary);
  const c = rateTerm(control);
  return { estimate: t.rate - c.rate, variance: t.variance + c.variance, canary: t, control: c };
}

/** The difference of means canary − control with v = s_T²/n_T + s_C²/n_C (must be > 0). */
export function differenceOfMeans(canary: Moments, control: Moments): Evidence {
  for (const m of [canary, control]) {
    if (!(Number.isFinite(m.mean) && Number.isFinite(m.variance) && m.variance >= 0 && m.total > 0)) {
      throw new RolloutError('internal', 'differenceOfMeans needs finite means, variances ≥ 0 and totals > 0');
    }
  }
  const variance = canary.variance / canary.total + control.variance / control.total;
  if (!(variance > 0)) throw new RolloutError('internal', 'differenceOfMeans: both variances are 0');
  return { estimate: canary.mean - control.mean, variance };
}

/** One sample against a limit p₀: θ̂ = p̂ − p₀, v = p̂(1−p̂)/n (Laplace as above) (T7). */
export function oneSampleProportion(counts: Counts, limit: number): Evidence & { rate: RateTerm } {
  const r = rateTerm(counts);
  return { estimate: r.rate - limit, variance: r.variance, rate: r };
}
