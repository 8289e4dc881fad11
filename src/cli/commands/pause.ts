/**
 * `pause` / `resume`. A paused rollout does not advance; `resume` lets it advance again.
 *
 * `resume` on a rolling-back or rolled-back rollout is a person's explicit decision, asked for (or
 * given with --yes) and journaled: the rollout goes back to the phase whose traffic the flag serves
 * now (after a rollback that turned the flag off, the first phase), entered anew: its soak starts
 * over, approvals given before the rollback do not count, and an unfinished rollback is abandoned.
 */
import { RolloutError } from '../../errors.js';
import { journal } from '../../engine/journal.js';
import { assertActive, loadState, withLock } from '../../engine/run.js';
import { paused, resumed, resumedAfterRollback } from '../../engine/state-ops.js';
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import type { GlobalOptions } from '../io.js';
import { prepare, type CommandContext } from './common.js';

async function setPaused(
  planFile: string | undefined,
  global: GlobalOptions,
  pause: boolean,
  reason?: string,
): Promise<number> {
  const ctx = await prepare(planFile, global, pause ? 'pause' : 'resume');
  const { io, loaded, services } = ctx;
  return withLock(services, async () => {
    const state = await loadState(loaded.plan, services);
    if (!pause && (state.status === 'rolling-back' || state.status === 'rolled-back'))
      return resumeAfterRollback(ctx, state);
    if (state.status === 'completed' || state.status === 'rolled-back')
      throw new RolloutError('usage', `the rollout is ${state.status}`);
    assertActive(state);
    const at = new Date(services.clock.now()).toISOString();
    const changed = pause ? state.status !== 'paused' : state.status === 'paused';
    const next = !changed ? state : pause ? paused(state, at, reason) : resumed(state, at);
    if (changed) {
      await services.store.save(next);
      await journal(services, pause ? 'rollout.paused' : 'rollout.resumed', { reason: reason ?? null }, state.phase);
    }
    if (global.json)
      io.json({ plan: loaded.plan.name, state: next.status, phase: next.phase, traffic: next.traffic, changed });
    else
      io.out(
        changed
          ? `${loaded.plan.name} ${pause ? 'paused' : 'resumed'} in "${next.phase}"`
          : `${loaded.plan.name} was already ${pause ? 'paused' : 'running'}`,
      );
    return 0;
  });
}

async function resumeAfterRollback(ctx: CommandContext, state: RolloutState): Promise<number> {
  const { io, loaded, services } = ctx;
  const { plan } = loaded;
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
  if (!(await services.prompt.confirm({ message: what, default: false }))) return 3;
  const at = new Date(services.clock.now()).toISOString();
  const next = resumedAfterRollback(state, plan, index, served, at);
  await services.store.save(next);
  await journal(
    services,
    'rollout.resumed',
    {
      after: state.status,
      phase: phase.name,
      traffic: served,
      from: state.phase,
      abandonedSteps: state.status === 'rolling-back' ? pending : 0,
    },
    state.phase,
  );
  if (io.opts.json)
    io.json({
      plan: plan.name,
      state: next.status,
      phase: next.phase,
      traffic: next.traffic,
      changed: true,
      after: state.status,
    });
  else
    io.out(
      `${plan.name} resumed after its rollback: back in "${phase.name}" at ${served}%; its soak starts over and it needs new approvals`,
    );
  return 0;
}

/** The last phase, up to the current one, whose traffic the flag serves (or more). */
function phaseServing(plan: Plan, state: RolloutState, served: number): number {
  let index = 0;
  for (let i = 0; i <= state.phaseIndex; i++) if (plan.phases[i]!.traffic <= served) index = i;
  return index;
}

export const pauseCommand = (p: string | undefined, o: Record<string, unknown>, g: GlobalOptions) =>
  setPaused(p, g, true, o['reason'] as string | undefined);
export const resumeCommand = (p: string | undefined, _o: Record<string, unknown>, g: GlobalOptions) =>
  setPaused(p, g, false);
