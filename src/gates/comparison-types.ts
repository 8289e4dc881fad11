/**
 * Plain data of the canary-vs-control comparisons (contract §4) as the gate sees them: the counts
 * observed since the phase was entered, what a criterion reports, and what a phase remembers.
 * Only types here, so nothing of src/stats is loaded by the start-up path.
 */
import type { GateMemory } from '../stats/gate-types.js';

/** One cohort's cumulative count since phase entry; undefined = no data. May be NaN/negative: the engine judges it invalid. */
export type CohortCount = number | undefined;

export interface RatioCounts {
  canary: { events: CohortCount; total: CohortCount };
  control: { events: CohortCount; total: CohortCount };
  /** why a count is missing (provider error, invalid points), in words */
  problems: string[];
  /**
   * histogram metrics: each cohort's bucket increases since phase entry (`le` Infinity = +Inf; undefined =
   * no data); `events`/`total` are then the share slower than the threshold, counted from them.
   */
  buckets?: { canary: HistogramBuckets; control: HistogramBuckets } | undefined;
}

/** Bucket increases as a provider answered them; the engine validates them (monotonic, +Inf present). */
export type HistogramBuckets = { le: number; count: number }[] | undefined;

export interface CountObservations {
  metrics: Record<string, RatioCounts>;
  /** units per cohort since phase entry (plan `analysis.exposure`); undefined when the plan has no exposure query */
  exposure?: { canary: CohortCount; control: CohortCount; problems: string[] } | undefined;
  /** hours since the phase was entered */
  elapsedHours: number;
}

/** What a comparison criterion carries (the contract §4 fields and the rest of the engine's numbers). */
export interface ComparisonFinding {
  status: 'pass' | 'fail' | 'inconclusive' | 'no-data' | 'invalid';
  /** canary − control (slo: the canary's rate) */
  estimate: number | null;
  relativeEstimate: number | null;
  /** the always-valid interval at the gate's level */
  interval: [number, number] | null;
  /** always-valid p-value and its running minimum over the phase */
  pValue: number | null;
  minPValue: number | null;
  samples: { canary: number | null; control: number | null };
  rates: { canary: number | null; control: number | null };
  thresholds: { fail: number | null; pass: number | null };
  needed?: { canary: number | null; control: number | null; events: number | null; hours: number | null; text: string };
  /** fixed-horizon z-test, not valid under repeated looks */
  fixedHorizon?: { z: number | null; pValue: number | null; validUnderRepeatedLooks: false } | undefined;
  srm?: SrmFinding | undefined;
  approximations: string[];
}

export interface SrmFinding {
  status: 'ok' | 'mismatch' | 'no-data' | 'invalid' | 'not-checked';
  observed: { canary: number; control: number } | null;
  expectedShare: number;
  pValue: number | null;
  minPValue: number | null;
  chiSquarePValue: number | null;
}

/** Persisted per phase record: the engine's memory and the τ² fixed at the first look with enough control data. */
export interface PhaseStatsMemory {
  memory: GateMemory;
  tau2: Record<string, number>;
}
