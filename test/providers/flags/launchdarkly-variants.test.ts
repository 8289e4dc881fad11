/**
 * serveVariant on LaunchDarkly (a light contingency's adjust-flags), through the provider and the
 * loopback fake: the plan's variants become variations by name (added when missing, never deleted, off
 * stays off), rollout's rule and kept rules serve the named variation, the fake's evaluator (LD's
 * bucketing) hands its JSON value to exactly the users who had the flag, it reads back as the
 * FlagState's variant, and a plain setTraffic serves `on` again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { LdFlag } from '../../../src/providers/flags/launchdarkly/api.js';
import { createLaunchDarklyFlags } from '../../../src/providers/flags/launchdarkly/index.js';
import { launchDarklySettings } from '../../../src/providers/flags/launchdarkly/settings.js';
import type { FlagProvider } from '../../../src/providers/types.js';
import { booleanFlag, startLaunchDarklyFake, type LaunchDarklyFake } from '../../helpers/fakes/launchdarkly.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const TOKEN = 'api-variants-0000-1111-2222-33334444';
const FLAG = 'recs-params';
const PLAN = 'recs-variants';
const technical = { name: 'technical-users', attribute: 'profile', in: ['technical'] };
const active = { name: 'active-users', attribute: 'activity', in: ['active'] };
const VALUES = { on: { model: 'v2', maxItems: 10 }, conservative: { model: 'v2', maxItems: 5 }, off: { model: 'v1' } };
const KEYS = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

/** A JSON flag as a team would create it for parameters: on, off, and a variation of its own. */
function jsonFlag(): LdFlag {
  const flag = booleanFlag({ key: FLAG });
  return {
    ...flag,
    kind: 'multivariate',
    variations: [
      { _id: 'v-on', name: 'on', value: VALUES.on },
      { _id: 'v-off', name: 'off', value: VALUES.off },
      { _id: 'v-exp', name: 'experimental', value: { model: 'v3' } },
    ],
  };
}

let fake: LaunchDarklyFake;
let flags: FlagProvider;
const { ctx, warnings } = adapterContext({
  name: 'ld',
  plan: PLAN,
  envOf: (s) => (s === 'token' ? 'LD_API_TOKEN' : undefined),
});
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
afterAll(() => fake.close());
beforeEach(() => {
  warnings.length = 0;
  fake.setFlag(jsonFlag());
  fake.applied.length = 0;
  fake.faults.clear();
});

/** per key, the JSON text of what the stored flag serves a technical, active user */
function served(attrs: Record<string, string> = { profile: 'technical', activity: 'active' }): Map<string, string> {
  const flag = fake.flag(FLAG);
  const { evaluate } = fake;
  return new Map(KEYS.map((key) => [key, JSON.stringify(evaluate(flag.key, { key, ...attrs }).value)]));
}
const count = (m: Map<string, string>, v: unknown) => [...m.values()].filter((x) => x === JSON.stringify(v)).length;
const serve = (traffic: number, audience = technical, keep: { audience: typeof technical; traffic: number }[] = []) =>
  flags.serveVariant!({
    flag: FLAG,
    traffic,
    audience,
    keep,
    comment: 'light',
    variant: 'conservative',
    variants: VALUES,
  });

describe('serveVariant on LaunchDarkly', () => {
  it('with the variation before the off one, serves its value to exactly the canary, keeps it at the next phase, and setTraffic serves on again', async () => {
    const flag = jsonFlag();
    // on, conservative, off: LaunchDarkly fills the bucket range in this order
    flag.variations = [
      flag.variations[0]!,
      { _id: 'v-c', name: 'conservative', value: VALUES.conservative },
      flag.variations[1]!,
    ];
    flag.environments.production!.offVariation = 2;
    fake.setFlag(flag);
    await flags.setTraffic({ flag: FLAG, traffic: 5, audience: technical, comment: 'canary-5', variants: VALUES });
    const canary = [...served()].filter(([, v]) => v === JSON.stringify(VALUES.on)).map(([k]) => k);
    expect(Math.abs(canary.length / KEYS.length - 0.05)).toBeLessThan(0.01);

    const s = await serve(5);
    expect(s).toMatchObject({ enabled: true, traffic: 5, audience: 'technical-users', variant: 'conservative' });
    expect(fake.flag(FLAG).variations).toHaveLength(3);
    const adjusted = served();
    // exactly the canary gets the conservative parameters; everyone else the off variation's
    expect(canary.every((k) => adjusted.get(k) === JSON.stringify(VALUES.conservative))).toBe(true);
    expect(count(adjusted, VALUES.conservative)).toBe(canary.length);
    expect(count(adjusted, VALUES.off)).toBe(KEYS.length - canary.length);
    expect(warnings).toEqual([]);

    // the next phase keeps serving the variant, to the kept technical users too
    const s25 = await serve(25, active, [{ audience: technical, traffic: 5 }]);
    expect(s25).toMatchObject({ traffic: 25, audience: 'active-users', variant: 'conservative' });
    expect(s25.detail?.kept).toEqual([
      expect.objectContaining({ audience: 'technical-users', variant: 'conservative' }),
    ]);
    const dormant = served({ profile: 'technical', activity: 'dormant' });
    expect(canary.every((k) => dormant.get(k) === JSON.stringify(VALUES.conservative))).toBe(true);

    const plain = await flags.setTraffic({
      flag: FLAG,
      traffic: 25,
      audience: active,
      keep: [{ audience: technical, traffic: 5 }],
      comment: 'canary-25',
    });
    expect(plain.variant).toBeUndefined();
    expect(count(served(), VALUES.conservative)).toBe(0);
    const back = served({ profile: 'technical', activity: 'dormant' });
    expect(canary.every((k) => back.get(k) === JSON.stringify(VALUES.on))).toBe(true);
  });

  it('adds a missing variation (after the others), never deletes one, keeps off, and warns that the share is other users', async () => {
    await flags.setTraffic({ flag: FLAG, traffic: 5, audience: technical, comment: 'canary-5', variants: VALUES });
    const s = await serve(5);
    expect(s).toMatchObject({ traffic: 5, variant: 'conservative' });
    const stored = fake.flag(FLAG);
    expect(stored.variations.map((v) => v.name)).toEqual(['on', 'off', 'experimental', 'conservative']);
    expect(stored.variations[3]!.value).toEqual(VALUES.conservative);
    expect(stored.environments.production!.offVariation).toBe(1);
    expect(Math.abs(count(served(), VALUES.conservative) / KEYS.length - 0.05)).toBeLessThan(0.01);
    expect(warnings).toEqual([expect.stringMatching(/comes after the off variation.*not the users who had "on"/)]);
    // from phase to phase the variant's share still only grows
    const at5 = served({ profile: 'technical', activity: 'dormant' });
    await serve(25, active, [{ audience: technical, traffic: 5 }]);
    const at25 = served({ profile: 'technical', activity: 'dormant' });
    expect([...at5].filter(([k, v]) => v !== JSON.stringify(VALUES.off) && at25.get(k) !== v)).toEqual([]);
  });

  it('is idempotent: serving the same variant again sends nothing', async () => {
    await serve(5);
    const patches = fake.applied.length;
    expect(await serve(5)).toMatchObject({ variant: 'conservative' });
    expect(fake.applied.length).toBe(patches);
    expect((await flags.read({ flag: FLAG })).variant).toBe('conservative');
  });

  it('retries a 409 conflict on the same write path', async () => {
    fake.conflictOnce();
    expect(await serve(5)).toMatchObject({ variant: 'conservative', traffic: 5 });
  });

  it('refuses, sending nothing, a variation of that name with other values, a boolean flag, or a variant without a value', async () => {
    const flag = jsonFlag();
    flag.variations.push({ _id: 'v-c', name: 'conservative', value: { model: 'v2', maxItems: 7 } });
    fake.setFlag(flag);
    let e = await expectProviderError(serve(5), { secrets: [TOKEN] });
    expect(e.message).toMatch(/variation "conservative".*maxItems":7.*plan gives.*nothing was sent/);
    fake.setFlag(booleanFlag({ key: FLAG }));
    e = await expectProviderError(serve(5), { secrets: [TOKEN] });
    expect(e.message).toMatch(/boolean flag.*nothing was sent/);
    e = await expectProviderError(
      flags.serveVariant!({ flag: FLAG, traffic: 5, comment: 'x', variant: 'ghost', variants: VALUES }),
      { secrets: [TOKEN] },
    );
    expect(e.message).toMatch(/no value for the variant "ghost"/);
    expect(fake.applied).toEqual([]);
  });
});

describe('the fake rejects malformed variation patches as LaunchDarkly does', () => {
  const send = (instructions: unknown[]) =>
    fetch(`${fake.url}/api/v2/flags/default/${FLAG}`, {
      method: 'PATCH',
      headers: { Authorization: TOKEN, 'Content-Type': 'application/json; domain-model=launchdarkly.semanticpatch' },
      body: JSON.stringify({ environmentKey: 'production', instructions }),
    });

  it.each([
    ['without a value', [{ kind: 'addVariation', name: 'x' }]],
    ['of another type', [{ kind: 'addVariation', name: 'x', value: 'text' }]],
    [
      'with a bad rule after it (all-or-nothing)',
      [{ kind: 'addVariation', name: 'x', value: {} }, { kind: 'removeRule' }, { kind: 'nope' }],
    ],
  ])('400 invalid_request for an addVariation %s, and the flag unchanged', async (_, instructions) => {
    const res = await send(instructions);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'invalid_request',
      message: expect.any(String),
      id: expect.any(String),
    });
    expect(fake.flag(FLAG).variations).toHaveLength(3);
  });

  it('400 for a variation added to a boolean flag', async () => {
    fake.setFlag(booleanFlag({ key: FLAG }));
    const res = await send([{ kind: 'addVariation', name: 'x', value: true }]);
    expect(res.status).toBe(400);
    expect(fake.flag(FLAG).variations).toHaveLength(2);
  });
});
