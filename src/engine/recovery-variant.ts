/**
 * What a crash leaves of a light contingency's `flag.serve-variant` (adjust-flags): whether the flag
 * serves the variant it asked for, read back from the provider, and the state with it recorded. Pure.
 */
import type { Plan } from '../plan/schema.js';
import type { FlagState } from '../providers/types.js';
import { effectOf } from '../state/journal-events.js';
import type { JournalEntry, RolloutState } from '../state/types.js';
import type { EffectVerdict } from './recovery.js';
import { variantServed } from './serve-variant.js';

const same = (a: number, b: number) => Math.abs(a - b) < 0.001;

/** undefined: the effect moved the rollout to another phase too (the set-traffic reconciliation applies). */
export function judgeServedVariant(args: {
  plan: Plan;
  state: RolloutState;
  effect: JournalEntry;
  flag?: FlagState | undefined;
}): EffectVerdict | undefined {
  const { plan, state, effect: e, flag } = args;
  const d = effectOf(e) ?? {};
  const variant = d.target?.variant;
  const traffic = d.target?.traffic;
  if (typeof variant !== 'string' || typeof traffic !== 'number') return undefined;
  if (!flag || Number.isNaN(flag.traffic))
    return { landed: 'unknown', state, note: 'the flag cannot be read to tell whether it landed' };
  const landed = same(flag.traffic, traffic) && flag.variant === variant;
  if (landed && d.toPhase !== undefined && d.toPhase !== state.phase) return undefined;
  if (landed) {
    if (state.lastEffect === e.effect || state.served?.variant === variant)
      return { landed: true, state, note: 'it landed, and the state records it' };
    return {
      landed: true,
      state: { ...variantServed(state, variant, plan.flag.variants?.[variant], e.at), lastEffect: e.effect },
      note: `it landed: the flag serves the variant ${variant} to the canary (${traffic}%); recorded as served at ${e.at}, the soak counts from then`,
    };
  }
  if (same(flag.traffic, state.traffic) && flag.variant === state.served?.variant)
    return {
      landed: false,
      state,
      note: `it did not land: the flag serves ${flag.variant ?? 'on'} at ${flag.traffic}%, as the state records`,
    };
  return {
    landed: 'unknown',
    state,
    note: `the flag serves ${flag.variant ?? 'on'} at ${flag.traffic}%: neither what it asked (${variant}) nor what the state records; check the flag in the provider`,
  };
}
