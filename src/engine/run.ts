/**
 * The rollout's flows, composed from the pipeline: lock → load state (session.ts) → observe → assess
 * → decide → execute (through services, the state saved right after each effect) → save → notify →
 * report. Commands call these and stay thin. Once an effect has landed, later failures are warnings
 * (after-effects.ts): what happened is always reported, with the decision's exit code.
 */
import { RolloutError } from '../errors.js';
import { assessGate } from '../gates/assess.js';
import { hasComparisons, type JudgeGate } from '../gates/comparisons.js';
import type { GateResult } from '../gates/types.js';
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import { AfterEffects } from './after-effects.js';
import { decide, type Decision } from './decide.js';
import { setFlagTraffic, type FlagChange } from './flag-change.js';
import { journal } from './journal.js';
import { notify, type NotifyOutcome } from './notify.js';
import { observe } from './observe.js';
import { runRollback, type RollbackStepResult } from './rollback.js';
import type { Services } from './services.js';
import { loadState, withLock } from './session.js';
import { assertActive, complete, currentRecord, enterPhase } from './state-ops.js';

export { loadState, withLock } from './session.js';
export { assertActive } from './state-ops.js';

export interface Outcome {
  decision: Decision;
  gate: GateResult;
  before: RolloutState;
  state: RolloutState;
  at: string;
  flag?: FlagChange | undefined;
  rollback?: RollbackStepResult[] | undefined;
  notifications: NotifyOutcome[];
  reports: string[];
  /** what was not written after the effects landed */
  warnings: string[];
  dryRun: boolean;
}

/** Reports load only when a phase is left, so read-only commands never pay for them. */
async function writeReportsLazily(
  args: Parameters<typeof import('./reporting.js').writeReports>[0],
): Promise<string[]> {
  const { writeReports } = await import('./reporting.js');
  return writeReports(args);
}

/** Keeps what the phase's comparisons remember (a FAIL stays a FAIL for the rest of the phase visit). */
function rememberStats(state: RolloutState, before: RolloutState, gate: GateResult): RolloutState {
  const rec = state.phases[before.phase];
  const was = before.phases[before.phase];
  if (!gate.statsMemory || !rec || !was || rec.enteredAt !== was.enteredAt) return state;
  return { ...state, phases: { ...state.phases, [before.phase]: { ...rec, stats: gate.statsMemory } } };
}

const iso = (services: Services) => new Date(services.clock.now()).toISOString();

/** Evaluates the current phase's gate now. Changes nothing. */
export async function evaluate(
  plan: Plan,
  services: Services,
  applyContingency = false,
): Promise<{ state: RolloutState; gate: GateResult; decision: Decision }> {
  const state = await loadState(plan, services);
  assertActive(state);
  return { state, ...(await judge(plan, services, state, applyContingency)) };
}

async function judge(
  plan: Plan,
  services: Services,
  state: RolloutState,
  applyContingency: boolean,
): Promise<{ gate: GateResult; decision: Decision }> {
  const now = services.clock.now();
  const observations = await observe({
    plan,
    phaseIndex: state.phaseIndex,
    services,
    now,
    enteredAt: Date.parse(currentRecord(state).enteredAt),
  });
  const record = currentRecord(state);
  // Comparisons: counts since the phase was entered, judged by src/stats, loaded only when needed.
  let judgeStats: JudgeGate | undefined;
  if (hasComparisons(plan)) {
    const [{ judgeGate }, { observeCounts }] = await Promise.all([
      import('../stats/judge-gate.js'),
      import('./observe-counts.js'),
    ]);
    judgeStats = judgeGate;
    observations.counts = await observeCounts({ plan, services, enteredAt: Date.parse(record.enteredAt), now });
  }
  const gate = assessGate({
    plan,
    phaseIndex: state.phaseIndex,
    record,
    observations,
    now,
    paused: state.status === 'paused',
    judge: judgeStats,
    stats: record.stats,
  });
  return { gate, decision: decide({ plan, state, gate, applyContingency }) };
}

export async function advance(plan: Plan, services: Services, opts: { applyContingency: boolean }): Promise<Outcome> {
  return withLock(services, async () => {
    const { state: before, gate, decision: decided } = await evaluate(plan, services, opts.applyContingency);
    const at = iso(services);
    const after = new AfterEffects(services);
    const save = (s: RolloutState) => (services.dryRun ? Promise.resolve() : services.store.save(s));
    await journal(
      services,
      'gate.evaluated',
      {
        decision: decided.decision,
        from: decided.from,
        to: decided.to,
        verdict: gate.verdict,
        criteria: gate.criteria,
        reported: gate.reported,
        reasons: decided.reasons,
        contingency: decided.contingency,
      },
      before.phase,
    );

    let state: RolloutState = {
      ...before,
      status: before.status === 'not-started' ? 'in-progress' : before.status,
      updatedAt: at,
      simulatedClock: before.simulatedClock || services.clock.simulated,
    };
    let flag: FlagChange | undefined;
    let rollback: RollbackStepResult[] | undefined;
    let applied = false;
    try {
      for (const action of decided.actions) {
        if (action.type === 'set-traffic' || action.type === 'reduce') {
          const target = plan.phases[action.toPhase]!;
          flag = await setFlagTraffic({
            plan,
            services,
            phase: before.phase,
            toPhase: target.name,
            traffic: action.traffic,
            audience: action.audience,
            reason:
              action.type === 'reduce'
                ? `contingency: back to ${target.name} (${action.traffic}%)`
                : `enter ${target.name} (${action.traffic}%)`,
            // saved right after the flag moved, before the journal calls it done
            record: async (change, effect) => {
              after.effect(`the flag moved from ${change.before.traffic}% to ${change.after.traffic}%`);
              state = { ...enterPhase(state, plan, action.toPhase, action.traffic, at, change), lastEffect: effect };
              await save(state);
            },
          });
          applied = action.type === 'reduce';
        } else if (action.type === 'complete') {
          state = complete(state, at);
        } else {
          const rb = await runRollback({ plan, services, state, reason: decided.reasons[0] ?? 'gate failed', after });
          state = rb.state;
          rollback = rb.steps;
          applied = rb.steps.some((s) => !s.earlier && s.status !== 'pending');
        }
      }
    } catch (e) {
      if (!after.tolerates(e)) {
        // The decision above was not carried out: say so, so the journal never reads as if it had been.
        if (!after.anyLanded)
          await journal(
            services,
            'advance.aborted',
            { decision: decided.decision, error: (e as Error).message, state: 'unchanged' },
            before.phase,
          ).catch(() => undefined);
        throw after.explain(e);
      }
      after.warn(
        `the state was not saved after ${after.landed.at(-1)}: ${(e as Error).message}; the next command reconciles it from the journal`,
      );
    }

    // A rollback with a failed step has not rolled the rollout back: the gate failed, the contingency
    // was applied and is incomplete; never report it as rolled back.
    const failedSteps = rollback?.filter((r) => r.status === 'failed') ?? [];
    // applied only when an effect ran: never in check, never in a dry run
    const contingency = decided.contingency
      ? { ...decided.contingency, applied: applied && !services.dryRun }
      : undefined;
    const decision: Decision =
      failedSteps.length === 0
        ? { ...decided, contingency }
        : {
            ...decided,
            contingency,
            decision: 'failed',
            reasons: [
              ...decided.reasons,
              `rollback incomplete: ${failedSteps.map((r) => `${r.component} (${r.detail})`).join(', ')}; the rollout stays rolling-back: fix it and run \`rollout rollback\` again`,
            ],
          };

    // A gate that holds (or fails without a contingency applied) notifies when its reason changes,
    // not at every scheduled check.
    let notifyKind: string | undefined = decision.decision;
    if (decision.decision === 'held' || (decision.decision === 'failed' && !decision.contingency?.applied)) {
      const verdict = decision.decision === 'held' ? 'hold' : 'fail';
      const key = `${decision.decision}:${gate.criteria
        .filter((c) => c.verdict === verdict)
        .map((c) => c.name)
        .join(',')}`;
      if (key === before.lastHeldKey) notifyKind = undefined;
      state = { ...state, lastHeldKey: key };
    } else state = { ...state, lastHeldKey: undefined };

    state = rememberStats(state, before, gate);
    await after.step('the state', () => save(state), undefined);
    await after.step(
      `the journal entry rollout.${decision.decision}`,
      () =>
        journal(
          services,
          `rollout.${decision.decision}`,
          {
            from: decision.from,
            to: decision.to,
            traffic: state.traffic,
            status: state.status,
            ...(decision.contingency ? { contingency: decision.contingency } : {}),
          },
          before.phase,
        ),
      undefined,
    );

    const notifications = notifyKind
      ? await after.step(
          'notifications',
          () =>
            notify(plan, services, {
              kind: (decision.contingency?.applied
                ? decision.decision === 'rolled-back'
                  ? 'rolled-back'
                  : 'contingency-applied'
                : decision.decision) as never,
              phase: decision.from,
              to: decision.to ?? undefined,
              summary: summaryLine(plan, decision, state),
              lines: decision.reasons,
            }),
          [],
          { soft: true },
        )
      : [];
    // Every decision lands in the report of the phase it was taken in (contract §2): the phase left, or
    // the phase that holds or failed, whose report then shows the latest gate.
    const reports = services.dryRun
      ? []
      : await after.step(
          'the reports',
          () => writeReportsLazily({ plan, state, services, phases: [before.phase] }),
          [],
          { soft: true },
        );
    return {
      decision,
      gate,
      before,
      state,
      at,
      flag,
      rollback,
      notifications,
      reports,
      warnings: after.warnings,
      dryRun: services.dryRun,
    };
  });
}

export function summaryLine(plan: Plan, d: Decision, state: RolloutState): string {
  switch (d.decision) {
    case 'advanced':
      return `${plan.name}: advanced from ${d.from} to ${d.to} (${state.traffic}% traffic)`;
    case 'completed':
      return `${plan.name}: completed (${state.traffic}% traffic)`;
    case 'held':
      return `${plan.name}: held in ${d.from}`;
    case 'failed':
      return `${plan.name}: gate failed in ${d.from} (${d.contingency?.level}); contingency: ${d.contingency?.action}`;
    case 'reduced':
      return `${plan.name}: reduced from ${d.from} to ${d.to} (${state.traffic}% traffic)`;
    case 'rolled-back':
      return `${plan.name}: rolled back from ${d.from}`;
  }
}

/** `rollout reduce`: back to the previous phase's traffic, by hand. */
export async function reduce(
  plan: Plan,
  services: Services,
  reason: string,
): Promise<{
  before: RolloutState;
  state: RolloutState;
  flag: FlagChange;
  to: string;
  reports: string[];
  warnings: string[];
}> {
  return withLock(services, async () => {
    const before = await loadState(plan, services);
    assertActive(before);
    const i = before.phaseIndex;
    if (i === 0)
      throw new RolloutError(
        'usage',
        `"${before.phase}" is the first phase; there is no earlier traffic to go back to`,
        { hint: 'use `rollout rollback` to turn the feature off' },
      );
    const prev = plan.phases[i - 1]!;
    const at = iso(services);
    const after = new AfterEffects(services);
    let state = before;
    let flag: FlagChange = {
      before: { enabled: true, traffic: before.traffic },
      after: { enabled: prev.traffic > 0, traffic: prev.traffic },
    };
    try {
      flag = await setFlagTraffic({
        plan,
        services,
        phase: before.phase,
        toPhase: prev.name,
        traffic: prev.traffic,
        audience: prev.audience,
        reason: `reduce: ${reason}`,
        record: async (change, effect) => {
          after.effect(`the flag moved from ${change.before.traffic}% to ${change.after.traffic}%`);
          state = { ...enterPhase(before, plan, i - 1, prev.traffic, at, change), lastEffect: effect };
          if (!services.dryRun) await services.store.save(state);
        },
      });
    } catch (e) {
      if (!after.tolerates(e)) throw after.explain(e);
      after.warn(
        `the state was not saved after ${after.landed.at(-1)}: ${(e as Error).message}; the next command reconciles it from the journal`,
      );
    }
    await after.step(
      'the journal entry rollout.reduced',
      () =>
        journal(
          services,
          'rollout.reduced',
          { from: before.phase, to: prev.name, traffic: prev.traffic, reason },
          before.phase,
        ),
      undefined,
    );
    await after.step(
      'notifications',
      () =>
        notify(plan, services, {
          kind: 'reduced',
          phase: before.phase,
          to: prev.name,
          summary: `${plan.name}: reduced from ${before.phase} to ${prev.name} (${prev.traffic}%)`,
          lines: [reason],
        }),
      [],
      { soft: true },
    );
    const reports = services.dryRun
      ? []
      : await after.step(
          'the reports',
          () => writeReportsLazily({ plan, state, services, phases: [before.phase] }),
          [],
          { soft: true },
        );
    return { before, state, flag, to: prev.name, reports, warnings: after.warnings };
  });
}

/**
 * `rollout rollback`: the whole rollback plan, in order; on a rollout that is rolling back, it
 * continues from the first step that did not succeed.
 */
export async function rollbackNow(
  plan: Plan,
  services: Services,
  reason: string,
): Promise<{
  before: RolloutState;
  state: RolloutState;
  steps: RollbackStepResult[];
  reports: string[];
  warnings: string[];
}> {
  return withLock(services, async () => {
    const before = await loadState(plan, services);
    if (before.status === 'rolled-back')
      throw new RolloutError('usage', `the rollout "${plan.name}" was already rolled back at ${before.rolledBackAt}`, {
        hint: 'start again with `rollout reset PLAN --yes`',
      });
    const after = new AfterEffects(services);
    const { state, steps } = await runRollback({ plan, services, state: before, reason, after }).catch((e: unknown) => {
      throw after.explain(e);
    });
    const failed = steps.some((s) => s.status === 'failed');
    const phase = state.rollback?.phase ?? before.phase;
    await after.step(
      `the journal entry ${failed ? 'rollback.incomplete' : 'rollout.rolled-back'}`,
      () =>
        journal(
          services,
          failed ? 'rollback.incomplete' : 'rollout.rolled-back',
          {
            reason,
            steps: steps.map((s) => ({
              component: s.component,
              status: s.status,
              durationMs: s.durationMs,
              earlier: s.earlier ?? false,
            })),
          },
          phase,
        ),
      undefined,
    );
    await after.step(
      'notifications',
      () =>
        notify(plan, services, {
          kind: 'rolled-back',
          phase,
          summary: `${plan.name}: ${failed ? 'rollback incomplete' : 'rolled back'} from ${phase}`,
          lines: steps.map((s) => `${s.component}: ${s.status} (${s.detail})`),
        }),
      [],
      { soft: true },
    );
    const reports = services.dryRun
      ? []
      : await after.step('the reports', () => writeReportsLazily({ plan, state, services, phases: [phase] }), [], {
          soft: true,
        });
    return { before, state, steps, reports, warnings: after.warnings };
  });
}
