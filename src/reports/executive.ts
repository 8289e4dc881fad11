/**
 * The executive summary at the top of every report: where the rollout is, what was decided, what is at
 * risk, what happens next and when, and the schedule (the plan's earliest dates against the actual ones).
 * The plan gives no calendar, so "planned" is the earliest each phase could start: the rollout's start
 * plus the soak (minDuration, or the gate window for a phase with traffic) of every phase before it. Pure.
 */
import { phaseHoldMs } from '../gates/criteria.js';
import { lateBy, type PlannedSlot, resolveSlot } from '../gates/schedule-view.js';
import { formatDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import { formatDate, type Language, messages } from './i18n.js';
import type { PhaseReport } from './model.js';
import { phaseServed, servedWords } from './served.js';

export interface ScheduleRow {
  phase: string;
  traffic: number;
  /** the phase's audience: its traffic is a share of it */
  audience?: string | undefined;
  plannedStart?: string | undefined;
  actualStart?: string | undefined;
  actualEnd?: string | undefined;
  /** actual start minus planned start (ms); positive = late */
  lateMs?: number | undefined;
  /** the plan's `schedule:` for this phase (the calendar the team planned), when it has one */
  calendar?: PlannedSlot | undefined;
  /** how late against that calendar (ms): entered after its planned end, or not entered past its planned start */
  calendarLateMs?: number | undefined;
}

export interface ExecutiveSummary {
  where: string;
  decided: string;
  risks: string[];
  next: string;
  schedule: ScheduleRow[];
}

/** The earliest time each phase could start, from the rollout's start and the soaks before it. */
export function plannedSchedule(plan: Plan, state: RolloutState): ScheduleRow[] {
  // Preparation (phases with no traffic) has no planned length: the baseline starts at the first traffic.
  const anchorIndex = plan.phases.findIndex((p) => p.traffic > 0);
  const anchor = anchorIndex >= 0 ? state.phases[plan.phases[anchorIndex]!.name]?.enteredAt : undefined;
  let at = Date.parse(anchor ?? state.phases[plan.phases[0]!.name]?.enteredAt ?? state.startedAt);
  return plan.phases.map((p, i) => {
    const rec = state.phases[p.name];
    if (i < anchorIndex && anchor)
      return {
        phase: p.name,
        traffic: p.traffic,
        audience: p.audience,
        plannedStart: rec?.enteredAt,
        actualStart: rec?.enteredAt,
        actualEnd: rec?.leftAt,
        lateMs: 0,
      };
    if (i < anchorIndex) at = Math.max(at, Date.parse(rec?.leftAt ?? rec?.enteredAt ?? '') || at);
    const plannedStart = Number.isFinite(at) ? new Date(at).toISOString() : undefined;
    at += phaseHoldMs(plan, p);
    const lateMs = rec && plannedStart ? Date.parse(rec.enteredAt) - Date.parse(plannedStart) : undefined;
    return {
      phase: p.name,
      traffic: p.traffic,
      audience: p.audience,
      plannedStart,
      actualStart: rec?.enteredAt,
      actualEnd: rec?.leftAt,
      lateMs,
    };
  });
}

/** The row against the plan's calendar, as of `at` (a left phase's report: when it was left). */
function withCalendar(plan: Plan, state: RolloutState, row: ScheduleRow, at: number): ScheduleRow {
  const slot = plan.schedule?.phases[row.phase];
  const calendar = slot ? resolveSlot(slot, plan.schedule?.start) : undefined;
  if (!calendar) return row;
  const over = state.status === 'completed' || state.status === 'rolled-back' || state.status === 'rolling-back';
  return {
    ...row,
    calendar,
    calendarLateMs: lateBy({ planned: calendar, actualStart: row.actualStart, now: at, over }),
  };
}

/** One sentence a reader can stop at: where the phase stands and why. */
export function phaseSentence(r: PhaseReport, lang: Language): string {
  const m = messages(lang).summary;
  const where = servedWords(messages(lang), r.phase.traffic, r.phase.audience, r.phase.allUsers);
  const d = r.decision;
  const failed = r.gate?.criteria.filter((c) => c.verdict === 'fail').map((c) => c.name) ?? [];
  const held = r.gate?.criteria.filter((c) => c.verdict === 'hold').map((c) => c.name) ?? [];
  const time = r.phase.timeInPhase ?? '-';
  if (r.phase.status === 'not-reached') return m.notReached(r.phase.name, where);
  if (!d) return m.notEvaluated(r.phase.name, where, formatDate(lang, r.phase.enteredAt));
  switch (d.decision) {
    case 'advanced':
      return m.advanced(time, where, d.to ?? '-');
    case 'completed':
      return m.completed(time, where);
    case 'held':
      return m.held(where, time, held.join(', '));
    case 'reduced':
      return m.reduced(failed.join(', '), d.to ?? '-');
    case 'rolled-back':
      return m.rolledBack(failed.join(', '));
    default:
      return m.failed(failed.join(', '));
  }
}

export function buildExecutive(args: { plan: Plan; state: RolloutState; report: PhaseReport }): ExecutiveSummary {
  const { plan, state, report: r } = args;
  const lang = r.language;
  const m = messages(lang);
  // A phase's report tells that phase's story: once the phase is left, it is told as of leaving it, so
  // rewriting it later (rollout report) changes nothing but its generation time.
  const cutoff = r.phase.status === 'left' ? r.phase.leftAt : undefined;
  const schedule = plannedSchedule(plan, state)
    .map((s) =>
      cutoff
        ? {
            ...s,
            actualStart: s.actualStart && s.actualStart <= cutoff ? s.actualStart : undefined,
            actualEnd: s.actualEnd && s.actualEnd <= cutoff ? s.actualEnd : undefined,
            lateMs: s.actualStart && s.actualStart <= cutoff ? s.lateMs : undefined,
          }
        : s,
    )
    .map((s) => withCalendar(plan, state, s, Date.parse(cutoff ?? r.generatedAt)));
  const decided = phaseSentence(r, lang);
  const criteria = r.gate?.criteria ?? [];
  // At risk: what fails, and what holds for want of data (a window still filling, a soak, an approval are not risks).
  const first = (d: string) => d.split(';')[0]!.trim();
  const risks = [
    ...criteria.filter((c) => c.verdict === 'fail').map((c) => m.exec.riskFail(c.name, first(c.detail))),
    ...criteria
      .filter(
        (c) =>
          c.verdict === 'hold' &&
          (c.kind === 'incidents' || (c.kind === 'metric' && !c.metric?.coveredAt && !c.eligibleAt)),
      )
      .map((c) => m.exec.riskHold(c.name, first(c.detail))),
  ];
  if (cutoff) {
    const to = r.decision?.to ? plan.phases.find((p) => p.name === r.decision?.to) : undefined;
    const where = m.exec.whereLeft(r.plan.title, r.phase.name, r.phase.index + 1, r.phase.of, formatDate(lang, cutoff));
    const next =
      r.decision?.decision === 'completed' || !to
        ? state.status === 'completed' && r.phase.index === plan.phases.length - 1
          ? m.exec.nextDone
          : m.exec.nextRun
        : m.exec.nextEntered(to.name, phaseServed(plan, to.name, to.traffic, m), formatDate(lang, cutoff));
    return { where, decided, risks, next, schedule };
  }
  const cur = plan.phases[state.phaseIndex] ?? plan.phases[0]!;
  const status = m.statusWord[state.status] ?? state.status;
  const where = m.exec.where(
    plan.title ?? plan.name,
    cur.name,
    state.phaseIndex + 1,
    plan.phases.length,
    phaseServed(plan, cur.name, state.traffic, m),
    status,
  );
  const row = schedule.find((s) => s.phase === cur.name);
  if (row?.calendarLateMs !== undefined && row.calendarLateMs > 0)
    risks.push(`${cur.name}: ${m.exec.lateCalendar(formatDuration(row.calendarLateMs))}`);
  else if (row?.lateMs !== undefined && row.lateMs > 3_600_000)
    risks.push(`${cur.name}: ${m.exec.late(formatDuration(row.lateMs))}`);
  // the next phase not yet entered past its planned start is late too
  const following = schedule[state.phaseIndex + 1];
  if (following?.calendarLateMs && !following.actualStart)
    risks.push(`${following.phase}: ${m.exec.lateCalendar(formatDuration(following.calendarLateMs))}`);
  return { where, decided, risks, next: nextStep(plan, state, r, schedule), schedule };
}

function nextStep(plan: Plan, state: RolloutState, r: PhaseReport, schedule: ScheduleRow[]): string {
  const m = messages(r.language);
  if (state.status === 'completed') return m.exec.nextDone;
  if (state.status === 'rolled-back' || state.status === 'rolling-back') return m.exec.nextRolledBack;
  const cur = r.phase.status === 'current' ? r.gate?.criteria : undefined;
  const c = r.decision?.contingency as { action?: string; applied?: boolean } | undefined;
  if (r.phase.status === 'current' && r.gate?.verdict === 'fail' && c?.action && !c.applied)
    return m.exec.nextFailed(c.action);
  const blocking = cur?.filter((c) => c.verdict !== 'pass' && c.kind !== 'minDuration' && c.kind !== 'metric');
  if (blocking?.length) return m.exec.nextFix(blocking.map((c) => c.name).join(', '));
  const eligible = cur
    ?.map((c) => c.eligibleAt ?? c.metric?.coveredAt)
    .filter((x): x is string => typeof x === 'string')
    .sort()
    .pop();
  const following = plan.phases[state.phaseIndex + 1];
  const planned = following ? schedule.find((s) => s.phase === following.name)?.plannedStart : undefined;
  const parts = [eligible ? m.exec.nextEligible(formatDate(r.language, eligible)) : m.exec.nextRun];
  if (following && planned) parts.push(m.exec.nextPhase(following.name, formatDate(r.language, planned)));
  return parts.join(' ');
}
