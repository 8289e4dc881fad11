/** The pure rules of keep strategies and strategy variants (keep-strategies.ts, strategy.ts). */
import { describe, expect, it } from '@jest/globals';
import {
  keepChanges,
  keepStrategiesOf,
  keepTitle,
  wantedKeeps,
} from '../../../src/providers/flags/unleash/keep-strategies.js';
import {
  audienceInTitle,
  desiredRestriction,
  findOurStrategy,
  patchOps,
  strategyTitle,
  strategyVariants,
  type UnleashStrategy,
} from '../../../src/providers/flags/unleash/strategy.js';

const tech = { name: 'technical-users', attribute: 'profile', in: ['technical'] };
const active = { name: 'active-users', attribute: 'activity', in: ['active'] };
const flexible = (over: Partial<UnleashStrategy> = {}): UnleashStrategy => ({
  id: 's1',
  name: 'flexibleRollout',
  title: 'rollout:plan',
  parameters: { rollout: '5', stickiness: 'default', groupId: 'f' },
  constraints: [],
  segments: [],
  variants: [],
  ...over,
});
const keep5 = { audience: tech, traffic: 5, restriction: desiredRestriction({ audience: tech }) };

describe('keep strategies', () => {
  it('a keep strategy, grouped by the flag key too, is never found as the main strategy', () => {
    const kept = flexible({ id: 'k', title: keepTitle('plan', tech) });
    const env = { name: 'production', enabled: true, strategies: [kept] };
    expect(findOurStrategy({ env, flag: 'f', plan: 'plan' })).toBeUndefined();
    const ui = flexible({ id: 'ui', title: null });
    expect(findOurStrategy({ env: { ...env, strategies: [kept, ui] }, flag: 'f', plan: 'plan' })?.id).toBe('ui');
    expect(keepStrategiesOf([kept, ui], 'plan').map((s) => s.id)).toEqual(['k']);
    expect(keepStrategiesOf([kept], 'plan-2')).toEqual([]);
  });

  it('the main strategy titled with its audience is ours and names it; a keep strategy never is', () => {
    const main = flexible({ id: 'm', title: 'rollout:plan:active-users', parameters: { rollout: '25', groupId: 'x' } });
    const kept = flexible({ id: 'k', title: keepTitle('plan', tech) });
    const env = { name: 'production', enabled: true, strategies: [kept, main] };
    expect(findOurStrategy({ env, flag: 'f', plan: 'plan' })?.id).toBe('m');
    expect(audienceInTitle(main, 'plan')).toBe('active-users');
    expect(audienceInTitle(kept, 'plan')).toBeUndefined();
    expect(audienceInTitle(main, 'plan-2')).toBeUndefined();
    expect(findOurStrategy({ env, flag: 'f', plan: 'pla' })).toBeUndefined();
    expect(strategyTitle('plan', active)).toBe('rollout:plan:active-users');
    expect(strategyTitle('plan', undefined)).toBe('rollout:plan');
  });

  it('none at 100 % of everyone, none at 0 %, the highest share of an audience listed twice', () => {
    expect(wantedKeeps({ plan: 'p', traffic: 100, audience: undefined, keep: [keep5] })).toEqual([]);
    expect(wantedKeeps({ plan: 'p', traffic: 100, audience: active, keep: [keep5] })).toHaveLength(1);
    expect(wantedKeeps({ plan: 'p', traffic: 25, audience: active, keep: [{ ...keep5, traffic: 0 }] })).toEqual([]);
    const twice = wantedKeeps({ plan: 'p', traffic: 50, audience: active, keep: [keep5, { ...keep5, traffic: 10 }] });
    expect(twice).toEqual([expect.objectContaining({ title: 'rollout:p:keep:technical-users', traffic: 10 })]);
    expect(
      wantedKeeps({ plan: 'p', traffic: 50, audience: active, keep: [{ ...keep5, audience: undefined }] })[0],
    ).toMatchObject({
      title: 'rollout:p:keep:*',
      label: 'all users',
    });
  });

  it('creates what is missing, patches what differs (bucketing included), removes what is no longer kept', () => {
    const wanted = wantedKeeps({ plan: 'plan', traffic: 25, audience: active, keep: [keep5] });
    const base = { stickiness: 'userId', groupId: 'f', variants: [] };
    expect(keepChanges({ existing: [], wanted, ...base })).toMatchObject({ create: wanted, patch: [], remove: [] });
    const drifted = flexible({
      id: 'k',
      title: wanted[0]!.title,
      parameters: { rollout: '7', stickiness: 'default', groupId: 'x' },
    });
    const ch = keepChanges({ existing: [drifted], wanted, ...base });
    expect(ch.create).toEqual([]);
    expect(ch.patch[0]!.ops.map((o) => [o.path, o.value])).toEqual([
      ['/parameters/rollout', '5'],
      ['/parameters/stickiness', 'userId'],
      ['/parameters/groupId', 'f'],
      ['/constraints', keep5.restriction.constraints],
    ]);
    const stale = flexible({ id: 'old', title: 'rollout:plan:keep:active-users' });
    expect(keepChanges({ existing: [stale], wanted: [], ...base }).remove).toEqual([stale]);
  });
});

describe('strategy variants', () => {
  it('serve the variant with its JSON value to all of the share; none for plain on', () => {
    expect(strategyVariants({ variant: undefined, values: { a: 1 }, stickiness: 'default' })).toEqual([]);
    expect(
      strategyVariants({ variant: 'conservative', values: { conservative: { maxItems: 5 } }, stickiness: 'userId' }),
    ).toEqual([
      {
        name: 'conservative',
        weight: 1000,
        weightType: 'variable',
        stickiness: 'userId',
        payload: { type: 'json', value: '{"maxItems":5}' },
      },
    ]);
  });

  it('a strategy serving another variant, or a variant when none is asked, is patched; the same one is not', () => {
    const variants = strategyVariants({ variant: 'c', values: { c: { m: 1 } }, stickiness: 'default' });
    const r = desiredRestriction({});
    expect(patchOps({ strategy: flexible(), traffic: 5, restriction: r, variants })).toEqual([
      { op: 'replace', path: '/variants', value: variants },
    ]);
    expect(patchOps({ strategy: flexible({ variants }), traffic: 5, restriction: r, variants })).toEqual([]);
    expect(patchOps({ strategy: flexible({ variants }), traffic: 5, restriction: r, variants: [] })).toEqual([
      { op: 'replace', path: '/variants', value: [] },
    ]);
  });
});
