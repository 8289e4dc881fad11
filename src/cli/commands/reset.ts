import { RolloutError } from '../../errors.js';
import { journal } from '../../engine/journal.js';
import { loadState, withLock } from '../../engine/run.js';
import { initialState } from '../../engine/state-ops.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

/** Starts a completed, rolled-back or rolling-back rollout over (asked first); the journal keeps the history. */
export async function resetCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'reset');
  return withLock(services, async () => {
    const state = await loadState(loaded.plan, services);
    if (state.status === 'in-progress' || state.status === 'paused') {
      throw new RolloutError(
        'usage',
        `the rollout is ${state.status} in "${state.phase}"; reset only starts over a completed, rolled-back or rolling-back rollout`,
        { hint: 'roll it back first: `rollout rollback`' },
      );
    }
    const unfinished =
      state.status === 'rolling-back'
        ? ` (its unfinished rollback is abandoned: check what the flag serves with \`rollout status\`)`
        : '';
    if (
      !(await services.prompt.confirm({
        message: `Start ${loaded.plan.name} over from "${loaded.plan.phases[0]!.name}"${unfinished}?`,
        default: false,
      }))
    )
      return 3;
    const next = initialState(loaded.plan, new Date(services.clock.now()).toISOString());
    await journal(services, 'rollout.reset', { previous: state.status }, state.phase);
    await services.store.save(next);
    if (global.json) io.json({ plan: loaded.plan.name, state: next.status, phase: next.phase, traffic: next.traffic });
    else io.out(`${loaded.plan.name} starts over at "${next.phase}"${unfinished}`);
    return 0;
  });
}
