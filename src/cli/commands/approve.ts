/**
 * `rollout approve PLAN [--by NAME] [--phase NAME] [--note TEXT]`: parse, run the engine's flow
 * (engine/flows/approve.ts, which says which approvals count), render. Who ran the command is
 * recorded with the approval.
 */
import { approve } from '../../engine/flows/approve.js';
import { actorName } from '../build-services.js';
import { currentRunner } from '../identity.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

export async function approveCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'approve', { seedOwned: true });
  const { plan } = loaded;
  const runner = currentRunner(process.env, loaded.baseDir);
  const r = await approve(plan, services, {
    phase: typeof opts['phase'] === 'string' ? opts['phase'] : undefined,
    by: global.by,
    fallbackName: actorName(undefined),
    runner,
    note: opts['note'] as string | undefined,
  });
  if (global.json)
    io.json({
      plan: plan.name,
      phase: r.phase,
      by: r.by,
      recorded: r.recorded,
      approvals: r.approvals,
      required: r.required,
      runner,
      identity: r.identity ?? null,
    });
  else
    io.out(
      `${r.recorded ? `approval by ${r.by} recorded` : `${r.by} had already approved`} for leaving "${r.phase}": ${r.approvals.length}/${r.required} (${r.approvals.join(', ')})`,
    );
  return 0;
}
