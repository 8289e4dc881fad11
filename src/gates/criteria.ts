/** The effective criteria of a phase: the plan's `advance`, overridden by the phase's own. */
import { parseDuration } from '../plan/duration.js';
import type { AdvanceCriteria, Phase, Plan } from '../plan/schema.js';
import type { Cohort } from '../providers/types.js';

export const DEFAULT_SLO_WINDOW = '1h';

export interface PhaseCriteria {
  sloWindow: string;
  sloWindowMs: number;
  noOpenIncidents: AdvanceCriteria['noOpenIncidents'];
  /** approver names; `identities` maps the names the plan binds to identities (src/gates/identity.ts) */
  approvals: { required: number; approvers: string[]; identities: Record<string, string[]> };
  minDurationMs: number;
  /** the full phase's validation soak (`validate:`): the phase is held, and its SLOs judged, this long */
  validateMs: number;
  /** the cohort judged: the canary, or the baseline in a phase with no traffic */
  cohort: Cohort;
}

export function phaseCriteria(plan: Plan, phase: Phase): PhaseCriteria {
  const a = { ...plan.advance, ...(phase.advance ?? {}) };
  const validateMs = phase.validate ? (parseDuration(phase.validate) ?? 0) : 0;
  // the validation soak judges the SLOs over all of it, not only over the last sloWindow
  const base = a.sloWindow ?? DEFAULT_SLO_WINDOW;
  const sloWindow = phase.validate && validateMs > parseDuration(base)! ? phase.validate : base;
  return {
    sloWindow,
    sloWindowMs: parseDuration(sloWindow)!,
    validateMs,
    noOpenIncidents: a.noOpenIncidents,
    approvals: approverList(a.approvals),
    minDurationMs: phase.minDuration ? parseDuration(phase.minDuration)! : 0,
    cohort: phase.traffic === 0 ? 'control' : 'canary',
  };
}

function approverList(a: AdvanceCriteria['approvals']): PhaseCriteria['approvals'] {
  const approvers: string[] = [];
  const identities: Record<string, string[]> = {};
  for (const x of a?.approvers ?? []) {
    const name = typeof x === 'string' ? x : x.name;
    if (!approvers.includes(name)) approvers.push(name);
    if (typeof x !== 'string') identities[name] = [...(identities[name] ?? []), ...x.identities];
  }
  return { required: a?.required ?? 0, approvers, identities };
}

export function gatingMetrics(plan: Plan) {
  return plan.metrics.filter((m) => m.slo !== undefined || m.compare !== undefined);
}

/**
 * The window a phase's metrics are judged on: the last sloWindow, but never before the phase was
 * entered, so a phase is judged at its own traffic only. A phase with traffic 0 judges the baseline,
 * which existed before the rollout: its window reaches back a whole sloWindow from the start.
 */
export function judgedWindow(args: { plan: Plan; phase: Phase; enteredAt: number | undefined; now: number }): {
  from: number;
  to: number;
  windowMs: number;
} {
  const { plan, phase, now } = args;
  const windowMs = phaseCriteria(plan, phase).sloWindowMs;
  const full = now - windowMs;
  if (phase.traffic === 0) return { from: full, to: now, windowMs };
  const entered = args.enteredAt === undefined || !Number.isFinite(args.enteredAt) ? now : args.enteredAt;
  return { from: Math.min(now, Math.max(full, entered)), to: now, windowMs };
}

/**
 * The least time a phase lasts once entered: its soak time, and, when metrics gate it at some
 * traffic, the whole sloWindow of data at that traffic.
 */
export function phaseHoldMs(plan: Plan, phase: Phase): number {
  const c = phaseCriteria(plan, phase);
  const window = phase.traffic > 0 && gatingMetrics(plan).length > 0 ? c.sloWindowMs : 0;
  return Math.max(c.minDurationMs, window, c.validateMs);
}

/** When the phase's soak started: its entry, or a light contingency's adjustment of the flag since (ms). */
export function soakStartMs(record: { enteredAt: string; served?: { at: string } | undefined }): number {
  const entered = Date.parse(record.enteredAt);
  const served = record.served ? Date.parse(record.served.at) : Number.NaN;
  return Number.isFinite(served) && served > entered ? served : entered;
}
