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
import { parseEstimate } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import type { RollbackAnswer, RollbackStepRecord, RolloutState } from '../state/types.js';
import type { AfterEffects } from './after-effects.js';
import { journal } from './journal.js';
import { switchBackComponents } from './rollback-components.js';
import { runStep, type StepOutcome } from './rollback-run-step.js';
import {
  askWhen,
  componentRollbackFinished,
  componentRollbackStarted,
  componentStepRecorded,
  componentSteps,
  isPartial,
} from './rollback-component.js';
import type { Services } from './services.js';
import { rollbackStarted, rollbackStepRecorded, rolledBack } from './state-ops.js';

export interface RollbackStepResult {
  index: number;
  component: string;
  procedure: string;
  /** `switch-back`: a blue-green component switched back (index -1: it is not a step of `rollback:`) */
  kind: 'flag' | 'run' | 'manual' | 'switch-back';
  status: 'done' | 'failed' | 'pending' | 'skipped';
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
  /** a `when:` step's question and answer */
  answer?: RollbackAnswer | undefined;
}

export async function runRollback(args: {
  plan: Plan;
  services: Services;
  state: RolloutState;
  reason: string;
  after: AfterEffects;
  /** `--component NAME`: only that component's steps (see rollback-component.ts) */
  component?: string | undefined;
}): Promise<{ state: RolloutState; steps: RollbackStepResult[] }> {
  const { plan, services, after } = args;
  const only = args.component !== undefined ? componentSteps(plan, args.component) : undefined;
  const partial = only !== undefined && isPartial(plan, only);
  const iso = () => new Date(services.clock.now()).toISOString();
  let state = args.state;
  const save = async (next: RolloutState) => {
    state = next;
    await services.store.save(next);
  };

  if (partial) {
    const component = plan.rollback[only[0]!]!.component;
    await save(componentRollbackStarted(state, component, args.reason, iso()));
    after.effect(`component ${component} is rolling back`);
    await journal(services, {
      type: 'rollback.component.started',
      phase: state.phase,
      data: { component, reason: args.reason, steps: only.map((i) => i + 1) },
    });
  } else if (state.status !== 'rolling-back') {
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

  // blue-green components first: each green one switched back, one step each
  const results: RollbackStepResult[] = [];
  if (!partial && only === undefined) {
    const bg = await switchBackComponents({ plan, services, state, phase, reason: args.reason, after, save });
    state = bg.state;
    results.push(...bg.steps);
  }
  for (const [index, step] of plan.rollback.entries()) {
    if (only && !only.includes(index)) continue;
    const kind: RollbackStepResult['kind'] =
      step.action === 'flag' ? 'flag' : step.run !== undefined ? 'run' : 'manual';
    const est = step.estimate ? parseEstimate(step.estimate) : undefined;
    const base = { index, component: step.component, procedure: step.procedure, kind, estimate: step.estimate };
    const prior = partial ? undefined : state.rollback?.steps.find((s) => s.index === index);
    if (
      prior &&
      (prior.status === 'done' ||
        prior.status === 'skipped' ||
        (prior.status === 'pending' && !services.prompt.interactive))
    ) {
      const r: RollbackStepResult = {
        ...base,
        ...fromRecord(prior),
        answer: prior.answer,
        overEstimate: est !== undefined && prior.durationMs > est.max,
        earlier: true,
      };
      services.log.info(
        `  ✓ ${step.component}: ${prior.status === 'pending' ? 'still pending' : `${prior.status} earlier`} (${prior.detail})`,
      );
      results.push(r);
      continue;
    }

    const startedAt = iso();
    const elapsed = services.clock.stopwatch();
    const answer = await askWhen(step, services);
    if (answer)
      await journal(services, {
        type: 'rollback.answered',
        phase,
        data: { step: index, component: step.component, ...answer },
      });
    const progress = services.log.progress(
      `rollback ${index + 1}/${plan.rollback.length}: ${step.component} — ${step.procedure}`,
    );
    let result: RollbackStepResult | undefined;
    // Saves the step's outcome; for an effect it runs before the journal closes the effect.
    const finish = async (outcome: StepOutcome): Promise<void> => {
      // a step run because its question was answered yes says so
      const o = answer?.answer === 'yes' ? { ...outcome, detail: `${outcome.detail}; ${asked(answer)}` } : outcome;
      const durationMs = elapsed();
      result = {
        ...base,
        startedAt,
        durationMs,
        overEstimate: est !== undefined && durationMs > est.max,
        ...o,
        answer,
      };
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
        answer,
      };
      await save(partial ? componentStepRecorded(state, record, iso()) : rollbackStepRecorded(state, record, iso()));
    };
    try {
      if (answer?.answer === 'no') await finish({ status: 'skipped', detail: `skipped: ${asked(answer)}` });
      else await runStep({ step, kind, plan, services, phase, reason: args.reason, index, finish, partial });
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

  if (partial) {
    const component = plan.rollback[only[0]!]!.component;
    await after.step('the state', () => save(componentRollbackFinished(state, iso())), undefined);
    await after.step(
      'the journal entry rollback.component.finished',
      () =>
        journal(services, {
          type: 'rollback.component.finished',
          phase,
          data: { component, reason: args.reason, steps: results },
        }),
      undefined,
    );
    return { state, steps: results };
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

/** `"Is the snapshot needed?" no (by alice)`; `(plan default)` under --yes */
function asked(a: RollbackAnswer): string {
  return `"${a.question}" ${a.answer} (${a.by === 'default' ? 'plan default' : `by ${a.by}`})`;
}
