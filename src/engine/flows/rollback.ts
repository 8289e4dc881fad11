/**
 * `rollout rollback`: the whole rollback plan, in order; on a rollout that is rolling back, it
 * continues from the first step that did not succeed. read → decide → execute → commit.
 */
import { RolloutError } from '../../errors.js';
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import { AfterEffects } from '../after-effects.js';
import { commit } from '../commit.js';
import { execute } from '../execute.js';
import type { RollbackStepResult } from '../rollback-steps.js';
import { componentSteps, isPartial } from '../rollback-component.js';
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';

export interface RolledBack {
  before: RolloutState;
  state: RolloutState;
  steps: RollbackStepResult[];
  reports: string[];
  warnings: string[];
  /** a `--component` rollback that left the flag alone: the rollout is paused, not rolled back */
  partial: boolean;
}

export async function rollbackNow(
  plan: Plan,
  services: Services,
  reason: string,
  component?: string,
): Promise<RolledBack> {
  return withLock(services, async () => {
    const before = await loadState(plan, services);
    if (before.status === 'rolled-back')
      throw new RolloutError('usage', `the rollout "${plan.name}" was already rolled back at ${before.rolledBackAt}`, {
        hint: 'start again with `rollout reset PLAN --yes`',
      });
    const after = new AfterEffects(services);
    const at = new Date(services.clock.now()).toISOString();
    const only = component !== undefined ? componentSteps(plan, component) : undefined;
    const partial = only !== undefined && isPartial(plan, only);
    const done = await execute([{ type: 'rollback', component }], {
      plan,
      services,
      state: before,
      at,
      after,
      reasons: { reduce: () => reason, rollback: reason },
    });
    const steps = done.rollback ?? [];
    const state = done.state;
    const failed = steps.some((s) => s.status === 'failed');
    const phase = state.rollback?.phase ?? before.phase;
    const { reports } = await commit({
      plan,
      services,
      after,
      state,
      event: {
        type: partial ? 'rollout.component-rolled-back' : failed ? 'rollback.incomplete' : 'rollout.rolled-back',
        phase,
        data: {
          ...(partial ? { component: plan.rollback[only[0]!]!.component, status: state.status } : {}),
          reason,
          steps: steps.map((s) => ({
            component: s.component,
            status: s.status,
            durationMs: s.durationMs,
            earlier: s.earlier ?? false,
          })),
        },
      },
      notification: {
        kind: 'rolled-back',
        phase,
        summary: partial
          ? `${plan.name}: component ${plan.rollback[only[0]!]!.component} ${failed ? 'rollback incomplete' : 'rolled back'} in ${phase}; the rollout is ${state.status}`
          : `${plan.name}: ${failed ? 'rollback incomplete' : 'rolled back'} from ${phase}`,
        lines: steps.map((s) => `${s.component}: ${s.status} (${s.detail})`),
      },
      reportPhases: [phase],
    });
    return { before, state, steps, reports, warnings: after.warnings, partial };
  });
}
