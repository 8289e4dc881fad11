/** `rollout reset`: parse, run the engine's flow (engine/flows/reset.ts), render. */
import { ABANDONED_NOTE, reset } from '../../engine/flows/reset.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

export async function resetCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'reset');
  const r = await reset(loaded.plan, services);
  if (!r.confirmed) return 3;
  const next = r.state;
  if (global.json) io.json({ plan: loaded.plan.name, state: next.status, phase: next.phase, traffic: next.traffic });
  else io.out(`${loaded.plan.name} starts over at "${next.phase}"${r.abandoned ? ABANDONED_NOTE : ''}`);
  return 0;
}
