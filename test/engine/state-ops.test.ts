import { describe, expect, test } from '@jest/globals';
import {
  complete,
  currentRecord,
  enterPhase,
  initialState,
  paused,
  recordAnswer,
  recordApproval,
  resumed,
  resumedAfterRollback,
  rollbackStarted,
  rollbackStepRecorded,
  rolledBack,
} from '../../src/engine/state-ops.js';
import type { ChecklistAnswer, RolloutState } from '../../src/state/types.js';
import { at, buildPlan, DAY, HOUR, phaseInput } from '../helpers/builders.js';

const plan = buildPlan({
  phases: [
    phaseInput('pre-deploy', 0, { checklist: ['Backups taken'] }),
    phaseInput('canary', 10),
    phaseInput('full', 100),
  ],
});
const T = (h: number) => at(h * HOUR);
const answer = (over: Partial<ChecklistAnswer> = {}): ChecklistAnswer => ({
  id: 'backups-taken',
  text: 'Backups taken',
  status: 'done',
  by: 'ana',
  at: T(0),
  ...over,
});
const flag = { before: { enabled: true, traffic: 0 }, after: { enabled: true, traffic: 10, audience: undefined } };

describe('initialState', () => {
  test('a rollout that has not started is at its first phase', () => {
    expect(initialState(plan, T(0))).toEqual({
      version: 1,
      plan: 'demo',
      status: 'not-started',
      phaseIndex: 0,
      phase: 'pre-deploy',
      traffic: 0,
      phases: { 'pre-deploy': { name: 'pre-deploy', enteredAt: T(0), visits: 1, checklist: {}, approvals: [] } },
      startedAt: T(0),
      updatedAt: T(0),
    });
  });
});

describe('recording answers and approvals', () => {
  test('an answer starts the rollout and lands on the current phase', () => {
    const s = recordAnswer(initialState(plan, T(0)), answer(), T(1));
    expect(s.status).toBe('in-progress');
    expect(s.updatedAt).toBe(T(1));
    expect(s.phases['pre-deploy']!.checklist).toEqual({ 'backups-taken': answer() });
  });

  test('a later answer to the same item replaces the earlier one', () => {
    const s0 = recordAnswer(initialState(plan, T(0)), answer({ status: 'failed' }), T(1));
    const s1 = recordAnswer(s0, answer({ status: 'done', by: 'bo' }), T(2));
    expect(s1.phases['pre-deploy']!.checklist['backups-taken']).toMatchObject({ status: 'done', by: 'bo' });
  });

  test('approvals accumulate in order', () => {
    let s = initialState(plan, T(0));
    s = recordApproval(s, { by: 'ana', at: T(1) }, T(1));
    s = recordApproval(s, { by: 'bo', at: T(2), note: 'lgtm' }, T(2));
    expect(s.phases['pre-deploy']!.approvals).toEqual([
      { by: 'ana', at: T(1) },
      { by: 'bo', at: T(2), note: 'lgtm' },
    ]);
  });

  test('the state is never mutated', () => {
    const s0 = initialState(plan, T(0));
    const copy = structuredClone(s0);
    recordAnswer(s0, answer(), T(1));
    recordApproval(s0, { by: 'ana', at: T(1) }, T(1));
    enterPhase(s0, plan, 1, 10, T(2), flag);
    complete(s0, T(3));
    rolledBack(s0, T(3));
    paused(s0, T(3), 'why');
    expect(s0).toEqual(copy);
  });
});

describe('enterPhase', () => {
  const started = recordApproval(recordAnswer(initialState(plan, T(0)), answer(), T(1)), { by: 'ana', at: T(1) }, T(1));

  test('forward: records leftAt and the flag before/after on the phase left; the new phase starts clean', () => {
    const s = enterPhase(started, plan, 1, 10, T(2), flag);
    expect(s).toMatchObject({ status: 'in-progress', phaseIndex: 1, phase: 'canary', traffic: 10, updatedAt: T(2) });
    expect(s.phases['pre-deploy']).toEqual({
      name: 'pre-deploy',
      enteredAt: T(0),
      leftAt: T(2),
      visits: 1,
      checklist: { 'backups-taken': answer() },
      approvals: [{ by: 'ana', at: T(1) }],
      flagBefore: flag.before,
      flagAfter: flag.after,
    });
    expect(s.phases['canary']).toEqual({ name: 'canary', enteredAt: T(2), visits: 1, checklist: {}, approvals: [] });
  });

  test('without a flag change, no flag fields are recorded', () => {
    const s = enterPhase(started, plan, 1, 10, T(2));
    expect(s.phases['pre-deploy']).not.toHaveProperty('flagBefore');
    expect(s.phases['pre-deploy']).not.toHaveProperty('flagAfter');
  });

  test('re-entering a phase (a reduce) resets its approvals, keeps its checklist answers, counts the visit', () => {
    const forward = enterPhase(started, plan, 1, 10, T(2), flag);
    const back = enterPhase(forward, plan, 0, 0, T(5), { before: flag.after, after: flag.before });
    expect(back).toMatchObject({ phaseIndex: 0, phase: 'pre-deploy', traffic: 0 });
    expect(back.phases['pre-deploy']).toEqual({
      name: 'pre-deploy',
      enteredAt: T(5),
      visits: 2,
      checklist: { 'backups-taken': answer() },
      approvals: [],
    });
    expect(back.phases['canary']).toMatchObject({ leftAt: T(5), flagBefore: flag.after, flagAfter: flag.before });
  });

  test('traffic can be set apart from the phase (a reduce keeps the traffic it is given)', () => {
    expect(enterPhase(started, plan, 2, 50, T(2)).traffic).toBe(50);
  });
});

describe('complete, rolledBack, paused, resumed', () => {
  const inCanary = enterPhase(initialState(plan, T(0)), plan, 1, 10, T(1), flag);

  test('complete closes the current phase', () => {
    const s = complete(inCanary, T(3));
    expect(s).toMatchObject({ status: 'completed', completedAt: T(3), updatedAt: T(3), phase: 'canary', traffic: 10 });
    expect(s.phases['canary']!.leftAt).toBe(T(3));
  });

  test('rolledBack sets traffic 0 and closes the current phase', () => {
    const s = rolledBack(inCanary, T(3));
    expect(s).toMatchObject({ status: 'rolled-back', rolledBackAt: T(3), traffic: 0, phase: 'canary' });
    expect(s.phases['canary']!.leftAt).toBe(T(3));
  });

  test('paused records when and why; resumed clears both', () => {
    const p = paused(inCanary, T(3), 'waiting for the sale to end');
    expect(p).toMatchObject({
      status: 'paused',
      pausedAt: T(3),
      pauseReason: 'waiting for the sale to end',
      updatedAt: T(3),
    });
    const r = resumed(p, T(4));
    expect(r).toMatchObject({ status: 'in-progress', updatedAt: T(4) });
    expect(r.pausedAt).toBeUndefined();
    expect(r.pauseReason).toBeUndefined();
  });

  test('entering a phase while paused keeps the rollout paused', () => {
    const p = paused(inCanary, T(3));
    expect(enterPhase(p, plan, 0, 0, T(4)).status).toBe('paused');
  });
});

describe('currentRecord', () => {
  test('the current phase record, or a fresh one from the start time', () => {
    const s = initialState(plan, T(0));
    expect(currentRecord(s)).toBe(s.phases['pre-deploy']);
    const missing: RolloutState = { ...s, phases: {}, startedAt: at(-DAY) };
    expect(currentRecord(missing)).toEqual({
      name: 'pre-deploy',
      enteredAt: at(-DAY),
      visits: 1,
      checklist: {},
      approvals: [],
    });
  });
});

describe('rolling back', () => {
  const approved = recordApproval(
    enterPhase(recordAnswer(initialState(plan, T(0)), answer(), T(0)), plan, 1, 10, T(1), flag),
    { by: 'ana', at: T(2) },
    T(2),
  );

  test('a rollback that starts is rolling-back, with no step yet, and voids the approvals given so far', () => {
    const s = rollbackStarted(approved, T(3), 'breach');
    expect(s).toMatchObject({
      status: 'rolling-back',
      rollback: { startedAt: T(3), reason: 'breach', phase: 'canary', steps: [] },
    });
    expect(currentRecord(s).approvals).toEqual([]);
    expect(currentRecord(s).voidedApprovals).toEqual([{ by: 'ana', at: T(2) }]);
  });

  test('a step recorded again replaces the earlier outcome; a flag step done leaves 0% served', () => {
    const s0 = rollbackStarted(approved, T(3), 'breach');
    const failed = rollbackStepRecorded(
      s0,
      { index: 0, component: 'svc', kind: 'flag', status: 'failed', at: T(3), detail: '503', durationMs: 5 },
      T(3),
    );
    expect(failed.traffic).toBe(10);
    const done = rollbackStepRecorded(
      failed,
      { index: 0, component: 'svc', kind: 'flag', status: 'done', at: T(4), detail: 'off', durationMs: 5 },
      T(4),
    );
    expect(done.rollback!.steps).toEqual([expect.objectContaining({ index: 0, status: 'done' })]);
    expect(done).toMatchObject({ status: 'rolling-back', traffic: 0 });
    expect(rolledBack(done, T(5))).toMatchObject({ status: 'rolled-back', rollback: { finishedAt: T(5) } });
  });

  test('resuming after a rollback enters the chosen phase anew: in progress, no approvals, the rollback kept as finished', () => {
    const s = resumedAfterRollback(rolledBack(rollbackStarted(approved, T(3), 'breach'), T(4)), plan, 0, 0, T(6));
    expect(s).toMatchObject({
      status: 'in-progress',
      phase: 'pre-deploy',
      phaseIndex: 0,
      traffic: 0,
      rolledBackAt: undefined,
      rollback: { finishedAt: T(4) },
    });
    expect(currentRecord(s)).toMatchObject({ enteredAt: T(6), visits: 2, approvals: [] });
    expect(s.phases['canary']!.leftAt).toBe(T(6));
  });
});
