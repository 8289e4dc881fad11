/**
 * `rollout reset`: starts a completed, rolled-back or rolling-back rollout over (asked first); the
 * journal keeps the history. read → decide → (a person confirms) → commit.
 */
import { RolloutError } from '../../errors.js';
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import { commit } from '../commit.js';
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';
import { initialState } from '../state-ops.js';

export interface ResetOutcome {
  state: RolloutState;
  /** false when a person declined */
  confirmed: boolean;
  /** the rollout was rolling back: its unfinished rollback is abandoned */
  abandoned: boolean;
}

export const ABANDONED_NOTE =
  ' (its unfinished rollback is abandoned: check what the flag serves with `rollout status`)';

export async function reset(plan: Plan, services: Services): Promise<ResetOutcome> {
  return withLock(services, async () => {
    const state = await loadState(plan, services);
    if (state.status === 'in-progress' || state.status === 'paused') {
      throw new RolloutError(
        'usage',
        `the rollout is ${state.status} in "${state.phase}"; reset only starts over a completed, rolled-back or rolling-back rollout`,
        { hint: 'roll it back first: `rollout rollback`' },
      );
    }
    const abandoned = state.status === 'rolling-back';
    const confirmed = await services.prompt.confirm({
      message: `Start ${plan.name} over from "${plan.phases[0]!.name}"${abandoned ? ABANDONED_NOTE : ''}?`,
      default: false,
    });
    if (!confirmed) return { state, confirmed, abandoned };
    const next = initialState(plan, new Date(services.clock.now()).toISOString());
    await commit({
      plan,
      services,
      state: next,
      event: { type: 'rollout.reset', phase: state.phase, data: { previous: state.status } },
    });
    return { state: next, confirmed, abandoned };
  });
}
