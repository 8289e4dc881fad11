/** The effective criteria of a phase: the plan's `advance`, overridden by the phase's own. */
import { parseDuration } from '../plan/duration.js';
import type { AdvanceCriteria, Phase, Plan } from '../plan/schema.js';
import type { Cohort } from '../providers/types.js';

export const DEFAULT_SLO_WINDOW = '1h';

export interface PhaseCriteria {
  sloWindow: string;
  sloWindowMs: number;
  noOpenIncidents: AdvanceCriteria['noOpenIncidents'];
  approvals: { required: number; approvers: string[] };
  minDurationMs: number;
  /** the cohort judged: the canary, or the baseline in a phase with no traffic */
  cohort: Cohort;
}

export function phaseCriteria(plan: Plan, phase: Phase): PhaseCriteria {
  const a = { ...plan.advance, ...(phase.advance ?? {}) };
  const sloWindow = a.sloWindow ?? DEFAULT_SLO_WINDOW;
  return {
    sloWindow,
    sloWindowMs: parseDuration(sloWindow)!,
    noOpenIncidents: a.noOpenIncidents,
    approvals: { required: a.approvals?.required ?? 0, approvers: a.approvals?.approvers ?? [] },
    minDurationMs: phase.minDuration ? parseDuration(phase.minDuration)! : 0,
    cohort: phase.traffic === 0 ? 'control' : 'canary',
  };
}

export function gatingMetrics(plan: Plan) {
  return plan.metrics.filter((m) => m.slo !== undefined || m.compare !== undefined);
}
