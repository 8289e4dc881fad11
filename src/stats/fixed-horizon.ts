/**
 * Fixed-horizon pooled two-proportion z-test (statistics.md §3.5). For reporting, or for one
 * planned final look only: its p-value is NOT valid when the data are looked at repeatedly, and
 * the result says so in its type.
 */
import { phi, twoSidedNormalP } from './distributions.js';
import type { Counts } from './types.js';

/** Marks a result whose error rates hold only for one planned look. */
export interface FixedHorizonLabel {
  validUnderRepeatedLooks: false;
  note: string;
}

export const FIXED_HORIZON_NOTE = 'fixed-horizon test: not valid under repeated looks';

/** z and its p-values; all null when the pooled rate is 0 or 1 (no p-value: inconclusive). */
export interface PooledZResult extends FixedHorizonLabel {
  z: number | null;
  /** two-sided 2Φ(−|z|) */
  pValue: number | null;
  /** one-sided for canary > control: 1 − Φ(z) */
  pHigher: number | null;
  /** one-sided for canary < control: Φ(z) */
  pLower: number | null;
  pooledRate: number;
}

/**
 * z = (p̂_T − p̂_C)/√(p̄(1−p̄)(1/n_T + 1/n_C)), p̄ = (x_T + x_C)/(n_T + n_C). Counts must be
 * valid (see `checkCounts`). With p̄ ∈ {0, 1} no p-value is returned.
 */
export function pooledZTest(canary: Counts, control: Counts): PooledZResult {
  const pooled = (canary.events + control.events) / (canary.total + control.total);
  const label: FixedHorizonLabel = { validUnderRepeatedLooks: false, note: FIXED_HORIZON_NOTE };
  if (!(pooled > 0 && pooled < 1)) {
    return { ...label, z: null, pValue: null, pHigher: null, pLower: null, pooledRate: pooled };
  }
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / canary.total + 1 / control.total));
  const z = (canary.events / canary.total - control.events / control.total) / se;
  return { ...label, z, pValue: twoSidedNormalP(z), pHigher: phi(-z), pLower: phi(z), pooledRate: pooled };
}
