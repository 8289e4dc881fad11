/** What a gate is judged on and what it concludes. Plain data, shared by the engine, the CLI and reports. */
import type { ContingencyLevel } from '../plan/schema.js';
import type { Cohort, Incident, Series } from '../providers/types.js';
import type { ComparisonFinding, CountObservations, PhaseStatsMemory } from './comparison-types.js';

export type { ComparisonFinding, CountObservations, PhaseStatsMemory } from './comparison-types.js';

export type Verdict = 'pass' | 'fail' | 'hold';

export interface Criterion {
  /** `checklist`, `minDuration`, `approvals`, `incidents`, `paused`, or the metric's name */
  name: string;
  kind: 'checklist' | 'minDuration' | 'metric' | 'incidents' | 'approvals' | 'paused';
  verdict: Verdict;
  /** one line with the numbers: observed vs SLO, window, points */
  detail: string;
  /** for a failed criterion: how bad */
  level?: ContingencyLevel | undefined;
  /** metric criteria: the numbers behind the verdict */
  metric?: MetricFinding | undefined;
  /** time criteria: when it can pass (ISO) */
  eligibleAt?: string | undefined;
  /** canary-vs-control comparisons (contract §4): estimate, interval, pValue, samples, needed, srm */
  comparison?: ComparisonFinding | undefined;
}

export interface MetricFinding {
  cohort: Cohort;
  unit?: string | undefined;
  slo: string;
  window: { from: string; to: string; label: string };
  points: number;
  /** the value furthest on the wrong side of the SLO (or closest to it when within) */
  worst?: { at: string; value: number } | undefined;
  last?: { at: string; value: number } | undefined;
  mean?: number | undefined;
  breaches: number;
  invalid: number;
  largestGapMs?: number | undefined;
  intervalMs?: number | undefined;
  /** the points the window calls for at `intervalMs` */
  expectedPoints?: number | undefined;
  /** when the judged window is shorter than the sloWindow (the phase is younger): when it will be covered (ISO) */
  coveredAt?: string | undefined;
}

/** One metric's observation: the series, or why there is none. */
export interface MetricObservation {
  cohort: Cohort;
  /** the judged window [from, to] (epoch ms): never before the phase was entered, unless the phase judges the baseline */
  from: number;
  to: number;
  /**
   * the whole sloWindow (ms). When the judged window is shorter (the phase was entered less than a
   * window ago), the metric holds until the phase has covered it. Defaults to the judged window.
   */
  windowMs?: number | undefined;
  series?: Series | undefined;
  error?: string | undefined;
}

export interface Observations {
  metrics: Record<string, MetricObservation>;
  /** counts since the phase was entered, for comparisons (contract §4); undefined when the plan has none */
  counts?: CountObservations | undefined;
  /** undefined when the gate has no incident criterion */
  incidents?: { list?: Incident[] | undefined; error?: string | undefined } | undefined;
}

export interface GateResult {
  verdict: Verdict;
  criteria: Criterion[];
  /** metrics without an SLO: reported, never gating */
  reported: Criterion[];
  /** the worst level among failed criteria */
  level?: ContingencyLevel | undefined;
  /** the earliest time the time-based criteria allow leaving the phase */
  eligibleAt?: string | undefined;
  /** what the comparisons remember for the rest of the phase (sticky FAILs, τ², running minima) */
  statsMemory?: PhaseStatsMemory | undefined;
}
