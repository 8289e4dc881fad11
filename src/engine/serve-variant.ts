/**
 * The light contingency's `adjust-flags`: the canary share gets another variant of the flag (with
 * its parameters) instead of `on`, at the same traffic; the phase's soak counts from the change.
 */
import type { RolloutState, ServedVariant } from '../state/types.js';
import type { ExecuteArgs } from './execute.js';
import { setFlagTraffic, type FlagChange } from './flag-change.js';

/** The state once `variant` is served from `at` (pure; recovery uses it too). */
export function variantServed(s: RolloutState, variant: string, value: unknown, at: string): RolloutState {
  const rec = s.phases[s.phase];
  const served: ServedVariant = { variant, at, value };
  return {
    ...s,
    updatedAt: at,
    served,
    phases: rec ? { ...s.phases, [s.phase]: { ...rec, served } } : s.phases,
  };
}

export async function serveVariant(
  variant: string,
  args: ExecuteArgs,
  update: (state: RolloutState) => Promise<void>,
): Promise<FlagChange> {
  const { plan, services, at, after, state } = args;
  const phase = plan.phases[state.phaseIndex]!;
  return setFlagTraffic({
    plan,
    services,
    phase: state.phase,
    toPhase: state.phase,
    traffic: state.traffic,
    audience: phase.audience,
    variant,
    reason: `light contingency: serve ${variant} to the canary`,
    record: async (change, effect) => {
      after.effect(`the flag serves the variant ${variant} to the canary (${change.after.traffic}%)`);
      const next = { ...variantServed(state, variant, plan.flag.variants?.[variant], at), lastEffect: effect };
      await update(next);
      await services.store.save(next);
    },
  });
}
