/** One line per blue-green component command a run did (advance, rollback), for a person. */
import type { ComponentRun } from '../engine/component-switch.js';
import type { Plan } from '../plan/schema.js';
import type { ComponentRecord, RolloutState } from '../state/types.js';

const WHAT: Record<ComponentRun['kind'], [string, string]> = {
  check: ['pre-switch check passed', 'pre-switch check failed'],
  switch: ['switched to green', 'switch failed'],
  'switch-back': ['switched back to blue', 'switch-back failed'],
};

export function componentLine(c: ComponentRun): string {
  const what = WHAT[c.kind][c.ok ? 0 : 1];
  const took = `${(c.durationMs / 1000).toFixed(1)}s`;
  const est = c.estimate ? `, estimate ${c.estimate}${c.overEstimate ? ', over the estimate' : ''}` : '';
  return `component ${c.component}: ${what} (${c.detail}, ${took}${est})`;
}

export interface ComponentStatus extends Omit<ComponentRecord, 'side'> {
  name: string;
  switchAt: string;
  side: 'green' | 'blue';
}

/** Each blue-green component of the plan and its side now (blue until switched), for `status`. */
export function componentStatus(plan: Plan, state: RolloutState): ComponentStatus[] {
  return (plan.components ?? []).map((c) => ({
    ...state.components?.[c.name],
    name: c.name,
    switchAt: c.switchAt,
    side: state.components?.[c.name]?.side ?? 'blue',
  }));
}

export function componentStatusLine(c: ComponentStatus): string {
  const when =
    c.side === 'green'
      ? c.uncertain
        ? 'possibly green (a run stopped mid-command)'
        : `green since ${c.switchedAt ?? '-'}`
      : c.switchedBackAt
        ? `blue again since ${c.switchedBackAt} (${c.backReason ?? 'switched back'})`
        : `blue; switches to green on entering ${c.switchAt}`;
  return `component ${c.name}: ${when}`;
}
