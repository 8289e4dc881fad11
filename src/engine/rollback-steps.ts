/**
 * Runs the plan's rollback steps in order, timing each against its estimate. A failed step is
 * reported and the next steps still run: a rollback does as much as it can.
 *
 * A rollback sticks: `rolling-back` is saved before the first step runs, and each step's outcome is
 * saved as soon as it is known (before the journal closes its effect). Until every step is done (or
 * pending an operator) the rollout stays `rolling-back` and never advances. Running it again
 * continues from the first step that did not succeed: a step that succeeded (a non-idempotent
 * restore, a manual step an operator confirmed) is never done again and keeps what was recorded.
 */
import { formatTimeout, parseDuration, parseEstimate } from '../plan/duration.js';
import type { Plan, RollbackStep } from '../plan/schema.js';
import type { RollbackStepRecord, RolloutState } from '../state/types.js';
import type { AfterEffects } from './after-effects.js';
import { disableFlag } from './flag-change.js';
import { journal, withEffect } from './journal.js';
import type { Services } from './services.js';
import { rollbackStarted, rollbackStepRecorded, rolledBack } from './state-ops.js';

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
  /** true when an earlier run did it: it was not done again */
  earlier?: boolean | undefined;
}

type StepOutcome = Pick<RollbackStepResult, 'status' | 'detail' | 'command' | 'exitCode' | 'output'>;

const DEFAULT_RUN_TIMEOUT = 10 * 60_000;

export async function runRollback(args: {
  plan: Plan;
  services: Services;
  state: RolloutState;
  reason: string;
  after: AfterEffects;
}): Promise<{ state: RolloutState; steps: RollbackStepResult[] }> {
  const { plan, services, after } = args;
  const iso = () => new Date(services.clock.now()).toISOString();
  let state = args.state;
  const save = async (next: RolloutState) => {
    state = next;
    await services.store.save(next);
  };

  if (state.status !== 'rolling-back') {
    // Saved before the first step: from here on nothing advances this rollout until a person decides.
    await save(rollbackStarted(state, iso(), args.reason));
    after.effect('the rollout is rolling back');
    await journal(services, {
      type: 'rollback.started',
      phase: state.phase,
      data: { reason: args.reason, steps: plan.rollback.length },
    });
  } else {
    after.effect('the rollback continues');
    const done = (state.rollback?.steps ?? []).filter((s) => s.status === 'done').map((s) => s.index + 1);
    await journal(services, { type: 'rollback.continued', phase: state.phase, data: { reason: args.reason, done } });
  }
  const phase = state.rollback?.phase ?? state.phase;

  const results: RollbackStepResult[] = [];
  for (const [index, step] of plan.rollback.entries()) {
    const kind: RollbackStepResult['kind'] =
      step.action === 'flag' ? 'flag' : step.run !== undefined ? 'run' : 'manual';
    const est = step.estimate ? parseEstimate(step.estimate) : undefined;
    const base = { index, component: step.component, procedure: step.procedure, kind, estimate: step.estimate };
    const prior = state.rollback?.steps.find((s) => s.index === index);
    if (prior && (prior.status === 'done' || (prior.status === 'pending' && !services.prompt.interactive))) {
      const r: RollbackStepResult = {
        ...base,
        ...fromRecord(prior),
        overEstimate: est !== undefined && prior.durationMs > est.max,
        earlier: true,
      };
      services.log.info(
        `  ✓ ${step.component}: ${prior.status === 'done' ? 'done earlier' : 'still pending'} (${prior.detail})`,
      );
      results.push(r);
      continue;
    }

    const startedAt = iso();
    const elapsed = services.clock.stopwatch();
    const progress = services.log.progress(
      `rollback ${index + 1}/${plan.rollback.length}: ${step.component} — ${step.procedure}`,
    );
    let result: RollbackStepResult | undefined;
    // Saves the step's outcome; for an effect it runs before the journal closes the effect.
    const finish = async (o: StepOutcome): Promise<void> => {
      const durationMs = elapsed();
      result = { ...base, startedAt, durationMs, overEstimate: est !== undefined && durationMs > est.max, ...o };
      const record: RollbackStepRecord = {
        index,
        component: step.component,
        kind,
        status: o.status,
        at: startedAt,
        detail: o.detail,
        durationMs,
        exitCode: o.exitCode,
        output: o.output,
      };
      await save(rollbackStepRecorded(state, record, iso()));
    };
    try {
      await runStep({ step, kind, plan, services, phase, reason: args.reason, index, finish });
    } catch (e) {
      if (!after.tolerates(e)) throw e;
      if (!result)
        await after.step(
          'the state',
          () => finish({ status: 'failed', detail: services.redactor.text((e as Error).message) }),
          undefined,
        );
      else
        after.warn(
          `the state was not saved after ${step.component}: ${(e as Error).message}; the next command reconciles it from the journal`,
        );
    }
    const r = result ?? {
      ...base,
      startedAt,
      durationMs: elapsed(),
      overEstimate: false,
      status: 'failed' as const,
      detail: 'not recorded',
    };
    if (r.status === 'failed') progress.fail(`${step.component}: ${r.detail}`);
    else progress.succeed(`${step.component}: ${r.detail}`);
    results.push(r);
  }

  if (!results.some((r) => r.status === 'failed'))
    await after.step('the state', () => save(rolledBack(state, iso())), undefined);
  await after.step(
    'the journal entry rollback.finished',
    () => journal(services, { type: 'rollback.finished', phase, data: { reason: args.reason, steps: results } }),
    undefined,
  );
  return { state, steps: results };
}

type FromRecord = Pick<RollbackStepResult, 'status' | 'detail' | 'exitCode' | 'output' | 'startedAt' | 'durationMs'>;

/** A step an earlier run did, as this run reports it. */
function fromRecord(r: RollbackStepRecord): FromRecord {
  const { status, detail, exitCode, output, durationMs } = r;
  return { status, detail, exitCode, output, startedAt: r.at, durationMs };
}

async function runStep(a: {
  step: RollbackStep;
  kind: RollbackStepResult['kind'];
  plan: Plan;
  services: Services;
  phase: string;
  reason: string;
  index: number;
  finish: (o: StepOutcome) => Promise<void>;
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
      { action: 'command.run', phase: a.phase, data: { step: a.index, component: step.component, command, timeoutMs } },
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
