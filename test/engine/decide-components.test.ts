/** decide with blue-green components: the switch before the traffic, the switch-back on any failed gate. */
import { describe, expect, test } from '@jest/globals';
import { decide } from '../../src/engine/decide.js';
import { summaryLine } from '../../src/engine/flows/outcome.js';
import { switchFailed } from '../../src/engine/flows/pre-switch.js';
import type { ContingencyLevel } from '../../src/plan/schema.js';
import type { RolloutState } from '../../src/state/types.js';
import { buildPlan, criterion, gateResult, phaseInput, stateAt } from '../helpers/builders.js';

const plan = buildPlan({
  phases: [
    phaseInput('pre-deploy', 0),
    phaseInput('canary-5', 5),
    phaseInput('canary-25', 25),
    phaseInput('full', 100),
  ],
  rollback: [{ component: 'svc', procedure: 'flag off', action: 'flag' as const }],
  contingency: { severe: { action: 'rollback', automatic: true }, moderate: { action: 'reduce-traffic' } },
  components: [
    { name: 'index', strategy: 'blue-green', switchAt: 'canary-25', run: { switch: 'a', switchBack: 'b' } },
    { name: 'cache', strategy: 'blue-green', switchAt: 'full', flag: { key: 'cache-green' } },
  ],
});
const green = (s: RolloutState, name: string, uncertain?: boolean): RolloutState => ({
  ...s,
  components: { ...s.components, [name]: { side: 'green', ...(uncertain ? { uncertain } : {}) } },
});
const failing = (level: ContingencyLevel) =>
  gateResult('fail', { level, criteria: [criterion({ name: 'latency', verdict: 'fail', level, detail: 'too slow' })] });

describe('decide: blue-green components', () => {
  test('entering switchAt switches the component before the traffic moves', () => {
    const d = decide({ plan, state: stateAt(plan, 1), gate: gateResult('pass'), applyContingency: false });
    expect(d.actions.map((a) => a.type)).toEqual(['switch-component', 'set-traffic']);
    expect(d.actions[0]).toEqual({ type: 'switch-component', component: 'index' });
  });

  test('no switch on other phases, nor for a component already green; again when it may not be', () => {
    expect(
      decide({ plan, state: stateAt(plan, 0), gate: gateResult('pass'), applyContingency: false }).actions,
    ).toHaveLength(1);
    const s = stateAt(plan, 1);
    expect(
      decide({ plan, state: green(s, 'index'), gate: gateResult('pass'), applyContingency: false }).actions,
    ).toHaveLength(1);
    expect(
      decide({ plan, state: green(s, 'index', true), gate: gateResult('pass'), applyContingency: false }).actions[0],
    ).toEqual({ type: 'switch-component', component: 'index' });
  });

  test.each([
    ['light', false, 'failed', ['switch-back']],
    ['moderate', false, 'failed', ['switch-back']],
    ['moderate', true, 'reduced', ['switch-back', 'reduce']],
    ['severe', false, 'rolled-back', ['switch-back', 'rollback']],
  ] as const)('a %s failed gate (apply %s) switches green components back first', (level, apply, decision, types) => {
    const d = decide({ plan, state: green(stateAt(plan, 2), 'index'), gate: failing(level), applyContingency: apply });
    expect(d.decision).toBe(decision);
    expect(d.actions.map((a) => a.type)).toEqual(types);
    expect(d.actions[0]).toMatchObject({ type: 'switch-back', component: 'index' });
  });

  test('a failed gate with nothing green switches nothing back', () => {
    const d = decide({ plan, state: stateAt(plan, 2), gate: failing('light'), applyContingency: false });
    expect(d.actions).toEqual([]);
  });

  test('a failed switch fails the advance; its summary names the component, never "undefined"', () => {
    const state = stateAt(plan, 1);
    const d = decide({ plan, state, gate: gateResult('pass'), applyContingency: false });
    const run = {
      component: 'index',
      kind: 'switch' as const,
      ok: false,
      command: 'a',
      exitCode: 7,
      durationMs: 5,
      detail: 'exit 7',
      output: '',
      at: '2026-06-20T09:00:00.000Z',
    };
    const failed = switchFailed(d, run, { ...run, kind: 'switch-back', ok: true, exitCode: 0, detail: 'exit 0' });
    expect(failed).toMatchObject({ decision: 'failed', to: null });
    expect(failed.reasons[0]).toBe(
      'component index: the switch failed (exit 7); switched back to blue; the traffic stays',
    );
    const line = summaryLine(plan, failed, state);
    expect(line).toContain('component index: the switch failed (exit 7)');
    expect(line).not.toContain('undefined');
  });
});
