import { formatDuration } from '../../plan/duration.js';
import { rollbackNow } from '../../engine/flows/rollback.js';
import { wouldAlso } from '../dry-run.js';
import type { GlobalOptions } from '../io.js';
import { renderTable } from '../render.js';
import { prepare } from './common.js';
import { nonInteractiveError } from '../prompt.js';
import { componentSteps } from '../../engine/rollback-component.js';

export async function rollbackCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const dryRun = Boolean(opts['dryRun']);
  const { io, loaded, services, recorded, recording } = await prepare(planFile, global, 'rollback', { dryRun });
  // Manual steps need an operator: with no terminal, say so before any step runs (--yes records them as pending).
  const component = opts['component'] === undefined ? undefined : String(opts['component']);
  const only = component !== undefined ? componentSteps(loaded.plan, component) : undefined;
  const asks = loaded.plan.rollback.some((s, i) => (!only || only.includes(i)) && (s.manual || s.when));
  if (!dryRun && !global.yes && !(io.stdinTTY && io.stdoutTTY) && asks) throw nonInteractiveError('rollback');
  const r = await rollbackNow(loaded.plan, services, String(opts['reason'] ?? 'manual rollback'), component);
  const failed = r.steps.some((s) => s.status === 'failed');
  const pending = r.steps.filter((s) => s.status === 'pending').length;
  if (global.json) {
    io.json({
      plan: loaded.plan.name,
      decision: r.partial
        ? failed
          ? 'component-rollback-incomplete'
          : 'component-rolled-back'
        : failed
          ? 'rollback-incomplete'
          : 'rolled-back',
      component: component !== undefined ? loaded.plan.rollback[only![0]!]!.component : undefined,
      state: r.state.status,
      phase: r.state.phase,
      traffic: r.state.traffic,
      steps: r.steps,
      pending,
      reports: r.reports,
      warnings: r.warnings,
      dryRun,
      actions: dryRun ? recorded : undefined,
      wouldAlso: dryRun ? wouldAlso(recording) : undefined,
    });
  } else {
    io.out(
      renderTable(
        ['#', 'component', 'how', 'status', 'took', 'estimate', 'detail'],
        r.steps.map((s) => [
          s.index < 0 ? '-' : String(s.index + 1),
          s.component,
          s.kind,
          s.status === 'failed'
            ? io.style.red(s.status)
            : s.status === 'pending' || s.status === 'skipped'
              ? io.style.yellow(s.status)
              : io.style.green(s.status),
          formatDuration(s.durationMs),
          `${s.estimate ?? '-'}${s.overEstimate ? io.style.red(' (over)') : ''}`,
          s.earlier ? `${s.detail} (earlier run, not repeated)` : s.detail,
        ]),
        io.style,
      ),
    );
    if (r.partial)
      io.out(
        `${dryRun ? '[dry run] ' : ''}component ${loaded.plan.rollback[only![0]!]!.component} ${failed ? io.style.red('rollback incomplete: a step failed') : 'rolled back'}; the flag is unchanged and the rollout is ${r.state.status}${r.state.status === 'paused' ? ': it does not advance until `rollout resume PLAN` acknowledges the partial rollback' : ''}`,
      );
    else
      io.out(
        failed
          ? io.style.red(
              'rollback incomplete: a step failed; the rollout stays rolling-back and does not advance: fix it and run `rollout rollback` again (it continues from the first step that did not succeed)',
            )
          : `${dryRun ? '[dry run] ' : ''}rolled back${pending ? `; ${pending} manual step(s) pending an operator` : ''}`,
      );
  }
  return failed ? 1 : 0;
}
