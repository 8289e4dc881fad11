/**
 * Pure: the plan, the state and the clock (an argument) in; the schedule out.
 *
 * The rollout's timeline: when each phase was or can be entered, and the earliest completion. A phase
 * lasts at least its soak time and, when metrics gate it at some traffic, a whole sloWindow since it
 * was entered (the last phase included: the rollout completes only after 100% has held its SLOs).
 */
import { phaseCriteria, phaseHoldMs, soakStartMs } from './criteria.js';
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';

export interface TimelineRow {
  phase: string;
  traffic: number;
  audience?: string | undefined;
  minDuration?: string | undefined;
  /** `cancelled`: a phase a rolled-back rollout will not reach */
  status: 'done' | 'current' | 'next' | 'later' | 'cancelled';
  enteredAt?: string | undefined;
  leftAt?: string | undefined;
  /** for phases not yet entered: the earliest time they can be entered */
  earliestEntry?: string | undefined;
  /** for the current phase: when its soak time ends and its window is covered, the earliest it can be left */
  eligibleAt?: string | undefined;
  /** the least time the phase lasts: its soak time, or the sloWindow at its traffic when longer (ms) */
  holdMs: number;
  /** the phase's sloWindow, when it is what makes the phase last longer than its soak time */
  holdWindow?: string | undefined;
}

/** `earliestCompletion` is null for a rolled-back rollout: it will not complete. */
export function timeline(
  plan: Plan,
  state: RolloutState | undefined,
  now: number,
): { rows: TimelineRow[]; earliestCompletion: string | null } {
  const rows: TimelineRow[] = [];
  const current = state?.phaseIndex ?? 0;
  // a rollout rolling back will not complete either, unless a person resumes it
  const stopped = state?.status === 'rolled-back' || state?.status === 'rolling-back';
  const finished = state?.status === 'completed' || stopped;
  let cursor = now;
  plan.phases.forEach((p, i) => {
    const rec = state?.phases[p.name];
    const min = phaseHoldMs(plan, p);
    const c = phaseCriteria(plan, p);
    const row = {
      phase: p.name,
      traffic: p.traffic,
      audience: p.audience,
      minDuration: p.minDuration,
      holdMs: min,
      holdWindow: min > c.minDurationMs ? c.sloWindow : undefined,
    };
    if (i < current || (finished && i === current)) {
      rows.push({ ...row, status: 'done', enteredAt: rec?.enteredAt, leftAt: rec?.leftAt });
      return;
    }
    if (stopped) {
      rows.push({ ...row, status: 'cancelled' });
      return;
    }
    if (i === current) {
      const entered = rec && state?.status !== 'not-started' ? soakStartMs(rec) : now;
      const eligible = Math.max(now, entered + min);
      rows.push({
        ...row,
        status: 'current',
        enteredAt: state?.status === 'not-started' ? undefined : rec?.enteredAt,
        eligibleAt: new Date(entered + min).toISOString(),
      });
      cursor = eligible;
      return;
    }
    rows.push({ ...row, status: i === current + 1 ? 'next' : 'later', earliestEntry: new Date(cursor).toISOString() });
    cursor += min;
  });
  if (stopped) return { rows, earliestCompletion: null };
  return {
    rows,
    earliestCompletion: new Date(
      finished ? Date.parse(state?.completedAt ?? new Date(now).toISOString()) : cursor,
    ).toISOString(),
  };
}
