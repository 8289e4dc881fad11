import { describe, expect, it } from '@jest/globals';
import {
  desiredRestriction,
  findOurStrategy,
  flagState,
  patchOps,
  revertOps,
  type UnleashEnvironment,
  type UnleashStrategy,
} from '../../../src/providers/flags/unleash/strategy.js';

const flexible = (over: Partial<UnleashStrategy> = {}): UnleashStrategy => ({
  id: 's1',
  name: 'flexibleRollout',
  title: 'rollout:plan',
  parameters: { rollout: '5', stickiness: 'default', groupId: 'f' },
  constraints: [],
  segments: [],
  ...over,
});
const env = (strategies: UnleashStrategy[], enabled = true): UnleashEnvironment => ({
  name: 'production',
  enabled,
  strategies,
});
const regionEu = { name: 'eu', attribute: 'region', in: ['eu'] };

describe('findOurStrategy', () => {
  it('prefers the title rollout:<plan>, else the flexibleRollout grouped by the flag key', () => {
    const byGroup = flexible({ id: 'g', title: null });
    const byTitle = flexible({ id: 't', parameters: { rollout: '1', groupId: 'other' } });
    expect(findOurStrategy({ env: env([byGroup, byTitle]), flag: 'f', plan: 'plan' })?.id).toBe('t');
    expect(findOurStrategy({ env: env([byGroup]), flag: 'f', plan: 'plan' })?.id).toBe('g');
    expect(findOurStrategy({ env: env([{ id: 'd', name: 'default' }]), flag: 'f', plan: 'plan' })).toBeUndefined();
  });
});

describe('patchOps', () => {
  it('is empty when the strategy already serves the request (idempotent)', () => {
    expect(patchOps({ strategy: flexible(), traffic: 5, restriction: desiredRestriction({}) })).toEqual([]);
  });

  it('replaces only what differs, never stickiness or groupId', () => {
    const ops = patchOps({
      strategy: flexible(),
      traffic: 25,
      restriction: desiredRestriction({ audience: regionEu }),
    });
    expect(ops).toEqual([
      { op: 'replace', path: '/parameters/rollout', value: '25' },
      {
        op: 'replace',
        path: '/constraints',
        value: [{ contextName: 'region', operator: 'IN', values: ['eu'], inverted: false, caseInsensitive: false }],
      },
    ]);
  });

  it('compares constraints regardless of value order and defaults', () => {
    const strategy = flexible({ constraints: [{ contextName: 'region', operator: 'IN', values: ['us', 'eu'] }] });
    expect(
      patchOps({
        strategy,
        traffic: 5,
        restriction: desiredRestriction({ audience: { ...regionEu, in: ['eu', 'us'] } }),
      }),
    ).toEqual([]);
  });

  it('swaps a constraint audience for a segment, and re-enables a disabled strategy', () => {
    const strategy = flexible({
      constraints: [{ contextName: 'region', operator: 'IN', values: ['eu'] }],
      disabled: true,
    });
    const ops = patchOps({
      strategy,
      traffic: 5,
      restriction: desiredRestriction({ audience: { name: 'beta', segment: 'beta' }, segmentId: 7 }),
    });
    expect(ops.map((o) => [o.path, o.value])).toEqual([
      ['/constraints', []],
      ['/segments', [7]],
      ['/disabled', false],
    ]);
    expect(revertOps({ before: strategy, ops }).map((o) => [o.path, o.value])).toEqual([
      ['/constraints', [{ contextName: 'region', operator: 'IN', values: ['eu'] }]],
      ['/segments', []],
      ['/disabled', true],
    ]);
  });
});

describe('flagState', () => {
  const names = new Map([[7, 'beta-testers']]);
  it.each([
    { name: 'on at 25 %', e: env([flexible({ parameters: { rollout: '25' } })]), want: { enabled: true, traffic: 25 } },
    {
      name: 'environment off',
      e: env([flexible({ parameters: { rollout: '25' } })], false),
      want: { enabled: false, traffic: 0 },
    },
    { name: 'rollout 0', e: env([flexible({ parameters: { rollout: '0' } })]), want: { enabled: false, traffic: 0 } },
    { name: 'strategy disabled', e: env([flexible({ disabled: true })]), want: { enabled: false, traffic: 0 } },
    { name: 'on with no strategies serves everyone', e: env([]), want: { enabled: true, traffic: 100 } },
    {
      name: 'only a foreign default strategy',
      e: env([{ id: 'x', name: 'default' }]),
      want: { enabled: true, traffic: 100 },
    },
  ])('$name', ({ e, want }) => {
    const strategy = findOurStrategy({ env: e, flag: 'f', plan: 'plan' });
    expect(flagState({ env: e, strategy, segmentNames: names })).toMatchObject(want);
  });

  it('describes the audience and keeps the configured rollout in detail', () => {
    const s = flexible({
      segments: [7],
      constraints: [{ contextName: 'region', operator: 'IN', values: ['eu', 'us'] }],
    });
    const state = flagState({ env: env([s, { id: 'x', name: 'default' }], false), strategy: s, segmentNames: names });
    expect(state.audience).toBe('beta-testers and region IN [eu, us]');
    expect(state.detail).toMatchObject({
      strategyId: 's1',
      rollout: 5,
      environmentEnabled: false,
      unmanagedStrategies: [{ id: 'x', name: 'default' }],
    });
  });
});
