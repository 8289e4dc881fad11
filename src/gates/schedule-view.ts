/**
 * Pure: the plan's `schedule:` (planned), the state (actual) and the timeline (earliest, from soaks and
 * windows) side by side, per phase and activity, with how late a phase is. The clock is an argument.
 *
 * Late: a phase entered after its planned end is late by (entered − planned start); a phase not yet
 * entered while now is past its planned start is late by (now − planned start). A rollout that is
 * completed, rolled back or rolling back is no longer late for the phases it will not enter.
 */
import type { ScheduleSlot } from '../plan/schedule-schema.js';
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import type { TimelineRow } from './timeline.js';

const DAY = 86_400_000;

export interface PlannedSlot {
  from: string;
  to: string;
}

export interface ScheduleViewRow {
  phase: string;
  traffic: number;
  planned?: PlannedSlot | undefined;
  actualStart?: string | undefined;
  actualEnd?: string | undefined;
  /** entered: when it was; not yet entered: the earliest it can be (soaks and windows before it) */
  earliestStart?: string | undefined;
  /** how late the phase is against its planned calendar (ms); absent when on time or unplanned */
  lateMs?: number | undefined;
}

export interface ScheduleView {
  phases: ScheduleViewRow[];
  activities: { name: string; planned: PlannedSlot }[];
}

/** The dates a slot covers: day N runs from start + (N−1) days to start + N days (UTC). */
export function resolveSlot(slot: ScheduleSlot, start: string | undefined): PlannedSlot | undefined {
  if (slot.from && slot.to) {
    // a bare date as `to` means the whole of that day
    const to = Date.parse(slot.to) + (/^\d{4}-\d{2}-\d{2}$/.test(slot.to) ? DAY : 0);
    return { from: new Date(Date.parse(slot.from)).toISOString(), to: new Date(to).toISOString() };
  }
  const m = slot.days ? /^(\d+)(?:\s*-\s*(\d+))?$/.exec(slot.days) : null;
  if (!m || !start) return undefined;
  const day1 = Date.parse(start);
  if (!Number.isFinite(day1)) return undefined;
  const first = Number(m[1]);
  const last = Number(m[2] ?? m[1]);
  return {
    from: new Date(day1 + (first - 1) * DAY).toISOString(),
    to: new Date(day1 + last * DAY).toISOString(),
  };
}

/** How late a phase is against its planned slot (see the module comment), or undefined when it is not. */
export function lateBy(a: { planned: PlannedSlot; actualStart?: string | undefined; now: number; over: boolean }) {
  const from = Date.parse(a.planned.from);
  if (a.actualStart)
    return Date.parse(a.actualStart) > Date.parse(a.planned.to) ? Date.parse(a.actualStart) - from : undefined;
  return !a.over && a.now > from ? a.now - from : undefined;
}

export function scheduleView(plan: Plan, state: RolloutState, rows: TimelineRow[], now: number): ScheduleView {
  const s = plan.schedule;
  const over = state.status === 'completed' || state.status === 'rolled-back' || state.status === 'rolling-back';
  const phases = plan.phases.map((p): ScheduleViewRow => {
    const slot = s?.phases[p.name];
    const planned = slot ? resolveSlot(slot, s?.start) : undefined;
    const rec = state.status === 'not-started' ? undefined : state.phases[p.name];
    const row = rows.find((r) => r.phase === p.name);
    const actualStart = rec?.enteredAt;
    const earliestStart =
      actualStart ?? row?.earliestEntry ?? (row?.status === 'current' ? new Date(now).toISOString() : undefined);
    const lateMs = planned ? lateBy({ planned, actualStart, now, over }) : undefined;
    return { phase: p.name, traffic: p.traffic, planned, actualStart, actualEnd: rec?.leftAt, earliestStart, lateMs };
  });
  const activities = (s?.activities ?? []).flatMap((a) => {
    const planned = resolveSlot(a, s?.start);
    return planned ? [{ name: a.name, planned }] : [];
  });
  return { phases, activities };
}
