/**
 * The distribution functions the statistics engine uses, all from @stdlib (no hand-written
 * approximations). Each wrapper only fixes the parametrisation the engine needs.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileFn from '@stdlib/stats-base-dists-normal-quantile';

/** Φ(x), the standard normal CDF. */
export function phi(x: number): number {
  return normalCdf(x, 0, 1);
}

/** z_q = Φ⁻¹(q), the standard normal quantile; NaN outside [0, 1]. */
export function normalQuantile(q: number): number {
  return normalQuantileFn(q, 0, 1);
}

/** Two-sided normal p-value 2Φ(−|z|), computed in the lower tail so small values keep their digits. */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * phi(-Math.abs(z)));
}

/**
 * Upper tail P(χ²_df > x). df = 1 and df = 2 use exact forms that keep full relative precision
 * for tiny p (1 − CDF would lose digits below ~1e-8); other df use 1 − CDF.
 */
export function chiSquareUpperTail(x: number, df: number): number {
  if (x <= 0) return 1;
  if (df === 1) return 2 * phi(-Math.sqrt(x));
  if (df === 2) return Math.exp(-x / 2);
  return Math.max(0, 1 - chisquareCdf(x, df));
}

/** ln Γ(x). */
export function lnGamma(x: number): number {
  return gammaln(x);
}
