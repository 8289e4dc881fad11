/** Pure state transitions: each takes a state and returns the next one. */
import type { Plan } from '../plan/schema.js';
import type { Approval, ChecklistAnswer, PhaseRecord, RolloutState } from '../state/types.js';

export function initialState(plan: Plan, nowIso: string): RolloutState {
  const first = plan.phases[0]!;
  return {
    version: 1,
    plan: plan.name,
    status: 'not-started',
    phaseIndex: 0,
    phase: first.name,
    traffic: first.traffic,
    phases: { [first.name]: newRecord(first.name, nowIso) },
    startedAt: nowIso,
    updatedAt: nowIso,
  };
}

function newRecord(name: string, nowIso: string, prev?: PhaseRecord): PhaseRecord {
  return { name, enteredAt: nowIso, visits: (prev?.visits ?? 0) + 1, checklist: prev?.checklist ?? {}, approvals: [] };
}

export function currentRecord(state: RolloutState): PhaseRecord {
  return state.phases[state.phase] ?? { name: state.phase, enteredAt: state.startedAt, visits: 1, checklist: {}, approvals: [] };
}

const touch = (s: RolloutState, nowIso: string): RolloutState => ({
  ...s,
  status: s.status === 'not-started' ? 'in-progress' : s.status,
  updatedAt: nowIso,
});

/** Enters another phase (forward on advance, backward on reduce); approvals never carry over. */
export function enterPhase(s: RolloutState, plan: Plan, index: number, traffic: number, nowIso: string, flag?: { before: unknown; after: unknown }): RolloutState {
  const name = plan.phases[index]!.name;
  const left = { ...currentRecord(s), leftAt: nowIso, ...(flag ? { flagBefore: flag.before, flagAfter: flag.after } : {}) };
  return {
    ...touch(s, nowIso),
    phaseIndex: index,
    phase: name,
    traffic,
    phases: { ...s.phases, [s.phase]: left, [name]: newRecord(name, nowIso, s.phases[name]) },
  };
}

export function recordAnswer(s: RolloutState, answer: ChecklistAnswer, nowIso: string): RolloutState {
  const rec = currentRecord(s);
  return { ...touch(s, nowIso), phases: { ...s.phases, [s.phase]: { ...rec, checklist: { ...rec.checklist, [answer.id]: answer } } } };
}

export function recordApproval(s: RolloutState, approval: Approval, nowIso: string): RolloutState {
  const rec = currentRecord(s);
  return { ...touch(s, nowIso), phases: { ...s.phases, [s.phase]: { ...rec, approvals: [...rec.approvals, approval] } } };
}

export function complete(s: RolloutState, nowIso: string): RolloutState {
  const rec = { ...currentRecord(s), leftAt: nowIso };
  return { ...touch(s, nowIso), status: 'completed', completedAt: nowIso, phases: { ...s.phases, [s.phase]: rec } };
}

export function rolledBack(s: RolloutState, nowIso: string): RolloutState {
  const rec = { ...currentRecord(s), leftAt: nowIso };
  return { ...touch(s, nowIso), status: 'rolled-back', traffic: 0, rolledBackAt: nowIso, phases: { ...s.phases, [s.phase]: rec } };
}

export function paused(s: RolloutState, nowIso: string, reason?: string): RolloutState {
  return { ...touch(s, nowIso), status: 'paused', pausedAt: nowIso, pauseReason: reason };
}

export function resumed(s: RolloutState, nowIso: string): RolloutState {
  return { ...touch(s, nowIso), status: 'in-progress', pausedAt: undefined, pauseReason: undefined };
}
