import { RolloutError } from '../../errors.js';
import { journal } from '../../engine/journal.js';
import { loadState, withLock } from '../../engine/run.js';
import { paused, resumed } from '../../engine/state-ops.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

async function setPaused(planFile: string | undefined, global: GlobalOptions, pause: boolean, reason?: string): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, pause ? 'pause' : 'resume');
  return withLock(services, async () => {
    const state = await loadState(loaded.plan, services);
    if (state.status === 'completed' || state.status === 'rolled-back') throw new RolloutError('usage', `the rollout is ${state.status}`);
    const at = new Date(services.clock.now()).toISOString();
    const changed = pause ? state.status !== 'paused' : state.status === 'paused';
    const next = !changed ? state : pause ? paused(state, at, reason) : resumed(state, at);
    if (changed) {
      await services.store.save(next);
      await journal(services, pause ? 'rollout.paused' : 'rollout.resumed', { reason: reason ?? null }, state.phase);
    }
    if (global.json) io.json({ plan: loaded.plan.name, state: next.status, phase: next.phase, traffic: next.traffic, changed });
    else io.out(changed ? `${loaded.plan.name} ${pause ? 'paused' : 'resumed'} in "${next.phase}"` : `${loaded.plan.name} was already ${pause ? 'paused' : 'running'}`);
    return 0;
  });
}

export const pauseCommand = (p: string | undefined, o: Record<string, unknown>, g: GlobalOptions) => setPaused(p, g, true, o['reason'] as string | undefined);
export const resumeCommand = (p: string | undefined, _o: Record<string, unknown>, g: GlobalOptions) => setPaused(p, g, false);
