/**
 * A blue-green component's command that a crashed run left open. A command pair cannot be read back,
 * so the safe reading is "it may have run": an interrupted switch is recorded as possibly green
 * (`uncertain`): the next `advance` that enters the phase runs the switch again (a switch must be
 * idempotent), and a failed gate or `rollout rollback` switches it back. An interrupted switch-back
 * leaves the component recorded as (possibly) green, so the next failed gate or rollback runs the
 * switch-back again. An interrupted pre-switch check changed nothing: the next advance runs it again.
 * What a run saved before it died (the state says so) is kept as it is. Pure.
 */
import type { EffectData } from '../state/journal-events.js';
import type { RolloutState } from '../state/types.js';
import type { EffectVerdict } from './recovery.js';
import { recordComponent } from './components.js';

export function judgeComponentEffect(state: RolloutState, d: Partial<EffectData>, nowIso: string): EffectVerdict {
  const name = typeof d.component === 'string' ? d.component : undefined;
  const rec = name ? state.components?.[name] : undefined;
  if (!name || d.action === 'component.check')
    return {
      landed: 'unknown',
      state,
      note: 'a pre-switch check changes nothing; the next `rollout advance` runs it again',
    };
  if (d.action === 'component.switch') {
    if (rec?.side === 'green' && !rec.uncertain)
      return { landed: true, state, note: `it landed: component ${name} is recorded as switched to green` };
    return {
      landed: 'unknown',
      state: recordComponent(state, name, { ...rec, side: 'green', uncertain: true }, nowIso),
      note: `nothing can tell whether the switch ran: component ${name} is recorded as possibly green; the next \`rollout advance\` runs the switch again, and a failed gate or \`rollout rollback\` switches it back`,
    };
  }
  if (rec?.side === 'blue')
    return { landed: true, state, note: `it landed: component ${name} is recorded as switched back to blue` };
  return {
    landed: 'unknown',
    state: recordComponent(state, name, { ...rec, side: 'green', uncertain: true }, nowIso),
    note: `nothing can tell whether the switch-back ran: component ${name} stays recorded as (possibly) green; the next failed gate or \`rollout rollback\` switches it back again`,
  };
}
