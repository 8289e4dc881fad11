import { describe, expect, test } from '@jest/globals';
import { decide, EXIT_FOR_DECISION, type ContingencyAction } from '../../src/engine/decide.js';
import type { ContingencyLevel, PlanInput } from '../../src/plan/schema.js';
import { buildPlan, criterion, gateResult, phaseInput, stateAt } from '../helpers/builders.js';

const phases = [
  phaseInput('pre-deploy', 0),
  phaseInput('canary-5', 5, { audience: 'beta' }),
  phaseInput('canary-25', 25, { audience: 'active' }),
  phaseInput('full', 100),
];
const audiences = { beta: { attribute: 'group', in: ['beta'] }, active: { attribute: 'activity', in: ['active'] } };
const rollback = [
  { component: 'svc', procedure: 'flag off', action: 'flag' as const, estimate: '2m' },
  { component: 'db', procedure: 'restore', manual: true },
];
const withContingency = (contingency: PlanInput['contingency'] = {}) =>
  buildPlan({ phases, audiences, rollback, contingency });
const reference = withContingency({
  light: { action: 'hold' },
  moderate: { action: 'reduce-traffic' },
  severe: { action: 'rollback' },
});

const failing = (level: ContingencyLevel) =>
  gateResult('fail', {
    level,
    criteria: [
      criterion({ name: 'minDuration', kind: 'minDuration', verdict: 'hold', detail: '1h of 48h' }),
      criterion({ name: 'latency', verdict: 'fail', level, detail: '612 ms breaks < 500 ms' }),
    ],
  });

describe('decide: pass', () => {
  test('advances to the next phase with its traffic and audience', () => {
    const d = decide({
      plan: reference,
      state: stateAt(reference, 1),
      gate: gateResult('pass'),
      applyContingency: false,
    });
    expect(d).toEqual({
      decision: 'advanced',
      from: 'canary-5',
      to: 'canary-25',
      reasons: ['every criterion passed; 5% of beta → 25% of active'],
      actions: [{ type: 'set-traffic', toPhase: 2, traffic: 25, audience: 'active' }],
    });
  });

  test('into a phase with no audience: everyone', () => {
    const d = decide({
      plan: reference,
      state: stateAt(reference, 2),
      gate: gateResult('pass'),
      applyContingency: false,
    });
    expect(d.actions).toEqual([{ type: 'set-traffic', toPhase: 3, traffic: 100, audience: undefined }]);
  });

  test('from the last phase: completed', () => {
    const d = decide({
      plan: reference,
      state: stateAt(reference, 3),
      gate: gateResult('pass'),
      applyContingency: false,
    });
    expect(d).toEqual({
      decision: 'completed',
      from: 'full',
      to: null,
      reasons: ['every criterion passed on the last phase'],
      actions: [{ type: 'complete' }],
    });
  });
});

describe('decide: hold', () => {
  test('held, naming the holding criteria, no actions', () => {
    const gate = gateResult('hold', {
      criteria: [
        criterion({ name: 'minDuration', kind: 'minDuration', verdict: 'hold', detail: '1h of 48h' }),
        criterion({ name: 'latency', verdict: 'pass' }),
        criterion({ name: 'approvals', kind: 'approvals', verdict: 'hold', detail: '0/1' }),
      ],
    });
    const d = decide({ plan: reference, state: stateAt(reference, 1), gate, applyContingency: true });
    expect(d).toEqual({
      decision: 'held',
      from: 'canary-5',
      to: 'canary-25',
      reasons: ['minDuration: 1h of 48h', 'approvals: 0/1'],
      actions: [],
    });
  });

  test('held on the last phase has no next phase', () => {
    expect(
      decide({ plan: reference, state: stateAt(reference, 3), gate: gateResult('hold'), applyContingency: false }).to,
    ).toBeNull();
  });
});

describe('decide: fail', () => {
  test('reports the contingency without applying it', () => {
    const d = decide({
      plan: reference,
      state: stateAt(reference, 2),
      gate: failing('moderate'),
      applyContingency: false,
    });
    expect(d).toEqual({
      decision: 'failed',
      from: 'canary-25',
      to: null,
      reasons: ['latency: 612 ms breaks < 500 ms'],
      contingency: {
        level: 'moderate',
        action: 'reduce-traffic',
        advised: false,
        applied: false,
        automatic: false,
        advice: 'step back to "canary-5" (5% of beta): `rollout reduce` or `rollout advance --apply-contingency`',
      },
      actions: [],
    });
  });

  test.each<[ContingencyLevel, boolean, string, ContingencyAction, boolean, object[]]>([
    ['light', false, 'failed', 'hold', false, []],
    ['light', true, 'failed', 'hold', false, []],
    ['moderate', false, 'failed', 'reduce-traffic', false, []],
    [
      'moderate',
      true,
      'reduced',
      'reduce-traffic',
      true,
      [{ type: 'reduce', toPhase: 1, traffic: 5, audience: 'beta' }],
    ],
    ['severe', false, 'failed', 'rollback', false, []],
    ['severe', true, 'rolled-back', 'rollback', true, [{ type: 'rollback' }]],
  ])(
    '%s with applyContingency=%s → %s (%s, advised %s; applied only once advance ran it)',
    (level, applyContingency, decision, action, advised, actions) => {
      const d = decide({ plan: reference, state: stateAt(reference, 2), gate: failing(level), applyContingency });
      expect(d.decision).toBe(decision);
      expect(d.contingency).toMatchObject({ level, action, advised, applied: false, automatic: false });
      expect(d.actions).toEqual(actions);
      expect(d.to).toBe(decision === 'reduced' ? 'canary-5' : null);
    },
  );

  test.each<[ContingencyLevel, ContingencyAction, string, object[]]>([
    ['moderate', 'reduce-traffic', 'reduced', [{ type: 'reduce', toPhase: 1, traffic: 5, audience: 'beta' }]],
    ['severe', 'rollback', 'rolled-back', [{ type: 'rollback' }]],
  ])('`automatic: true` applies %s (%s) without being asked', (level, action, decision, actions) => {
    const plan = withContingency({ [level]: { action, automatic: true } });
    const d = decide({ plan, state: stateAt(plan, 2), gate: failing(level), applyContingency: false });
    expect(d.decision).toBe(decision);
    expect(d.contingency).toMatchObject({ level, action, advised: true, applied: false, automatic: true });
    expect(d.actions).toEqual(actions);
  });

  test.each<[ContingencyAction]>([['hold'], ['adjust-flags']])('%s is never "applied": a person acts', (action) => {
    const plan = withContingency({ moderate: { action, automatic: true } });
    const d = decide({ plan, state: stateAt(plan, 2), gate: failing('moderate'), applyContingency: true });
    expect(d.decision).toBe('failed');
    expect(d.contingency).toMatchObject({ action, advised: false, applied: false, automatic: true });
    expect(d.contingency!.advice).toMatch(
      action === 'hold' ? /hold the traffic where it is/ : /adjust the feature parameters by flag/,
    );
    expect(d.actions).toEqual([]);
  });

  test('reduce from the first phase becomes a rollback', () => {
    const d = decide({
      plan: reference,
      state: stateAt(reference, 0),
      gate: failing('moderate'),
      applyContingency: true,
    });
    expect(d.decision).toBe('rolled-back');
    expect(d.contingency).toMatchObject({ level: 'moderate', action: 'rollback', advised: true, applied: false });
    expect(d.contingency!.advice).toBe(
      'there is no earlier phase to step back to; run the rollback plan (2 steps): `rollout rollback` or `rollout advance --apply-contingency`',
    );
    expect(d.actions).toEqual([{ type: 'rollback' }]);
  });

  test('reduce from the first phase, not applied, still says rollback', () => {
    const d = decide({
      plan: reference,
      state: stateAt(reference, 0),
      gate: failing('moderate'),
      applyContingency: false,
    });
    expect(d).toMatchObject({
      decision: 'failed',
      contingency: { action: 'rollback', advised: false, applied: false },
      actions: [],
    });
  });

  test('reduce from the second phase steps back to the first', () => {
    const d = decide({
      plan: reference,
      state: stateAt(reference, 1),
      gate: failing('moderate'),
      applyContingency: true,
    });
    expect(d).toMatchObject({
      decision: 'reduced',
      from: 'canary-5',
      to: 'pre-deploy',
      actions: [{ type: 'reduce', toPhase: 0, traffic: 0, audience: undefined }],
    });
  });

  test.each<[ContingencyLevel, ContingencyAction]>([
    ['light', 'hold'],
    ['moderate', 'reduce-traffic'],
    ['severe', 'rollback'],
  ])('with no contingency in the plan, %s → %s', (level, action) => {
    const plan = withContingency();
    const d = decide({ plan, state: stateAt(plan, 2), gate: failing(level), applyContingency: false });
    expect(d.contingency).toMatchObject({ level, action, automatic: false, applied: false });
  });

  test('the plan overrides the default per level', () => {
    const plan = withContingency({ light: { action: 'rollback' } });
    const d = decide({ plan, state: stateAt(plan, 2), gate: failing('light'), applyContingency: true });
    expect(d).toMatchObject({ decision: 'rolled-back', contingency: { level: 'light', action: 'rollback' } });
  });

  test('a failed gate without a level is treated as moderate', () => {
    const gate = gateResult('fail', { criteria: [criterion({ verdict: 'fail' })] });
    delete gate.level;
    expect(
      decide({ plan: reference, state: stateAt(reference, 2), gate, applyContingency: false }).contingency!.level,
    ).toBe('moderate');
  });
});

describe('exit codes', () => {
  test('follow the contract table', () => {
    expect(EXIT_FOR_DECISION).toEqual({ advanced: 0, completed: 0, held: 3, failed: 4, 'rolled-back': 4, reduced: 4 });
  });
});
