/**
 * rules.ts as a table: which rules a phase needs and in which order, and the instructions that get a
 * flag there without touching the rules its users wrote.
 */
import { describe, expect, it } from '@jest/globals';
import type { LdFlag } from '../../../src/providers/flags/launchdarkly/api.js';
import { pickVariations } from '../../../src/providers/flags/launchdarkly/mapping.js';
import { planInstructions, UnexpressibleKeep, wantedRules } from '../../../src/providers/flags/launchdarkly/rules.js';
import { booleanFlag } from '../../helpers/fakes/launchdarkly.js';

const PLAN = 'p';
const tech = { name: 'tech', attribute: 'profile', in: ['technical'] };
const act = { name: 'act', attribute: 'activity', in: ['active'] };
const beta = { name: 'beta', segment: 'beta-testers' };
const clause = (attribute: string, values: string[]) => ({
  _id: `c-${attribute}`,
  attribute,
  op: 'in',
  values,
  contextKind: 'user',
  negate: false,
});
const rollout = (w: number) => ({
  rollout: {
    contextKind: 'user',
    variations: [
      { variation: 0, weight: w },
      { variation: 1, weight: 100000 - w },
    ],
  },
});

function plan(
  flag: LdFlag,
  args: Omit<Parameters<typeof planInstructions>[0], 'flag' | 'env' | 'variations' | 'plan' | 'contextKind'>,
) {
  const env = flag.environments.production!;
  return planInstructions({
    flag,
    env,
    variations: pickVariations(flag, env)!,
    plan: PLAN,
    contextKind: 'user',
    ...args,
  });
}

describe('wantedRules', () => {
  it('orders main and kept rules by share, largest first, the main first among equals', () => {
    const w = wantedRules({
      plan: PLAN,
      traffic: 10,
      audience: act,
      keep: [
        { audience: tech, traffic: 50 },
        { audience: beta, traffic: 10 },
        { audience: tech, traffic: 5 },
      ],
    });
    expect(w.rules.map((r) => [r.description, r.weight])).toEqual([
      ['rollout:p:keep:tech', 50000],
      ['rollout:p:act', 10000],
      ['rollout:p:keep:beta', 10000],
    ]);
    expect(w.fallthrough).toBeUndefined();
  });

  it('drops kept audiences the fallthrough already covers, and keeps all users in the fallthrough', () => {
    expect(wantedRules({ plan: PLAN, traffic: 30, keep: [{ audience: tech, traffic: 30 }] }).rules).toEqual([]);
    const w = wantedRules({
      plan: PLAN,
      traffic: 25,
      audience: tech,
      keep: [{ traffic: 10 }, { audience: act, traffic: 5 }],
    });
    expect(w.rules.map((r) => r.description)).toEqual(['rollout:p:tech']);
    expect(w.fallthrough).toBe(10);
    expect(() => wantedRules({ plan: PLAN, traffic: 5, audience: tech, keep: [{ traffic: 10 }] })).toThrow(
      UnexpressibleKeep,
    );
  });
});

describe('planInstructions', () => {
  const userRule = { _id: 'mine', description: 'support', clauses: [clause('team', ['support'])], variation: 0 };

  it('updates rollout rules in place (same ids) when the same audiences keep their order', () => {
    const flag = booleanFlag({
      key: 'f',
      on: true,
      rules: [
        { _id: 'r1', description: 'rollout:p:act', clauses: [clause('activity', ['active'])], ...rollout(25000) },
        {
          _id: 'r2',
          description: 'rollout:p:keep:tech',
          clauses: [clause('profile', ['technical'])],
          ...rollout(5000),
        },
      ],
    });
    expect(plan(flag, { traffic: 30, audience: act, keep: [{ audience: tech, traffic: 5 }] })).toEqual([
      { kind: 'turnFlagOn' },
      expect.objectContaining({ kind: 'updateRuleVariationOrRollout', ruleId: 'r1' }),
    ]);
    expect(plan(flag, { traffic: 25, audience: act, keep: [{ audience: tech, traffic: 5 }] })).toEqual([]);
  });

  it('rebuilds its rules where they stood, before the next user rule, leaving user rules alone', () => {
    const flag = booleanFlag({
      key: 'f',
      on: true,
      rules: [
        structuredClone(userRule),
        { _id: 'r1', description: 'rollout:p:tech', clauses: [clause('profile', ['technical'])], ...rollout(5000) },
        { ...structuredClone(userRule), _id: 'after' },
      ],
    });
    const out = plan(flag, { traffic: 25, audience: act, keep: [{ audience: tech, traffic: 5 }] });
    expect(
      out.map((i) => [i.kind, 'ruleId' in i ? i.ruleId : undefined, 'description' in i ? i.description : undefined]),
    ).toEqual([
      ['turnFlagOn', undefined, undefined],
      ['removeRule', 'r1', undefined],
      ['addRule', undefined, 'rollout:p:act'],
      ['addRule', undefined, 'rollout:p:keep:tech'],
    ]);
    for (const i of out.filter((x) => x.kind === 'addRule')) expect(i).toMatchObject({ beforeRuleId: 'after' });
    expect(out.some((i) => 'ruleId' in i && i.ruleId === 'mine')).toBe(false);
  });

  it('a reduce removes the kept rules it no longer needs', () => {
    const flag = booleanFlag({
      key: 'f',
      on: true,
      rules: [
        { _id: 'r1', description: 'rollout:p:act', clauses: [clause('activity', ['active'])], ...rollout(25000) },
        {
          _id: 'r2',
          description: 'rollout:p:keep:tech',
          clauses: [clause('profile', ['technical'])],
          ...rollout(5000),
        },
      ],
    });
    const out = plan(flag, { traffic: 5, audience: tech, keep: [] });
    expect(out.filter((i) => i.kind === 'removeRule').map((i) => ('ruleId' in i ? i.ruleId : ''))).toEqual([
      'r1',
      'r2',
    ]);
    expect(out.filter((i) => i.kind === 'addRule')).toEqual([
      expect.objectContaining({ description: 'rollout:p:tech' }),
    ]);
  });
});
