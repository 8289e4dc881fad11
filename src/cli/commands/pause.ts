/** `pause` / `resume`: parse, run the engine's flow (engine/flows/pause.ts), render. */
import { setPaused } from '../../engine/flows/pause.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

async function pauseOrResume(
  planFile: string | undefined,
  global: GlobalOptions,
  pause: boolean,
  reason?: string,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, pause ? 'pause' : 'resume');
  const { plan } = loaded;
  const r = await setPaused(plan, services, pause, reason);
  if (r.declined) return 3;
  const next = r.state;
  if (r.afterRollback) {
    if (io.opts.json)
      io.json({
        plan: plan.name,
        state: next.status,
        phase: next.phase,
        traffic: next.traffic,
        changed: true,
        after: r.afterRollback.after,
      });
    else
      io.out(
        `${plan.name} resumed after its rollback: back in "${r.afterRollback.phase}" at ${r.afterRollback.served}%; its soak starts over and it needs new approvals`,
      );
    return 0;
  }
  if (global.json)
    io.json({ plan: plan.name, state: next.status, phase: next.phase, traffic: next.traffic, changed: r.changed });
  else
    io.out(
      r.changed
        ? `${plan.name} ${pause ? 'paused' : 'resumed'} in "${next.phase}"`
        : `${plan.name} was already ${pause ? 'paused' : 'running'}`,
    );
  return 0;
}

export const pauseCommand = (p: string | undefined, o: Record<string, unknown>, g: GlobalOptions) =>
  pauseOrResume(p, g, true, o['reason'] as string | undefined);
export const resumeCommand = (p: string | undefined, _o: Record<string, unknown>, g: GlobalOptions) =>
  pauseOrResume(p, g, false);
