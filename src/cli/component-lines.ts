/** One line per blue-green component command a run did (advance, rollback), for a person. */
import type { ComponentRun } from '../engine/component-switch.js';

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
