/**
 * read → decide: the current phase's gate judged now, and what it calls for. Changes nothing; every
 * flow that acts on a gate (advance, check, status) starts here.
 */
import { assessGate } from '../../gates/assess.js';
import { hasComparisons, type JudgeGate } from '../../gates/comparisons.js';
import type { GateResult, Observations } from '../../gates/types.js';
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import { decide, type Decision } from '../decide.js';
import { observe } from '../observe.js';
import type { Services } from '../services.js';
import { loadState } from '../session.js';
import { assertActive, currentRecord } from '../state-ops.js';

export interface Evaluation {
  state: RolloutState;
  gate: GateResult;
  decision: Decision;
  /** what the gate was judged on (status draws each metric's window from it) */
  observations: Observations;
}

/** Evaluates the current phase's gate now. Changes nothing. */
export async function evaluate(plan: Plan, services: Services, applyContingency = false): Promise<Evaluation> {
  const state = await loadState(plan, services);
  assertActive(state);
  return { state, ...(await judge(plan, services, state, applyContingency)) };
}

/** The gate of the state's phase, observed and assessed now, and the decision it leads to. */
export async function judge(
  plan: Plan,
  services: Services,
  state: RolloutState,
  applyContingency: boolean,
): Promise<{ gate: GateResult; decision: Decision; observations: Observations }> {
  const now = services.clock.now();
  const record = currentRecord(state);
  const observations = await observe({
    plan,
    phaseIndex: state.phaseIndex,
    services,
    now,
    enteredAt: Date.parse(record.enteredAt),
  });
  // Comparisons: counts since the phase was entered, judged by src/stats, loaded only when needed.
  let judgeStats: JudgeGate | undefined;
  if (hasComparisons(plan)) {
    const [{ judgeGate }, { observeCounts }] = await Promise.all([
      import('../../stats/judge-gate.js'),
      import('../observe-counts.js'),
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
  return { gate, decision: decide({ plan, state, gate, applyContingency }), observations };
}
