/** Pure state transitions: each takes a state and returns the next one; and what a state allows. */
import { RolloutError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import type { Approval, ChecklistAnswer, PhaseRecord, RollbackStepRecord, RolloutState } from '../state/types.js';

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
  return {
    name,
    enteredAt: nowIso,
    visits: (prev?.visits ?? 0) + 1,
    checklist: prev?.checklist ?? {},
    approvals: [],
    ...(prev?.voidedApprovals ? { voidedApprovals: prev.voidedApprovals } : {}),
  };
}

export function currentRecord(state: RolloutState): PhaseRecord {
  return (
    state.phases[state.phase] ?? {
      name: state.phase,
      enteredAt: state.startedAt,
      visits: 1,
      checklist: {},
      approvals: [],
    }
  );
}

const touch = (s: RolloutState, nowIso: string): RolloutState => ({
  ...s,
  status: s.status === 'not-started' ? 'in-progress' : s.status,
  updatedAt: nowIso,
});

/** Enters another phase (forward on advance, backward on reduce); approvals never carry over. */
export function enterPhase(
  s: RolloutState,
  plan: Plan,
  index: number,
  traffic: number,
  nowIso: string,
  flag?: { before: unknown; after: unknown },
): RolloutState {
  const name = plan.phases[index]!.name;
  const left = {
    ...currentRecord(s),
    leftAt: nowIso,
    ...(flag ? { flagBefore: flag.before, flagAfter: flag.after } : {}),
  };
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
  return {
    ...touch(s, nowIso),
    phases: { ...s.phases, [s.phase]: { ...rec, checklist: { ...rec.checklist, [answer.id]: answer } } },
  };
}

export function recordApproval(s: RolloutState, approval: Approval, nowIso: string): RolloutState {
  const rec = currentRecord(s);
  return {
    ...touch(s, nowIso),
    phases: { ...s.phases, [s.phase]: { ...rec, approvals: [...rec.approvals, approval] } },
  };
}

export function complete(s: RolloutState, nowIso: string): RolloutState {
  const rec = { ...currentRecord(s), leftAt: nowIso };
  return { ...touch(s, nowIso), status: 'completed', completedAt: nowIso, phases: { ...s.phases, [s.phase]: rec } };
}

/**
 * A rollback starts: `rolling-back` until it finishes. Approvals given so far are voided (kept for
 * the record, never counted again): whatever comes after a rollback needs new ones.
 */
export function rollbackStarted(s: RolloutState, nowIso: string, reason: string): RolloutState {
  const rec = currentRecord(s);
  const voided = [...(rec.voidedApprovals ?? []), ...rec.approvals];
  return {
    ...touch(s, nowIso),
    status: 'rolling-back',
    pausedAt: undefined,
    pauseReason: undefined,
    rollback: { startedAt: nowIso, reason, phase: s.phase, steps: [] },
    phases: {
      ...s.phases,
      [s.phase]: { ...rec, approvals: [], ...(voided.length > 0 ? { voidedApprovals: voided } : {}) },
    },
  };
}

/** One step's outcome, replacing what an earlier run recorded for it; a flag step that is done leaves 0% served. */
export function rollbackStepRecorded(s: RolloutState, step: RollbackStepRecord, nowIso: string): RolloutState {
  const rb = s.rollback ?? { startedAt: nowIso, reason: 'rollback', phase: s.phase, steps: [] };
  const steps = [...rb.steps.filter((x) => x.index !== step.index), step].sort((a, b) => a.index - b.index);
  return {
    ...s,
    updatedAt: nowIso,
    traffic: step.kind === 'flag' && step.status === 'done' ? 0 : s.traffic,
    // the flag is off: the plain `on` variant is what it serves once it is turned on again
    served: step.kind === 'flag' && step.status === 'done' ? undefined : s.served,
    rollback: { ...rb, steps },
  };
}

export function rolledBack(s: RolloutState, nowIso: string): RolloutState {
  const rec = { ...currentRecord(s), leftAt: nowIso };
  return {
    ...touch(s, nowIso),
    status: 'rolled-back',
    traffic: 0,
    rolledBackAt: nowIso,
    rollback: s.rollback ? { ...s.rollback, finishedAt: nowIso } : undefined,
    phases: { ...s.phases, [s.phase]: rec },
  };
}

/**
 * A person resumes a rolling-back or rolled-back rollout: it goes back to phase `index` (the phase
 * whose traffic the flag serves now), entered anew: its soak starts over and it needs new approvals.
 */
export function resumedAfterRollback(
  s: RolloutState,
  plan: Plan,
  index: number,
  traffic: number,
  nowIso: string,
): RolloutState {
  const base: RolloutState = {
    ...s,
    status: 'in-progress',
    rolledBackAt: undefined,
    pausedAt: undefined,
    pauseReason: undefined,
    rollback: s.rollback ? { ...s.rollback, finishedAt: s.rollback.finishedAt ?? nowIso } : undefined,
  };
  return enterPhase(base, plan, index, traffic, nowIso);
}

export function paused(s: RolloutState, nowIso: string, reason?: string): RolloutState {
  return { ...touch(s, nowIso), status: 'paused', pausedAt: nowIso, pauseReason: reason };
}

export function resumed(s: RolloutState, nowIso: string): RolloutState {
  return { ...touch(s, nowIso), status: 'in-progress', pausedAt: undefined, pauseReason: undefined };
}

/** A completed, rolled-back or rolling-back rollout does not move until a person decides what comes next. */
export function assertActive(state: RolloutState): void {
  if (state.status === 'completed')
    throw new RolloutError(
      'usage',
      `the rollout "${state.plan}" completed at ${state.completedAt}; there is nothing left to do`,
    );
  if (state.status === 'rolled-back') {
    throw new RolloutError('usage', `the rollout "${state.plan}" was rolled back at ${state.rolledBackAt}`, {
      hint: 'fix the cause, then start again with `rollout reset PLAN --yes` (or `rollout resume PLAN --yes` to go on from the phase the flag serves now)',
    });
  }
  if (state.status === 'rolling-back') {
    const steps = state.rollback?.steps ?? [];
    const failed = steps.filter((s) => s.status === 'failed').map((s) => s.component);
    throw new RolloutError(
      'usage',
      `the rollout "${state.plan}" is rolling back since ${state.rollback?.startedAt ?? state.updatedAt} (${steps.filter((s) => s.status === 'done').length} step(s) done${failed.length ? `; failed: ${failed.join(', ')}` : ''}); it does not move until the rollback is finished or a person decides otherwise`,
      {
        hint: 'finish it with `rollout rollback PLAN` (it continues from the first step that did not succeed); or start over with `rollout reset PLAN --yes`; or `rollout resume PLAN --yes` to go on from the phase the flag serves now, without the approvals given before the rollback',
      },
    );
  }
}
