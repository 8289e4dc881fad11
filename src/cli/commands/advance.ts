import { EXIT_FOR_DECISION } from '../../engine/decide.js';
import { advance } from '../../engine/flows/advance.js';
import { checklistProgress } from '../../engine/flows/checklist.js';
import { emitCiOutputs, junitTarget } from '../ci-outputs.js';
import { recordingLines, wouldAlso } from '../dry-run.js';
import type { GlobalOptions } from '../io.js';
import { decisionJson, renderGate, termWidth } from '../render.js';
import { runChecklist } from './checklist.js';
import { clockLabel, prepare } from './common.js';
import { phaseServed } from '../../reports/served.js';
import { componentLine } from '../component-lines.js';

export async function advanceCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const dryRun = Boolean(opts['dryRun']);
  const junit = junitTarget(opts['junit']);
  const ctx = await prepare(planFile, global, 'advance', { dryRun, seedOwned: true });
  const { io, loaded, services, recorded, recording } = ctx;
  const { plan } = loaded;

  // In a terminal, an incomplete checklist is offered before the gate is judged (once, by the advance
  // itself). Only an offer: what stops the rollout (a lock, its status, a provider) is reported by the
  // advance, under the lock.
  if (!dryRun && !global.yes && !global.json && io.stdinTTY && io.stdoutTTY) {
    const offer = await checklistProgress(plan, services).catch(() => undefined);
    if (offer && offer.answered < offer.total) {
      io.out(`The checklist of "${offer.phase}" is not complete (${offer.done}/${offer.total} items answered).`);
      if (await services.prompt.confirm({ message: 'Run the checklist now?', default: true })) await runChecklist(ctx);
    }
  }

  const o = await advance(plan, services, { applyContingency: Boolean(opts['applyContingency']) });
  const { gate, state } = o;
  // a dry run's recorders carried the contingency out on paper only: it is advised, never applied
  const decision =
    dryRun && o.decision.contingency
      ? { ...o.decision, contingency: { ...o.decision.contingency, applied: false } }
      : o.decision;
  if (global.json) {
    io.json({
      ...decisionJson({ plan: plan.name, decision, gate, state, at: o.at, clock: clockLabel(services) }),
      flag: o.flag ?? null,
      rollback: o.rollback ?? null,
      components: o.components,
      notifications: o.notifications,
      reports: o.reports,
      warnings: o.warnings,
      dryRun,
      actions: dryRun ? recorded : undefined,
      wouldAlso: dryRun ? wouldAlso(recording) : undefined,
    });
  } else {
    const verb: Record<string, string> = {
      advanced: io.style.green(
        `advanced: ${decision.from} → ${decision.to} (${phaseServed(plan, state.phase, state.traffic)})`,
      ),
      completed: io.style.green(`completed: ${plan.name} is at ${phaseServed(plan, state.phase, state.traffic)}`),
      held: io.style.yellow(`held in ${decision.from}: not eligible yet`),
      failed: io.style.red(`gate failed in ${decision.from}`),
      reduced: io.style.red(
        `gate failed; reduced: ${decision.from} → ${decision.to} (${phaseServed(plan, state.phase, state.traffic)})`,
      ),
      'rolled-back': io.style.red(`gate failed; rolled back from ${decision.from}`),
    };
    const head = `${dryRun ? '[dry run] would be ' : ''}${verb[decision.decision]}`;
    io.out(
      renderGate({ gate, decision, style: io.style, termWidth: termWidth(), headline: head, planFile: loaded.file }),
    );
    if (o.flag)
      io.out(
        `\nflag ${plan.flag.key}: ${o.flag.before.traffic}% → ${o.flag.after.traffic}%${o.flag.after.audience ? ` of ${o.flag.after.audience}` : ''}`,
      );
    for (const c of o.components) io.out(componentLine(c));
    if (o.rollback) for (const s of o.rollback) io.out(`rollback: ${s.component}: ${s.status} (${s.detail})`);
    if (dryRun) io.out(recordingLines(recording));
    for (const f of o.reports) io.log.info(`report: ${f}`);
  }
  await emitCiOutputs({ io, plan, state, gate, decision, at: o.at, junit, planFile: loaded.file, dryRun });
  return EXIT_FOR_DECISION[decision.decision];
}
