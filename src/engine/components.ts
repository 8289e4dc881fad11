/**
 * Blue-green components (plan `components:`), the pure part: which switch on entering a phase, which
 * are green (to switch back on a failed gate or a rollback), and what a switch records in the state.
 */
import type { Component } from '../plan/components-schema.js';
import type { Plan } from '../plan/schema.js';
import type { ComponentRecord, RolloutState } from '../state/types.js';

/** The components that switch to green when `phase` is entered (not those green already, unless unsure). */
export function switchesEntering(plan: Plan, state: RolloutState, phase: string): Component[] {
  return (plan.components ?? []).filter((c) => {
    const rec = state.components?.[c.name];
    return c.switchAt === phase && (rec?.side !== 'green' || rec.uncertain === true);
  });
}

/** The components the state records as green (or possibly green), in the plan's order. */
export function greenComponents(plan: Plan, state: RolloutState): Component[] {
  return (plan.components ?? []).filter((c) => state.components?.[c.name]?.side === 'green');
}

export function componentOf(plan: Plan, name: string): Component {
  const c = (plan.components ?? []).find((x) => x.name === name);
  if (!c) throw new Error(`no component named "${name}" in the plan`);
  return c;
}

export function recordComponent(state: RolloutState, name: string, rec: ComponentRecord, at: string): RolloutState {
  return { ...state, updatedAt: at, components: { ...state.components, [name]: rec } };
}

/** Switched to green at `at` in `phase`, the command taking `durationMs`. */
export function switchedGreen(state: RolloutState, name: string, at: string, phase: string, durationMs: number) {
  const { uncertain: _u, ...was } = state.components?.[name] ?? { side: 'blue' as const };
  return recordComponent(state, name, { ...was, side: 'green', switchedAt: at, phase, durationMs }, at);
}

/** Switched back to blue at `at`, the command taking `durationMs`. */
export function switchedBlue(state: RolloutState, name: string, at: string, durationMs: number, reason: string) {
  const { uncertain: _u, ...was } = state.components?.[name] ?? { side: 'green' as const };
  return recordComponent(
    state,
    name,
    { ...was, side: 'blue', switchedBackAt: at, backDurationMs: durationMs, backReason: reason },
    at,
  );
}
