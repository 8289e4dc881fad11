/**
 * Inputs and outputs of `judgeGate`, the pure §8 gate algorithm. Everything is plain,
 * JSON-serialisable data except `Bucket.le` (`Infinity` = `+Inf`); `memory` is what the caller
 * persists per phase and passes back at the next check of the same phase.
 */
import type { PooledZResult } from './fixed-horizon.js';
import type { SloLimit } from './slo.js';
import type { ChiSquareResult } from './srm.js';
import type { Horizon } from './tau.js';
import type { Better, Bucket, Counts, Interval, Margin } from './types.js';

/** τ² fixed before the phase: given, or from the baseline rate and the planned horizon at the plan's α (§3.4). */
export type TauSource = { tau2: number } | { baselineRate: number; horizon: Horizon };

interface TwoSampleCommon {
  /** unique within the gate: names the sticky state */
  name: string;
  /** harm above which the comparison FAILs; default absolute 0 */
  failThreshold?: Margin | undefined;
  /** harm below which it PASSes; required, > 0 (relative margins use the control's rate) */
  passMargin: Margin;
  tau: TauSource;
}

/** Canary vs control on a rate (conversions/exposures, errors/requests), counts since phase entry. */
export interface RatioComparisonInput extends TwoSampleCommon {
  kind: 'ratio';
  better: Better;
  canary: Counts | undefined;
  control: Counts | undefined;
}

/** Canary vs control on the share of observations slower than `threshold` (lower is better). */
export interface ExceedanceComparisonInput extends TwoSampleCommon {
  kind: 'exceedance';
  /** the latency threshold L, in the histogram's unit */
  threshold: number;
  /** window increases per bucket since phase entry */
  canary: readonly Bucket[] | undefined;
  control: readonly Bucket[] | undefined;
}

/** A canary histogram judged at a latency threshold (its slow share is the rate). */
export interface HistogramAtThreshold {
  buckets: readonly Bucket[] | undefined;
  threshold: number;
}

/** The canary's rate against an absolute limit (one-sample, T7). */
export interface SloComparisonInput {
  kind: 'slo';
  name: string;
  limit: SloLimit;
  canary: Counts | HistogramAtThreshold | undefined;
  /** τ² given, or from the limit and the planned canary units at the horizon */
  tau: { tau2: number } | { horizon: number };
}

export type ComparisonInput = RatioComparisonInput | ExceedanceComparisonInput | SloComparisonInput;

/** Plan-level `analysis` settings. */
export interface AnalysisSettings {
  alpha: number;
  srmAlpha: number;
  /** minimum units per cohort before anything but INCONCLUSIVE */
  minSamples: number;
  /** power of the "needed" estimate */
  power: number;
}

export const DEFAULT_ANALYSIS: AnalysisSettings = { alpha: 0.05, srmAlpha: 0.001, minSamples: 100, power: 0.8 };

/** What one comparison remembers between checks of the same phase. */
export interface ComparisonMemory {
  /** sticky: once true, the comparison FAILs for the rest of the phase */
  failed: boolean;
  /** running minimum of the always-valid p-value */
  minPValue: number | null;
  /** the reason given when it first failed */
  failedBecause?: string | undefined;
}

export interface GateMemory {
  comparisons: Record<string, ComparisonMemory>;
  srm: { minPValue: number | null };
}

export interface GateInput {
  comparisons: readonly ComparisonInput[];
  analysis?: Partial<AnalysisSettings> | undefined;
  /** units assigned to each cohort since phase entry; undefined = no exposure query (SRM not checked) */
  exposure?: { canary: number; control: number } | undefined;
  /** the canary's planned traffic share f in (0, 1) */
  canaryShare: number;
  /** hours since the phase was entered (for rates and time to go) */
  elapsedHours: number;
  /** from the previous check of this phase; undefined at the first */
  memory?: GateMemory | undefined;
}

export type ComparisonStatus = 'pass' | 'fail' | 'inconclusive' | 'no-data' | 'invalid';

/** An interval with the α it was computed at. */
export interface LeveledInterval {
  alpha: number;
  interval: Interval;
}

/** "Need about N more samples (≈ E events), about T hours at the current rate." */
export interface Needed {
  /** more canary units; null when it cannot be estimated */
  canary: number | null;
  /** more control units (at the current ratio); null for one-sample checks */
  control: number | null;
  events: number | null;
  hours: number | null;
  text: string;
}

export interface ComparisonResult {
  name: string;
  kind: ComparisonInput['kind'];
  status: ComparisonStatus;
  /** two-sample: θ̂ = canary − control; slo: the canary's rate */
  estimate: number | null;
  /** θ̂ / control rate (two-sample); null when the control rate is 0 or for slo */
  relativeEstimate: number | null;
  rates: { canary: number | null; control: number | null };
  /** the always-valid interval for `estimate` at the plan's α (= α_pass) */
  interval: Interval | null;
  /** the intervals used for FAIL (α/m) and PASS (α) */
  intervals: { fail: LeveledInterval; pass: LeveledInterval } | null;
  /** always-valid p for "no difference" (slo: "rate = limit") and its running minimum */
  pValue: number | null;
  minPValue: number | null;
  samples: { canary: number | null; control: number | null };
  tau2: number | null;
  /** thresholds on the harm (slo: the limit), as absolute numbers */
  thresholds: { fail: number | null; pass: number | null };
  /** fixed-horizon z, labelled not valid under repeated looks (two-sample only) */
  fixedHorizon: PooledZResult | null;
  needed: Needed | null;
  /** the approximations made, in words (relative margins, threshold not a bucket boundary) */
  approximations: string[];
  /** plain words with the numbers behind the status */
  reasons: string[];
}

export type SrmStatus = 'ok' | 'mismatch' | 'no-data' | 'invalid' | 'not-checked';

export interface SrmResult {
  status: SrmStatus;
  observed: { canary: number; control: number } | null;
  expectedShare: number;
  logBayesFactor: number | null;
  /** anytime-valid p = min(1, 1/BF) and its running minimum (the alarm uses the minimum) */
  pValue: number | null;
  minPValue: number | null;
  chiSquare: ChiSquareResult | null;
  reasons: string[];
}

export type HoldReason = 'srm' | 'inconclusive' | 'no-data' | 'invalid' | 'no-comparisons';

export interface GateStatsResult {
  /** any FAIL → fail; else SRM → hold; all PASS → pass; else hold */
  verdict: 'pass' | 'fail' | 'hold';
  holdReasons: HoldReason[];
  alpha: { fail: number; pass: number; comparisons: number };
  comparisons: ComparisonResult[];
  srm: SrmResult;
  /** persist per phase; pass back as `memory` at the next check of the same phase */
  memory: GateMemory;
  reasons: string[];
}
