/** The rollout's timeline: when each phase was or can be entered, and the earliest completion. */
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import { parseDuration } from '../../plan/duration.js';

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
  /** for the current phase: when its soak time ends */
  eligibleAt?: string | undefined;
}

/** `earliestCompletion` is null for a rolled-back rollout: it will not complete. */
export function timeline(plan: Plan, state: RolloutState | undefined, now: number): { rows: TimelineRow[]; earliestCompletion: string | null } {
  const rows: TimelineRow[] = [];
  const current = state?.phaseIndex ?? 0;
  // a rollout rolling back will not complete either, unless a person resumes it
  const stopped = state?.status === 'rolled-back' || state?.status === 'rolling-back';
  const finished = state?.status === 'completed' || stopped;
  let cursor = now;
  plan.phases.forEach((p, i) => {
    const rec = state?.phases[p.name];
    const min = p.minDuration ? parseDuration(p.minDuration)! : 0;
    if (i < current || (finished && i === current)) {
      rows.push({ phase: p.name, traffic: p.traffic, audience: p.audience, minDuration: p.minDuration, status: 'done', enteredAt: rec?.enteredAt, leftAt: rec?.leftAt });
      return;
    }
    if (stopped) {
      rows.push({ phase: p.name, traffic: p.traffic, audience: p.audience, minDuration: p.minDuration, status: 'cancelled' });
      return;
    }
    if (i === current) {
      const entered = rec && state?.status !== 'not-started' ? Date.parse(rec.enteredAt) : now;
      const eligible = Math.max(now, entered + min);
      rows.push({ phase: p.name, traffic: p.traffic, audience: p.audience, minDuration: p.minDuration, status: 'current', enteredAt: state?.status === 'not-started' ? undefined : rec?.enteredAt, eligibleAt: new Date(entered + min).toISOString() });
      cursor = eligible;
      return;
    }
    rows.push({ phase: p.name, traffic: p.traffic, audience: p.audience, minDuration: p.minDuration, status: i === current + 1 ? 'next' : 'later', earliestEntry: new Date(cursor).toISOString() });
    cursor += min;
  });
  if (stopped) return { rows, earliestCompletion: null };
  return { rows, earliestCompletion: new Date(finished ? Date.parse(state?.completedAt ?? new Date(now).toISOString()) : cursor).toISOString() };
}
