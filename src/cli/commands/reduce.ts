import { reduce } from '../../engine/flows/reduce.js';
import { wouldAlso } from '../dry-run.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';
import { exposureRemoved, phaseServed } from '../../reports/served.js';

const removedLine = (lost: string[]): string => (lost.length ? `\nexposure taken away from: ${lost.join('; ')}` : '');

export async function reduceCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const dryRun = Boolean(opts['dryRun']);
  const { io, loaded, services, recorded, recording } = await prepare(planFile, global, 'reduce', { dryRun });
  const r = await reduce(loaded.plan, services, String(opts['reason'] ?? 'manual reduce'));
  if (global.json)
    io.json({
      plan: loaded.plan.name,
      decision: 'reduced',
      from: r.before.phase,
      to: r.to,
      state: r.state.status,
      phase: r.state.phase,
      traffic: r.state.traffic,
      flag: r.flag,
      reports: r.reports,
      warnings: r.warnings,
      dryRun,
      actions: dryRun ? recorded : undefined,
      wouldAlso: dryRun ? wouldAlso(recording) : undefined,
    });
  else
    io.out(
      `${dryRun ? '[dry run] would reduce' : 'reduced'}: ${r.before.phase} (${phaseServed(loaded.plan, r.before.phase, r.before.traffic)}) → ${r.to} (${phaseServed(loaded.plan, r.to, r.state.traffic)})` +
        (dryRun ? '' : removedLine(exposureRemoved(loaded.plan, r.before.phase, r.to))),
    );
  return 0;
}
