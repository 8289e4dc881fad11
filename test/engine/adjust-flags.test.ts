/**
 * adjust-flags in the engine: decide serves the plan's variant only when asked (or automatic) and only
 * once; a flag provider without variants refuses before anything is journaled as started.
 */
import { describe, expect, test } from '@jest/globals';
import { decide } from '../../src/engine/decide.js';
import { setFlagTraffic } from '../../src/engine/flag-change.js';
import { buildPlan, criterion, gateResult, phaseInput, stateAt } from '../helpers/builders.js';
import { fakeServices } from '../helpers/fake-services.js';

const plan = buildPlan({
  phases: [phaseInput('pre-deploy', 0), phaseInput('canary-5', 5), phaseInput('full', 100)],
  flag: {
    key: 'reco',
    variants: { on: { maxItems: 10 }, conservative: { maxItems: 5 }, off: { maxItems: 0 } },
  },
  contingency: { light: { action: 'adjust-flags', serve: 'conservative' } },
});
const light = gateResult('fail', {
  level: 'light',
  criteria: [criterion({ name: 'cpu', verdict: 'fail', level: 'light', detail: '85 % breaks < 80 %' })],
});

describe('decide: adjust-flags with serve', () => {
  test('asked: serves the variant, the traffic stays', () => {
    const d = decide({ plan, state: stateAt(plan, 1), gate: light, applyContingency: true });
    expect(d.decision).toBe('failed');
    expect(d.contingency).toMatchObject({ action: 'adjust-flags', advised: true, applied: false });
    expect(d.actions).toEqual([{ type: 'serve-variant', variant: 'conservative' }]);
  });

  test('not asked: advice only, naming the variant', () => {
    const d = decide({ plan, state: stateAt(plan, 1), gate: light, applyContingency: false });
    expect(d.actions).toEqual([]);
    expect(d.contingency?.advice).toContain('serve the variant "conservative"');
  });

  test('already served: nothing more to serve, and it says so', () => {
    const state = { ...stateAt(plan, 1), served: { variant: 'conservative', at: '2026-01-01T00:00:00.000Z' } };
    const d = decide({ plan, state, gate: light, applyContingency: true });
    expect(d.actions).toEqual([]);
    expect(d.contingency).toMatchObject({ advised: false });
    expect(d.contingency?.advice).toContain('already');
  });
});

describe('a flag provider without variants', () => {
  test('refuses to serve one, clearly, with nothing journaled and the flag unchanged', async () => {
    const f = fakeServices();
    const before = f.journal.length;
    await expect(
      setFlagTraffic({
        plan,
        services: f.services,
        phase: 'canary-5',
        toPhase: 'canary-5',
        traffic: 5,
        audience: undefined,
        variant: 'conservative',
        reason: 'light contingency',
      }),
    ).rejects.toThrow(/cannot serve the variant "conservative".*nothing was changed/);
    expect(f.journal.length).toBe(before);
    expect(await (await f.services.providers.flags()).read({ flag: 'reco' })).toMatchObject({ traffic: 0 });
  });
});
