/**
 * Mann–Whitney U (Kayenta-compatible, statistics.md §4), two-sided, normal approximation,
 * tie-corrected, with or without continuity correction. Reporting only for a single planned look:
 * it is not anytime-valid and must never gate repeated runs (the result type says so).
 */
import { twoSidedNormalP } from './distributions.js';
import { FIXED_HORIZON_NOTE, type FixedHorizonLabel } from './fixed-horizon.js';

export interface MannWhitneyResult extends FixedHorizonLabel {
  /** U of the first sample (x = canary): R_x − n_x(n_x+1)/2 */
  u: number;
  /** Σ(t³ − t) over tie groups of the pooled sample */
  tieSum: number;
  /** tie-corrected standard deviation of U */
  sigma: number;
  /** null when σ = 0 (every value tied) */
  z: number | null;
  pValue: number | null;
  continuityCorrection: boolean;
}

/** Mid-ranks of the pooled sample and Σ(t³ − t); values must be finite. */
function midRanks(values: readonly number[]): { ranks: number[]; tieSum: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length).fill(0);
  let tieSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const t = j - i + 1;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]?.[1] ?? 0] = rank;
    tieSum += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieSum };
}

/**
 * U_x, σ = √(n_x·n_y/12·[(N+1) − Σ(t³−t)/(N(N−1))]) and z = (U − μ − ½·sign(U − μ))/σ with
 * continuity correction (default), or (U − μ)/σ without; p = 2Φ(−|z|). Returns undefined when
 * a sample is empty or holds a non-finite value.
 */
export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  options: { continuityCorrection?: boolean } = {},
): MannWhitneyResult | undefined {
  if (x.length === 0 || y.length === 0) return undefined;
  if (![...x, ...y].every((v) => Number.isFinite(v))) return undefined;
  const cc = options.continuityCorrection ?? true;
  const nx = x.length;
  const ny = y.length;
  const n = nx + ny;
  const { ranks, tieSum } = midRanks([...x, ...y]);
  const rx = ranks.slice(0, nx).reduce((s, r) => s + r, 0);
  const u = rx - (nx * (nx + 1)) / 2;
  const mu = (nx * ny) / 2;
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - tieSum / (n * (n - 1))));
  const label: FixedHorizonLabel = { validUnderRepeatedLooks: false, note: FIXED_HORIZON_NOTE };
  if (!(sigma > 0)) return { ...label, u, tieSum, sigma, z: null, pValue: null, continuityCorrection: cc };
  const z = (u - mu - (cc ? 0.5 * Math.sign(u - mu) : 0)) / sigma;
  return { ...label, u, tieSum, sigma, z, pValue: twoSidedNormalP(z), continuityCorrection: cc };
}
