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
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';

export interface RolledBack {
  before: RolloutState;
  state: RolloutState;
  steps: RollbackStepResult[];
  reports: string[];
  warnings: string[];
}

export async function rollbackNow(plan: Plan, services: Services, reason: string): Promise<RolledBack> {
  return withLock(services, async () => {
    const before = await loadState(plan, services);
    if (before.status === 'rolled-back')
      throw new RolloutError('usage', `the rollout "${plan.name}" was already rolled back at ${before.rolledBackAt}`, {
        hint: 'start again with `rollout reset PLAN --yes`',
      });
    const after = new AfterEffects(services);
    const at = new Date(services.clock.now()).toISOString();
    const done = await execute([{ type: 'rollback' }], {
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
        type: failed ? 'rollback.incomplete' : 'rollout.rolled-back',
        phase,
        data: {
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
        summary: `${plan.name}: ${failed ? 'rollback incomplete' : 'rolled back'} from ${phase}`,
        lines: steps.map((s) => `${s.component}: ${s.status} (${s.detail})`),
      },
      reportPhases: [phase],
    });
    return { before, state, steps, reports, warnings: after.warnings };
  });
}
