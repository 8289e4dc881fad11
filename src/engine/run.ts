/**
 * The rollout's flows, composed from the pipeline: load state → observe → assess → decide →
 * execute (through services) → save → notify → report. Commands call these and stay thin.
 */
import { RolloutError } from '../errors.js';
import { assessGate } from '../gates/assess.js';
import type { GateResult } from '../gates/types.js';
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import { decide, type Decision } from './decide.js';
import { setFlagTraffic, type FlagChange } from './flag-change.js';
import { journal } from './journal.js';
import { notify, type NotifyOutcome } from './notify.js';
import { observe } from './observe.js';
import { describeEffect, unfinishedEffects } from './recovery.js';
import { runRollback, type RollbackStepResult } from './rollback.js';
import type { Services } from './services.js';
import { complete, currentRecord, enterPhase, initialState, rolledBack } from './state-ops.js';

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
  dryRun: boolean;
}

/** Reports load only when a phase is left, so read-only commands never pay for them. */
async function writeReportsLazily(args: Parameters<typeof import('./reporting.js').writeReports>[0]): Promise<string[]> {
  const { writeReports } = await import('./reporting.js');
  return writeReports(args);
}

const iso = (services: Services) => new Date(services.clock.now()).toISOString();

export async function loadState(plan: Plan, services: Services): Promise<RolloutState> {
  const s = await services.store.load();
  if (s && s.plan !== plan.name) throw new RolloutError('usage', `the state in ${services.store.describe()} belongs to plan "${s.plan}", not "${plan.name}"`);
  return s ?? initialState(plan, iso(services));
}

/** Runs a change under the rollout's lock (a dry run changes nothing and needs none). */
export async function withLock<T>(services: Services, fn: () => Promise<T>): Promise<T> {
  if (services.dryRun) return fn();
  const lock = await services.store.lock();
  try {
    await reportInterrupted(services);
    return await fn();
  } finally {
    await lock.release();
  }
}

/**
 * A run that died between `effect.start` and its outcome left an effect that may or may not have
 * landed. Say so once, loudly, and close it in the journal; the provider is read again before any
 * new write, so nothing is done twice blindly.
 */
async function reportInterrupted(services: Services): Promise<void> {
  const open = unfinishedEffects(await services.store.journal());
  for (const e of open) {
    services.log.warn(`a previous run stopped before it finished: ${describeEffect(e)}; check what it did (\`rollout status\`, the provider) before relying on the state`);
    await services.store.append({
      at: new Date(services.clock.now()).toISOString(),
      clock: services.clock.simulated ? 'ROLLOUT_NOW' : 'system',
      type: 'effect.interrupted',
      phase: e.phase,
      effect: e.effect,
      data: { action: (e.data as { action?: string }).action, startedAt: e.at, actor: services.actor },
    });
  }
}

function assertActive(state: RolloutState): void {
  if (state.status === 'completed') throw new RolloutError('usage', `the rollout "${state.plan}" completed at ${state.completedAt}; there is nothing left to do`);
  if (state.status === 'rolled-back') {
    throw new RolloutError('usage', `the rollout "${state.plan}" was rolled back at ${state.rolledBackAt}`, {
      hint: 'fix the cause, then start again with `rollout reset PLAN --yes`',
    });
  }
}

/** Evaluates the current phase's gate now. Changes nothing. */
export async function evaluate(plan: Plan, services: Services, applyContingency = false): Promise<{ state: RolloutState; gate: GateResult; decision: Decision }> {
  const state = await loadState(plan, services);
  assertActive(state);
  const now = services.clock.now();
  const observations = await observe({ plan, phaseIndex: state.phaseIndex, services, now, enteredAt: Date.parse(currentRecord(state).enteredAt) });
  const gate = assessGate({ plan, phaseIndex: state.phaseIndex, record: currentRecord(state), observations, now, paused: state.status === 'paused' });
  return { state, gate, decision: decide({ plan, state, gate, applyContingency }) };
}

export async function advance(plan: Plan, services: Services, opts: { applyContingency: boolean }): Promise<Outcome> {
  return withLock(services, async () => {
    const { state: before, gate, decision: decided } = await evaluate(plan, services, opts.applyContingency);
    const at = iso(services);
    await journal(services, 'gate.evaluated', { decision: decided.decision, from: decided.from, to: decided.to, verdict: gate.verdict, criteria: gate.criteria, reported: gate.reported, reasons: decided.reasons, contingency: decided.contingency }, before.phase);

    let state: RolloutState = { ...before, status: before.status === 'not-started' ? 'in-progress' : before.status, updatedAt: at, simulatedClock: before.simulatedClock || services.clock.simulated };
    let flag: FlagChange | undefined;
    let rollback: RollbackStepResult[] | undefined;
    try {
      for (const action of decided.actions) {
        if (action.type === 'set-traffic' || action.type === 'reduce') {
          const target = plan.phases[action.toPhase]!;
          flag = await setFlagTraffic({
            plan,
            services,
            phase: before.phase,
            traffic: action.traffic,
            audience: action.audience,
            reason: action.type === 'reduce' ? `contingency: back to ${target.name} (${action.traffic}%)` : `enter ${target.name} (${action.traffic}%)`,
          });
          state = enterPhase(state, plan, action.toPhase, action.traffic, at, { before: flag.before, after: flag.after });
        } else if (action.type === 'complete') {
          state = complete(state, at);
        } else {
          rollback = await runRollback({ plan, services, phase: before.phase, reason: decided.reasons[0] ?? 'gate failed' });
          if (!rollback.some((r) => r.status === 'failed')) state = rolledBack(state, at);
          // The flag is off even when a later step failed: the state says what is served.
          else if (rollback.some((r) => r.kind === 'flag' && r.status === 'done')) state = { ...state, traffic: 0 };
        }
      }
    } catch (e) {
      // The decision above was not carried out: say so, so the journal never reads as if it had been.
      await journal(services, 'advance.aborted', { decision: decided.decision, error: (e as Error).message, state: 'unchanged' }, before.phase);
      throw e;
    }

    // A rollback with a failed step has not rolled the rollout back: the gate failed, the contingency
    // was applied and is incomplete; never report it as rolled back.
    const failedSteps = rollback?.filter((r) => r.status === 'failed') ?? [];
    const decision: Decision =
      failedSteps.length === 0
        ? decided
        : { ...decided, decision: 'failed', reasons: [...decided.reasons, `rollback incomplete: ${failedSteps.map((r) => `${r.component} (${r.detail})`).join(', ')}; fix it and run \`rollout rollback\` again`] };

    // A gate that holds (or fails without a contingency applied) notifies when its reason changes,
    // not at every scheduled check.
    let notifyKind: string | undefined = decision.decision;
    if (decision.decision === 'held' || (decision.decision === 'failed' && !decision.contingency?.applied)) {
      const verdict = decision.decision === 'held' ? 'hold' : 'fail';
      const key = `${decision.decision}:${gate.criteria.filter((c) => c.verdict === verdict).map((c) => c.name).join(',')}`;
      if (key === before.lastHeldKey) notifyKind = undefined;
      state = { ...state, lastHeldKey: key };
    } else state = { ...state, lastHeldKey: undefined };

    if (!services.dryRun) await services.store.save(state);
    await journal(services, `rollout.${decision.decision}`, { from: decision.from, to: decision.to, traffic: state.traffic, status: state.status }, before.phase);

    const notifications = notifyKind
      ? await notify(plan, services, {
          kind: (decision.contingency?.applied ? (decision.decision === 'rolled-back' ? 'rolled-back' : 'contingency-applied') : decision.decision) as never,
          phase: decision.from,
          to: decision.to ?? undefined,
          summary: summaryLine(plan, decision, state),
          lines: decision.reasons,
        })
      : [];
    // Every decision lands in the report of the phase it was taken in (contract §2): the phase left, or
    // the phase that holds or failed, whose report then shows the latest gate.
    const reports = services.dryRun ? [] : await writeReportsLazily({ plan, state, services, phases: [before.phase] });
    return { decision, gate, before, state, at, flag, rollback, notifications, reports, dryRun: services.dryRun };
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
export async function reduce(plan: Plan, services: Services, reason: string): Promise<{ before: RolloutState; state: RolloutState; flag: FlagChange; to: string; reports: string[] }> {
  return withLock(services, async () => {
    const before = await loadState(plan, services);
    assertActive(before);
    const i = before.phaseIndex;
    if (i === 0) throw new RolloutError('usage', `"${before.phase}" is the first phase; there is no earlier traffic to go back to`, { hint: 'use `rollout rollback` to turn the feature off' });
    const prev = plan.phases[i - 1]!;
    const at = iso(services);
    const flag = await setFlagTraffic({ plan, services, phase: before.phase, traffic: prev.traffic, audience: prev.audience, reason: `reduce: ${reason}` });
    const state = enterPhase(before, plan, i - 1, prev.traffic, at, { before: flag.before, after: flag.after });
    if (!services.dryRun) await services.store.save(state);
    await journal(services, 'rollout.reduced', { from: before.phase, to: prev.name, traffic: prev.traffic, reason }, before.phase);
    await notify(plan, services, { kind: 'reduced', phase: before.phase, to: prev.name, summary: `${plan.name}: reduced from ${before.phase} to ${prev.name} (${prev.traffic}%)`, lines: [reason] });
    const reports = services.dryRun ? [] : await writeReportsLazily({ plan, state, services, phases: [before.phase] });
    return { before, state, flag, to: prev.name, reports };
  });
}

/** `rollout rollback`: the whole rollback plan, in order. */
export async function rollbackNow(plan: Plan, services: Services, reason: string): Promise<{ before: RolloutState; state: RolloutState; steps: RollbackStepResult[]; reports: string[] }> {
  return withLock(services, async () => {
    const before = await loadState(plan, services);
    if (before.status === 'rolled-back') throw new RolloutError('usage', `the rollout "${plan.name}" was already rolled back at ${before.rolledBackAt}`);
    await journal(services, 'rollback.started', { reason, steps: plan.rollback.length }, before.phase);
    const steps = await runRollback({ plan, services, phase: before.phase, reason });
    const at = iso(services);
    const failed = steps.some((s) => s.status === 'failed');
    const flagOff = steps.some((s) => s.kind === 'flag' && s.status === 'done');
    const state = failed ? { ...before, updatedAt: at, traffic: flagOff ? 0 : before.traffic } : rolledBack(before, at);
    if (!services.dryRun) await services.store.save(state);
    await journal(services, failed ? 'rollback.incomplete' : 'rollout.rolled-back', { reason, steps: steps.map((s) => ({ component: s.component, status: s.status, durationMs: s.durationMs })) }, before.phase);
    await notify(plan, services, {
      kind: 'rolled-back',
      phase: before.phase,
      summary: `${plan.name}: ${failed ? 'rollback incomplete' : 'rolled back'} from ${before.phase}`,
      lines: steps.map((s) => `${s.component}: ${s.status} (${s.detail})`),
    });
    const reports = services.dryRun ? [] : await writeReportsLazily({ plan, state, services, phases: [before.phase] });
    return { before, state, steps, reports };
  });
}
