/**
 * `rollout advance`: read (under the lock) → decide (the gate judged once) → execute (the decision's
 * actions) → commit (state, `rollout.<decision>`, notifications, the phase's report).
 */
import type { GateResult } from '../../gates/types.js';
import type { Plan } from '../../plan/schema.js';
import type { NotificationKind } from '../../providers/types.js';
import type { RolloutState } from '../../state/types.js';
import { AfterEffects } from '../after-effects.js';
import { commit } from '../commit.js';
import type { Decision } from '../decide.js';
import { execute } from '../execute.js';
import type { FlagChange } from '../flag-change.js';
import { journal } from '../journal.js';
import type { NotifyOutcome } from '../notify.js';
import type { RollbackStepResult } from '../rollback-steps.js';
import type { Services } from '../services.js';
import { withLock } from '../session.js';
import type { ComponentRun } from '../component-switch.js';
import { evaluate } from './evaluate.js';
import { preSwitchChecks, switchFailed } from './pre-switch.js';
import { heldKey, summaryLine, withRollbackOutcome } from './outcome.js';
import { phaseServed } from '../../reports/served.js';

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
  /** blue-green components: pre-switch checks, switches and switch-backs this run did */
  components: ComponentRun[];
  /** what was not written after the effects landed */
  warnings: string[];
}

export async function advance(plan: Plan, services: Services, opts: { applyContingency: boolean }): Promise<Outcome> {
  return withLock(services, async () => {
    // read → decide
    const evaluated = await evaluate(plan, services, opts.applyContingency);
    const { state: before, gate } = evaluated;
    // blue-green components: a failed pre-switch check holds, and nothing is switched
    const { decision: decided, checks } = await preSwitchChecks(plan, services, before.phase, evaluated.decision);
    const at = new Date(services.clock.now()).toISOString();
    const after = new AfterEffects(services);
    await journal(services, {
      type: 'gate.evaluated',
      phase: before.phase,
      data: {
        decision: decided.decision,
        from: decided.from,
        to: decided.to,
        verdict: gate.verdict,
        criteria: gate.criteria,
        reported: gate.reported,
        reasons: decided.reasons,
        contingency: decided.contingency,
      },
    });

    // execute
    const started: RolloutState = {
      ...before,
      status: before.status === 'not-started' ? 'in-progress' : before.status,
      updatedAt: at,
      simulatedClock: before.simulatedClock || services.clock.simulated,
    };
    const done = await execute(decided.actions, {
      plan,
      services,
      state: started,
      at,
      after,
      reasons: {
        reduce: (to, traffic) => `contingency: back to ${to} (${phaseServed(plan, to, traffic)})`,
        rollback: decided.reasons[0] ?? 'gate failed',
      },
      // the decision was not carried out: say so, so the journal never reads as if it had been
      onAbort: async (e) => {
        await journal(services, {
          type: 'advance.aborted',
          phase: before.phase,
          data: { decision: decided.decision, error: e.message, state: 'unchanged' },
        });
      },
    });
    const ran = withRollbackOutcome(decided, done.rollback, done.applied);
    const decision = done.switchFailed
      ? switchFailed(
          ran,
          done.switchFailed,
          done.components?.find((r) => r.kind === 'switch-back'),
        )
      : ran;

    // A gate that holds (or fails without a contingency applied) notifies when its reason changes only.
    const held = heldKey(decision, gate);
    const notifyNow = held === undefined || held !== before.lastHeldKey;
    const state: RolloutState = rememberStats({ ...done.state, lastHeldKey: held }, before, gate);

    // commit: every decision lands in the report of the phase it was taken in (contract §2)
    const kind = (
      decision.contingency?.applied
        ? decision.decision === 'rolled-back'
          ? 'rolled-back'
          : 'contingency-applied'
        : decision.decision
    ) as NotificationKind;
    const { notifications, reports } = await commit({
      plan,
      services,
      after,
      state,
      event: {
        type: `rollout.${decision.decision}`,
        phase: before.phase,
        data: {
          from: decision.from,
          to: decision.to,
          traffic: state.traffic,
          status: state.status,
          ...(decision.contingency ? { contingency: decision.contingency } : {}),
        },
      },
      notification: notifyNow
        ? {
            kind,
            phase: decision.from,
            to: decision.to ?? undefined,
            summary: summaryLine(plan, decision, state),
            lines: decision.reasons,
          }
        : undefined,
      reportPhases: [before.phase],
    });
    return {
      decision,
      gate,
      before,
      state,
      at,
      flag: done.flag,
      rollback: done.rollback,
      notifications,
      reports,
      components: [...checks, ...(done.components ?? [])],
      warnings: after.warnings,
    };
  });
}

/** Keeps what the phase's comparisons remember (a FAIL stays a FAIL for the rest of the phase visit). */
function rememberStats(state: RolloutState, before: RolloutState, gate: GateResult): RolloutState {
  const rec = state.phases[before.phase];
  const was = before.phases[before.phase];
  if (!gate.statsMemory || !rec || !was || rec.enteredAt !== was.enteredAt) return state;
  return { ...state, phases: { ...state.phases, [before.phase]: { ...rec, stats: gate.statsMemory } } };
}
