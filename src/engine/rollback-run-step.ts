/**
 * One rollback step, run: the flag step turns the flag off; a `run:` step runs its command (journaled
 * before and after); a manual step asks an operator (or stays pending without one). `finish` saves
 * the step's outcome before the journal closes the effect.
 */
import { formatTimeout, parseDuration } from '../plan/duration.js';
import type { Plan, RollbackStep } from '../plan/schema.js';
import { disableFlag } from './flag-change.js';
import { withEffect } from './journal.js';
import type { RollbackStepResult } from './rollback-steps.js';
import type { Services } from './services.js';

export type StepOutcome = Pick<RollbackStepResult, 'status' | 'detail' | 'command' | 'exitCode' | 'output'>;

const DEFAULT_RUN_TIMEOUT = 10 * 60_000;

export async function runStep(a: {
  step: RollbackStep;
  kind: RollbackStepResult['kind'];
  plan: Plan;
  services: Services;
  phase: string;
  reason: string;
  index: number;
  finish: (o: StepOutcome) => Promise<void>;
  partial?: boolean | undefined;
}): Promise<void> {
  const { step, services, finish } = a;
  if (a.kind === 'flag') {
    let landed = false;
    try {
      await disableFlag({
        plan: a.plan,
        services,
        phase: a.phase,
        step: a.index,
        reason: `rollback: ${a.reason}`,
        record: (change) => {
          landed = true;
          return finish({ status: 'done', detail: `flag ${a.plan.flag.key} off (was ${change.before.traffic}%)` });
        },
      });
    } catch (e) {
      // the provider refused: the step failed; anything after the flag went off is not the step's failure
      if (landed || (e as { code?: string }).code === 'locked') throw e;
      await finish({ status: 'failed', detail: services.redactor.text((e as Error).message) });
    }
    return;
  }
  if (a.kind === 'run') {
    const command = step.run!;
    const timeoutMs = step.timeout ? parseDuration(step.timeout)! : DEFAULT_RUN_TIMEOUT;
    await withEffect(
      services,
      {
        action: 'command.run',
        phase: a.phase,
        // `partial`: a component's rollback (its record is in componentRollbacks, see recovery.ts)
        data: { step: a.index, component: step.component, command, timeoutMs, ...(a.partial ? { partial: true } : {}) },
      },
      () => services.runner.run({ command, cwd: services.baseDir, timeoutMs }),
      (r) => ({ exitCode: r.exitCode, timedOut: r.timedOut, durationMs: r.durationMs, output: r.output }),
      (res) =>
        finish({
          status: res.exitCode === 0 && !res.timedOut ? 'done' : 'failed',
          command,
          exitCode: res.exitCode,
          output: res.output,
          detail: res.timedOut ? `timed out after ${formatTimeout(timeoutMs)}` : `exit ${res.exitCode}`,
        }),
    );
    return;
  }
  // manual: a person confirms; without one it stays pending and the report says so.
  if (!services.prompt.interactive) {
    await withEffect(
      services,
      {
        action: 'manual.pending',
        phase: a.phase,
        data: { step: a.index, component: step.component, procedure: step.procedure },
      },
      async () => undefined,
      () => ({}),
      () => finish({ status: 'pending', detail: 'pending: an operator must do this and confirm' }),
    );
    return;
  }
  await withEffect(
    services,
    {
      action: 'manual.confirm',
      phase: a.phase,
      data: { step: a.index, component: step.component, procedure: step.procedure },
    },
    () => services.prompt.confirm({ message: `${step.component}: ${step.procedure}. Done?`, default: false }),
    (ok) => ({ confirmed: ok }),
    (ok) =>
      finish(
        ok
          ? { status: 'done', detail: `confirmed by ${services.actor}` }
          : { status: 'pending', detail: 'not confirmed: still pending' },
      ),
  );
}
