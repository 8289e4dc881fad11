/**
 * The phase report's blue-green components: each check, switch and switch-back journaled in the phase
 * (from its `effect.done` / `effect.failed` entries), with how long it took. Pure.
 */
import { eventOf } from '../state/journal-events.js';
import type { JournalEntry } from '../state/types.js';
import { formatDate, formatNumber, type Language, messages } from './i18n.js';

export interface ComponentSwitchRow {
  at: string;
  component: string;
  kind: 'check' | 'switch' | 'switch-back';
  ok: boolean;
  /** `exit 0`, `exit 7`, `timed out`, or the error */
  detail: string;
  durationMs?: number | undefined;
}

const KINDS = ['check', 'switch', 'switch-back'] as const;

export function componentSwitches(journal: JournalEntry[], phase: string): ComponentSwitchRow[] {
  const started = new Map<string, JournalEntry>();
  const rows: ComponentSwitchRow[] = [];
  for (const e of journal) {
    if (e.phase !== phase || !e.effect) continue;
    const action = String(e.data['action'] ?? '');
    const kind = KINDS.find((k) => action === `component.${k}`);
    if (!kind) continue;
    const start = eventOf(e, 'effect.start');
    if (start) {
      started.set(e.effect, e);
      continue;
    }
    const s = started.get(e.effect);
    const done = eventOf(e, 'effect.done')?.data;
    const exitCode = done?.['exitCode'];
    const timedOut = done?.['timedOut'] === true;
    rows.push({
      at: s?.at ?? e.at,
      component: String(e.data['component'] ?? s?.data['component'] ?? '-'),
      kind,
      ok: done !== undefined && exitCode === 0 && !timedOut,
      detail: done
        ? typeof done['detail'] === 'string'
          ? done['detail']
          : timedOut
            ? 'timed out'
            : `exit ${String(exitCode)}`
        : String(e.data['error'] ?? e.type),
      durationMs: typeof done?.['durationMs'] === 'number' ? done['durationMs'] : undefined,
    });
  }
  return rows;
}

/** The section's heading and table cells, in the report's language. */
export function componentsTable(
  rows: ComponentSwitchRow[],
  lang: Language,
): { title: string; head: string[]; rows: string[][] } {
  const m = messages(lang);
  const w = m.components;
  return {
    title: w.title,
    head: [m.cols.at, m.cols.component, w.what, m.cols.status, m.cols.took, m.cols.detail],
    rows: rows.map((r) => [
      formatDate(lang, r.at),
      r.component,
      w.kinds[r.kind],
      r.ok ? w.ok : w.failed,
      r.durationMs === undefined ? '-' : `${formatNumber(lang, r.durationMs / 1000)} s`,
      r.detail,
    ]),
  };
}
