/**
 * Runs the plan's rollback steps in order, timing each against its estimate. A failed step is
 * reported and the next steps still run: a rollback does as much as it can.
 */
import { parseDuration, parseEstimate } from '../plan/duration.js';
import type { Plan, RollbackStep } from '../plan/schema.js';
import { redact } from '../redact.js';
import { disableFlag } from './flag-change.js';
import { journal, withEffect } from './journal.js';
import type { Services } from './services.js';

export interface RollbackStepResult {
  index: number;
  component: string;
  procedure: string;
  kind: 'flag' | 'run' | 'manual';
  status: 'done' | 'failed' | 'pending';
  startedAt: string;
  durationMs: number;
  estimate?: string | undefined;
  /** true when the step took longer than the top of its estimate */
  overEstimate: boolean;
  command?: string | undefined;
  exitCode?: number | null | undefined;
  output?: string | undefined;
  detail: string;
}

const DEFAULT_RUN_TIMEOUT = 10 * 60_000;

export async function runRollback(args: { plan: Plan; services: Services; phase: string; reason: string }): Promise<RollbackStepResult[]> {
  const { plan, services } = args;
  const results: RollbackStepResult[] = [];
  for (const [index, step] of plan.rollback.entries()) {
    const kind: RollbackStepResult['kind'] = step.action === 'flag' ? 'flag' : step.run !== undefined ? 'run' : 'manual';
    const startedAt = new Date(services.clock.now()).toISOString();
    const elapsed = services.clock.stopwatch();
    const progress = services.log.progress(`rollback ${index + 1}/${plan.rollback.length}: ${step.component} — ${step.procedure}`);
    let r: Omit<RollbackStepResult, 'index' | 'component' | 'procedure' | 'kind' | 'startedAt' | 'durationMs' | 'estimate' | 'overEstimate'>;
    try {
      r = await runStep({ step, kind, plan, services, phase: args.phase, reason: args.reason, index });
    } catch (e) {
      r = { status: 'failed', detail: redact((e as Error).message) };
    }
    const durationMs = elapsed();
    const est = step.estimate ? parseEstimate(step.estimate) : undefined;
    const result: RollbackStepResult = {
      index,
      component: step.component,
      procedure: step.procedure,
      kind,
      startedAt,
      durationMs,
      estimate: step.estimate,
      overEstimate: est !== undefined && durationMs > est.max,
      ...r,
    };
    if (result.status === 'failed') progress.fail(`${step.component}: ${result.detail}`);
    else progress.succeed(`${step.component}: ${result.detail}`);
    results.push(result);
  }
  await journal(services, 'rollback.finished', { reason: args.reason, steps: results }, args.phase);
  return results;
}

async function runStep(a: { step: RollbackStep; kind: RollbackStepResult['kind']; plan: Plan; services: Services; phase: string; reason: string; index: number }) {
  const { step, services } = a;
  if (a.kind === 'flag') {
    const change = await disableFlag({ plan: a.plan, services, phase: a.phase, reason: `rollback: ${a.reason}` });
    return { status: 'done' as const, detail: `flag ${a.plan.flag.key} off (was ${change.before.traffic}%)` };
  }
  if (a.kind === 'run') {
    const command = step.run!;
    const timeoutMs = step.timeout ? parseDuration(step.timeout)! : DEFAULT_RUN_TIMEOUT;
    const res = await withEffect(
      services,
      { action: 'command.run', phase: a.phase, data: { step: a.index, component: step.component, command, timeoutMs } },
      () => services.runner.run({ command, cwd: services.baseDir, timeoutMs }),
      (r) => ({ exitCode: r.exitCode, timedOut: r.timedOut, durationMs: r.durationMs, output: r.output }),
    );
    const ok = res.exitCode === 0 && !res.timedOut;
    return {
      status: ok ? ('done' as const) : ('failed' as const),
      command,
      exitCode: res.exitCode,
      output: res.output,
      detail: res.timedOut ? `timed out after ${timeoutMs / 1000}s` : `exit ${res.exitCode}`,
    };
  }
  // manual: a person confirms; without one it stays pending and the report says so.
  if (!services.prompt.interactive) {
    await withEffect(services, { action: 'manual.pending', phase: a.phase, data: { step: a.index, component: step.component, procedure: step.procedure } }, async () => undefined, () => ({}));
    return { status: 'pending' as const, detail: 'pending: an operator must do this and confirm' };
  }
  const done = await withEffect(
    services,
    { action: 'manual.confirm', phase: a.phase, data: { step: a.index, component: step.component, procedure: step.procedure } },
    () => services.prompt.confirm({ message: `${step.component}: ${step.procedure}. Done?`, default: false }),
    (ok) => ({ confirmed: ok }),
  );
  return done ? { status: 'done' as const, detail: `confirmed by ${services.actor}` } : { status: 'pending' as const, detail: 'not confirmed: still pending' };
}
