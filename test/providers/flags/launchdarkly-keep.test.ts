/**
 * Exposure only grows on LaunchDarkly: the walk technical-users 5 % → active-users 25 % (technical-users
 * kept at 5 %) → 100 % through the provider and the loopback fake, with who gets the flag told by the
 * fake's evaluator (LaunchDarkly's SHA-1 bucketing, checked first against the SDK's own bucket values)
 * over 100 000 keys × 4 attribute mixes at every step. The same walks without the kept rule, or with the
 * rules in ascending order, lose users, so the checks can fail.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { LdFlag } from '../../../src/providers/flags/launchdarkly/api.js';
import { createLaunchDarklyFlags } from '../../../src/providers/flags/launchdarkly/index.js';
import { launchDarklySettings } from '../../../src/providers/flags/launchdarkly/settings.js';
import type { AudienceSpec, FlagProvider } from '../../../src/providers/types.js';
import { bucket, evaluate } from '../../helpers/fakes/launchdarkly-eval.js';
import { booleanFlag, startLaunchDarklyFake, type LaunchDarklyFake } from '../../helpers/fakes/launchdarkly.js';
import { adapterContext } from '../../helpers/providers.js';

const TOKEN = 'api-keep-0000-1111-2222-333344445555';
const FLAG = 'recs';
const PLAN = 'recs-keep';
const technical = { name: 'technical-users', attribute: 'profile', in: ['technical'] };
const active = { name: 'active-users', attribute: 'activity', in: ['active'] };
const KEYS = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
/** technical users who are not active are the ones canary-25's audience leaves out */
const MIXES: Record<string, string>[] = [
  { profile: 'technical', activity: 'dormant' },
  { profile: 'technical', activity: 'active' },
  { profile: 'business', activity: 'active' },
  { profile: 'business', activity: 'dormant' },
];
const foreign = {
  _id: 'user-rule',
  description: 'support team always on',
  clauses: [{ _id: 'c0', attribute: 'team', op: 'in', values: ['support'], contextKind: 'user', negate: false }],
  variation: 0,
};

let fake: LaunchDarklyFake;
let flags: FlagProvider;
const { ctx } = adapterContext({ name: 'ld', plan: PLAN });
let evaluated = 0;

beforeAll(async () => {
  fake = await startLaunchDarklyFake({ token: TOKEN, flags: [] });
  const settings = launchDarklySettings.parse({
    type: 'launchdarkly',
    project: 'default',
    environment: 'production',
    token: TOKEN,
    url: fake.url,
  });
  flags = await createLaunchDarklyFlags(settings, ctx);
});
afterAll(async () => {
  await fake.close();
  console.log(`launchdarkly-keep: ${evaluated} evaluations by the fake's LaunchDarkly evaluator`);
});
beforeEach(() => {
  fake.setFlag(booleanFlag({ key: FLAG, rules: [structuredClone(foreign)] }));
  for (const k of Object.keys(fake.segments)) delete fake.segments[k];
});

/** per mix, the keys the stored flag serves `true` */
function served(flag: LdFlag = fake.flag(FLAG)): Set<string>[] {
  return MIXES.map((mix) => {
    const on = new Set<string>();
    for (const key of KEYS) {
      evaluated++;
      if (evaluate(flag, 'production', { key, ...mix }, fake.segments).value === true) on.add(key);
    }
    return on;
  });
}
const lost = (before: Set<string>[], after: Set<string>[]): number =>
  before.reduce((n, keys, i) => n + [...keys].filter((k) => !after[i]!.has(k)).length, 0);
const shares = (s: Set<string>[]): number[] => s.map((keys) => keys.size / KEYS.length);
const step = (traffic: number, audience?: AudienceSpec, keep: { audience?: AudienceSpec; traffic: number }[] = []) =>
  flags.setTraffic({ flag: FLAG, traffic, audience, keep, comment: `test ${traffic}` });

describe("the fake's evaluator", () => {
  it("buckets as LaunchDarkly's SDKs do (their published bucket values, with and without a seed)", () => {
    const at = (value: string, seed?: number) => bucket({ flagKey: 'hashKey', salt: 'saltyA', value, seed });
    expect(at('userKeyA')).toBeCloseTo(0.42157587, 7);
    expect(at('userKeyB')).toBeCloseTo(0.6708485, 7);
    expect(at('userKeyC')).toBeCloseTo(0.10343106, 7);
    expect(at('userKeyA', 61)).toBeCloseTo(0.09801207, 7);
    expect(at('userKeyB', 61)).toBeCloseTo(0.14483777, 7);
    expect(at('userKeyC', 61)).toBeCloseTo(0.9242641, 7);
  });

  it('serves offVariation when off, the first matching rule, then the fallthrough', () => {
    const flag = booleanFlag({ key: 'f', on: true, rules: [structuredClone(foreign)], fallthrough: { variation: 1 } });
    expect(evaluate(flag, 'production', { key: 'a', team: 'support' }).value).toBe(true);
    expect(evaluate(flag, 'production', { key: 'a', team: 'sales' }).value).toBe(false);
    flag.environments.production!.on = false;
    expect(evaluate(flag, 'production', { key: 'a', team: 'support' }).value).toBe(false);
  });
});

describe('exposure only grows: technical-users 5 % → active-users 25 % keeping technical-users 5 % → 100 %', () => {
  it('loses 0 of 100 000 keys in any mix at each forward step, leaving the user rule first and untouched', async () => {
    const s1 = await step(5, technical);
    expect(s1).toMatchObject({ enabled: true, traffic: 5, audience: 'technical-users' });
    const at5 = served();
    const [td, ta, ba, bd] = shares(at5);
    for (const s of [td!, ta!]) expect(Math.abs(s - 0.05)).toBeLessThan(0.005);
    expect([ba, bd]).toEqual([0, 0]);

    const s2 = await step(25, active, [{ audience: technical, traffic: 5 }]);
    // read back: the main rule is active-users', never the kept one
    expect(s2).toMatchObject({ enabled: true, traffic: 25, audience: 'active-users' });
    expect(s2.detail?.kept).toEqual([expect.objectContaining({ audience: 'technical-users', traffic: 5 })]);
    const rules = fake.env(FLAG).rules;
    expect(rules.map((r) => r.description)).toEqual([
      foreign.description,
      `rollout:${PLAN}:active-users`,
      `rollout:${PLAN}:keep:technical-users`,
    ]);
    expect(rules[0]).toMatchObject(foreign);
    const at25 = served();
    expect(lost(at5, at25)).toBe(0);
    expect(Math.abs(shares(at25)[2]! - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(shares(at25)[0]! - 0.05)).toBeLessThan(0.005);

    const s3 = await step(100, undefined, [
      { audience: technical, traffic: 5 },
      { audience: active, traffic: 25 },
    ]);
    expect(s3).toMatchObject({ enabled: true, traffic: 100, audience: undefined });
    // at 100 % of everyone no kept rule is needed
    expect(fake.env(FLAG).rules.map((r) => r._id)).toEqual([foreign._id]);
    const at100 = served();
    expect(lost(at25, at100)).toBe(0);
    expect(shares(at100)).toEqual([1, 1, 1, 1]);
  });

  it('is idempotent, and a reduce rebuilds the rules of the phase it returns to', async () => {
    await step(5, technical);
    await step(25, active, [{ audience: technical, traffic: 5 }]);
    const patches = fake.applied.length;
    await step(25, active, [{ audience: technical, traffic: 5 }]);
    expect(fake.applied.length).toBe(patches);
    const back = await step(5, technical, []);
    expect(back).toMatchObject({ traffic: 5, audience: 'technical-users' });
    expect(back.detail?.kept).toBeUndefined();
    expect(fake.env(FLAG).rules.map((r) => r.description)).toEqual([
      foreign.description,
      `rollout:${PLAN}:technical-users`,
    ]);
  });

  it('without the kept rule, technical users who are not active lose the flag at 25 %', async () => {
    await step(5, technical);
    const at5 = served();
    await step(25, active, []);
    const gone = lost(at5, served());
    expect(gone).toBeGreaterThan(4000);
    console.log(`launchdarkly-keep: ${gone} keys lose the flag at 25 % without the kept rule`);
  });

  it('a kept share above the main one goes first; in ascending order the overlap loses the flag', async () => {
    await step(50, technical);
    const at50 = served();
    await step(10, active, [{ audience: technical, traffic: 50 }]);
    expect(fake.env(FLAG).rules.map((r) => r.description)).toEqual([
      foreign.description,
      `rollout:${PLAN}:keep:technical-users`,
      `rollout:${PLAN}:active-users`,
    ]);
    const descending = fake.flag(FLAG);
    expect(lost(at50, served(descending))).toBe(0);
    const ascending = structuredClone(descending);
    const env = ascending.environments.production!;
    env.rules = [env.rules[0]!, env.rules[2]!, env.rules[1]!];
    const gone = lost(at50, served(ascending));
    expect(gone).toBeGreaterThan(30_000);
    console.log(`launchdarkly-keep: ${gone} keys lose the flag with the rules in ascending order`);
  });

  it('keeps all users through the fallthrough when an earlier phase served everyone', async () => {
    await step(10);
    const at10 = served();
    const s = await step(25, technical, [{ traffic: 10 }]);
    expect(s).toMatchObject({ traffic: 25, audience: 'technical-users' });
    expect(fake.env(FLAG).fallthrough?.rollout?.variations).toEqual([
      { variation: 0, weight: 10000 },
      { variation: 1, weight: 90000 },
    ]);
    expect(lost(at10, served())).toBe(0);
  });

  it('with segment audiences (segmentMatch), loses 0 keys from 5 % to 25 % to 100 %', async () => {
    fake.segments.technical = new Set(KEYS.filter((_, i) => i % 3 === 0));
    fake.segments.active = new Set(KEYS.filter((_, i) => i % 2 === 0));
    const tech = { name: 'technical-users', segment: 'technical' };
    const act = { name: 'active-users', segment: 'active' };
    const all = () => served().slice(0, 1); // segments decide, attributes do not: one mix is enough
    await step(5, tech);
    const at5 = all();
    expect(Math.abs(at5[0]!.size / fake.segments.technical.size - 0.05)).toBeLessThan(0.01);
    await step(25, act, [{ audience: tech, traffic: 5 }]);
    const at25 = all();
    expect(lost(at5, at25)).toBe(0);
    await step(100, undefined, [
      { audience: tech, traffic: 5 },
      { audience: act, traffic: 25 },
    ]);
    expect(lost(at25, all())).toBe(0);
    await step(5, tech);
    await step(25, act, []);
    expect(lost(at5, all())).toBeGreaterThan(0);
  });

  it('refuses a main share below a kept all-users share, sending nothing', async () => {
    await step(50);
    const patches = fake.applied.length;
    await expect(step(10, technical, [{ traffic: 50 }])).rejects.toThrow(/first matching rule.*nothing was sent/);
    expect(fake.applied.length).toBe(patches);
  });
});
