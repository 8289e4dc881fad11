import { writeReports } from '../../engine/write-reports.js';
import { loadState } from '../../engine/session.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

export async function reportCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'report');
  const state = await loadState(loaded.plan, services);
  const phases = loaded.plan.phases.filter((p) => state.phases[p.name]).map((p) => p.name);
  const files = await writeReports({ plan: loaded.plan, state, services, phases });
  if (global.json) io.json({ plan: loaded.plan.name, phases, files });
  else io.out(files.map((f) => `wrote ${f}`).join('\n'));
  return 0;
}
