/**
 * `pause` / `resume`. A paused rollout does not advance; `resume` lets it advance again.
 *
 * `resume` on a rolling-back or rolled-back rollout is a person's explicit decision, asked for (or
 * given with --yes) and journaled: the rollout goes back to the phase whose traffic the flag serves
 * now (after a rollback that turned the flag off, the first phase), entered anew: its soak starts
 * over, approvals given before the rollback do not count, and an unfinished rollback is abandoned.
 */
import { RolloutError } from '../../errors.js';
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import { commit } from '../commit.js';
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';
import { assertActive, paused, resumed, resumedAfterRollback } from '../state-ops.js';

export interface PauseOutcome {
  state: RolloutState;
  changed: boolean;
  /** set when a resume brought a rolled-back (or rolling-back) rollout back */
  afterRollback?: { after: RolloutState['status']; phase: string; served: number } | undefined;
  /** a person declined the resume after a rollback */
  declined?: boolean | undefined;
}

export async function setPaused(
  plan: Plan,
  services: Services,
  pause: boolean,
  reason?: string,
): Promise<PauseOutcome> {
  return withLock(services, async () => {
    const state = await loadState(plan, services);
    if (!pause && (state.status === 'rolling-back' || state.status === 'rolled-back'))
      return resumeAfterRollback(plan, services, state);
    if (state.status === 'completed' || state.status === 'rolled-back')
      throw new RolloutError('usage', `the rollout is ${state.status}`);
    assertActive(state);
    const at = new Date(services.clock.now()).toISOString();
    const changed = pause ? state.status !== 'paused' : state.status === 'paused';
    if (!changed) return { state, changed };
    const next = pause ? paused(state, at, reason) : resumed(state, at);
    await commit({
      plan,
      services,
      state: next,
      event: {
        type: pause ? 'rollout.paused' : 'rollout.resumed',
        phase: state.phase,
        data: { reason: reason ?? null },
      },
    });
    return { state: next, changed };
  });
}

async function resumeAfterRollback(plan: Plan, services: Services, state: RolloutState): Promise<PauseOutcome> {
  const flag = await (await services.providers.flags()).read({ flag: plan.flag.key });
  const served = flag.enabled ? flag.traffic : 0;
  if (!Number.isFinite(served))
    throw new RolloutError(
      'usage',
      `the flag ${plan.flag.key} serves an unknown share; set it to one phase's traffic before resuming`,
    );
  const index = phaseServing(plan, state, served);
  const phase = plan.phases[index]!;
  const pending = plan.rollback.length - (state.rollback?.steps.filter((s) => s.status === 'done').length ?? 0);
  const what =
    `Resume ${plan.name} after its rollback? It goes back to "${phase.name}" (the flag serves ${served}%), entered now: its soak starts over and it needs new approvals` +
    (state.status === 'rolling-back' ? `; the unfinished rollback (${pending} step(s) not done) is abandoned` : '');
  if (!(await services.prompt.confirm({ message: what, default: false })))
    return { state, changed: false, declined: true };
  const at = new Date(services.clock.now()).toISOString();
  const next = resumedAfterRollback(state, plan, index, served, at);
  await commit({
    plan,
    services,
    state: next,
    event: {
      type: 'rollout.resumed',
      phase: state.phase,
      data: {
        after: state.status,
        phase: phase.name,
        traffic: served,
        from: state.phase,
        abandonedSteps: state.status === 'rolling-back' ? pending : 0,
      },
    },
  });
  return { state: next, changed: true, afterRollback: { after: state.status, phase: phase.name, served } };
}

/** The last phase, up to the current one, whose traffic the flag serves (or more). */
function phaseServing(plan: Plan, state: RolloutState, served: number): number {
  let index = 0;
  for (let i = 0; i <= state.phaseIndex; i++) if (plan.phases[i]!.traffic <= served) index = i;
  return index;
}
