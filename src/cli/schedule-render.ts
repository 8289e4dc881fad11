/**
 * The planned calendar against the actual and the earliest possible, one compact line per phase
 * (`rollout status`, `rollout show`), and the activities the plan schedules between phases.
 */
import { formatDuration } from '../plan/duration.js';
import type { ScheduleView } from '../gates/schedule-view.js';

const day = (iso: string | undefined) => (iso ? iso.replace(/:00\.000Z$|\.000Z$/, 'Z').replace('T00:00Z', '') : '-');

/** A slot that ends at midnight reads as its last whole day: days 3-4 → "2026-06-17 → 2026-06-18". */
const lastDay = (iso: string) =>
  iso.endsWith('T00:00:00.000Z') ? new Date(Date.parse(iso) - 86_400_000).toISOString().slice(0, 10) : day(iso);

export function renderSchedule(view: ScheduleView): string {
  const lines = ['schedule (planned · actual · earliest):'];
  for (const r of view.phases) {
    const planned = r.planned ? `planned ${day(r.planned.from)} → ${lastDay(r.planned.to)}` : 'not planned';
    const actual = r.actualStart
      ? `entered ${day(r.actualStart)}${r.actualEnd ? `, left ${day(r.actualEnd)}` : ''}`
      : 'not entered';
    const earliest = r.actualStart ? '' : ` · earliest ${day(r.earliestStart)}`;
    const late = r.lateMs !== undefined && r.lateMs > 0 ? ` · late by ${formatDuration(r.lateMs)}` : '';
    lines.push(`  ${r.phase}: ${planned} · ${actual}${earliest}${late}`);
  }
  for (const a of view.activities)
    lines.push(`  (${a.name}): planned ${day(a.planned.from)} → ${lastDay(a.planned.to)}`);
  return lines.join('\n');
}
