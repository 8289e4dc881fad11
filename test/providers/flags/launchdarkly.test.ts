import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test } from '@jest/globals';
import { createLaunchDarklyFlags } from '../../../src/providers/flags/launchdarkly/index.js';
import { pickVariations } from '../../../src/providers/flags/launchdarkly/mapping.js';
import { launchDarklySettings } from '../../../src/providers/flags/launchdarkly/settings.js';
import type { FlagProvider } from '../../../src/providers/types.js';
import { booleanFlag, startLaunchDarklyFake, type LaunchDarklyFake } from '../../helpers/fakes/launchdarkly.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const TOKEN = 'api-7f3c9e21-aaaa-bbbb-cccc-0123456789ab';
const FLAG = 'new-checkout';
const beta = { name: 'beta', segment: 'beta-testers' };
const countries = { name: 'nordics', attribute: 'country', in: ['SE', 'NO'] };

let fake: LaunchDarklyFake;
const { ctx, warnings } = adapterContext({ name: 'ld', envOf: (s) => (s === 'token' ? 'LD_API_TOKEN' : undefined) });

function provider(over: Record<string, unknown> = {}): Promise<FlagProvider> {
  const settings = launchDarklySettings.parse({
    type: 'launchdarkly',
    project: 'default',
    environment: 'production',
    token: TOKEN,
    url: fake.url,
    timeout: '500ms',
    ...over,
  });
  return createLaunchDarklyFlags(settings, ctx);
}

const caught = (p: Promise<unknown>) => expectProviderError(p, { secrets: [TOKEN] });

const patches = () => fake.requests.filter((r) => r.method === 'PATCH');
const lastInstructions = () => fake.applied.at(-1)?.instructions ?? [];

beforeAll(async () => {
  fake = await startLaunchDarklyFake({ token: TOKEN, flags: [booleanFlag({ key: FLAG })] });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setFlag(booleanFlag({ key: FLAG }));
  fake.requests.length = 0;
  fake.applied.length = 0;
  fake.faults.clear();
  fake.requireApproval = false;
});
afterEach(() => expect(warnings).toEqual([]));

describe('pickVariations', () => {
  const env = (offVariation?: number) => ({ on: true, offVariation, rules: [] });
  const flag = (values: unknown[]) => ({
    key: 'f',
    variations: values.map((value, i) => ({ _id: `id${i}`, value })),
    environments: {},
  });
  test.each([
    ['boolean, true first', [true, false], 1, { on: 0, off: 1 }],
    ['boolean, false first', [false, true], 0, { on: 1, off: 0 }],
    ['boolean without offVariation', [false, true], undefined, { on: 1, off: 0 }],
    ['strings, off is the last', ['new', 'old', 'legacy'], 2, { on: 0, off: 2 }],
    ['strings, off is the first', ['old', 'new'], 0, { on: 1, off: 0 }],
    ['one variation', [true], 0, undefined],
  ])('%s', (_name, values, off, expected) => {
    expect(pickVariations(flag(values), env(off))).toEqual(expected);
  });
});

describe('read', () => {
  test.each([
    [
      'off',
      booleanFlag({
        key: FLAG,
        on: false,
        fallthrough: {
          rollout: {
            variations: [
              { variation: 0, weight: 5000 },
              { variation: 1, weight: 95000 },
            ],
          },
        },
      }),
      { enabled: false, traffic: 0 },
    ],
    [
      'fallthrough rollout 5 %',
      booleanFlag({
        key: FLAG,
        on: true,
        fallthrough: {
          rollout: {
            variations: [
              { variation: 0, weight: 5000 },
              { variation: 1, weight: 95000 },
            ],
          },
        },
      }),
      { enabled: true, traffic: 5 },
    ],
    [
      'fallthrough serves true',
      booleanFlag({ key: FLAG, on: true, fallthrough: { variation: 0 } }),
      { enabled: true, traffic: 100 },
    ],
    [
      'fallthrough serves false',
      booleanFlag({ key: FLAG, on: true, fallthrough: { variation: 1 } }),
      { enabled: false, traffic: 0 },
    ],
    [
      'our rule for an audience',
      booleanFlag({
        key: FLAG,
        on: true,
        rules: [
          {
            _id: 'r1',
            description: 'rollout:checkout:beta',
            clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta-testers'] }],
            rollout: {
              variations: [
                { variation: 0, weight: 25000 },
                { variation: 1, weight: 75000 },
              ],
            },
          },
        ],
      }),
      { enabled: true, traffic: 25, audience: 'beta' },
    ],
  ])('%s', async (_name, flag, expected) => {
    fake.setFlag(flag);
    const state = await (await provider()).read({ flag: FLAG });
    expect(state).toMatchObject(expected);
    const get = fake.requests[0]!;
    expect(get.path).toBe(`/api/v2/flags/default/${FLAG}`);
    expect(get.query.get('env')).toBe('production');
    expect(get.headers.authorization).toBe(TOKEN);
    expect(get.headers['ld-api-version']).toBe('20240415');
  });

  it('ignores rules of other plans and reports the version', async () => {
    fake.setFlag(
      booleanFlag({
        key: FLAG,
        on: true,
        rules: [
          {
            _id: 'other',
            description: 'rollout:search:beta',
            clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['x'] }],
            variation: 0,
          },
        ],
      }),
    );
    const state = await (await provider()).read({ flag: FLAG });
    expect(state).toMatchObject({
      enabled: false,
      traffic: 0,
      audience: undefined,
      detail: { version: 1, ruleId: undefined },
    });
  });
});

describe('setTraffic without an audience', () => {
  it('sends one semantic patch keyed by variation _id, then reads back', async () => {
    const state = await (await provider({ bucketBy: 'key' })).setTraffic({
      flag: FLAG,
      traffic: 10,
      comment: 'rollout: canary',
    });
    expect(state).toMatchObject({ enabled: true, traffic: 10 });
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'GET']);
    const p = patches()[0]!;
    expect(p.headers['content-type']).toBe('application/json; domain-model=launchdarkly.semanticpatch');
    expect(JSON.parse(p.body)).toEqual({
      environmentKey: 'production',
      comment: 'rollout: canary',
      instructions: [
        { kind: 'turnFlagOn' },
        {
          kind: 'updateFallthroughVariationOrRollout',
          rolloutWeights: { [`${FLAG}-true-id`]: 10000, [`${FLAG}-false-id`]: 90000 },
          rolloutContextKind: 'user',
          rolloutBucketBy: 'key',
        },
      ],
    });
    expect(fake.env(FLAG)).toMatchObject({
      on: true,
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 10000 },
            { variation: 1, weight: 90000 },
          ],
        },
      },
    });
  });

  it('is idempotent: the state it already has sends no patch', async () => {
    const ld = await provider();
    await ld.setTraffic({ flag: FLAG, traffic: 12.5, comment: 'a' });
    const again = await ld.setTraffic({ flag: FLAG, traffic: 12.5, comment: 'b' });
    expect(again.traffic).toBe(12.5);
    expect(patches()).toHaveLength(1);
  });

  test.each([150, -1, Number.NaN, 0.0001])('rejects traffic %p before sending anything', async (traffic) => {
    const e = await caught((await provider()).setTraffic({ flag: FLAG, traffic, comment: 'x' }));
    expect(e.message).toMatch(/traffic must be a percentage from 0 to 100/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('setTraffic with an audience', () => {
  it('adds our rule for a segment, serves off outside it, then updates the same rule', async () => {
    const ld = await provider();
    const first = await ld.setTraffic({ flag: FLAG, traffic: 5, audience: beta, comment: 'beta 5' });
    expect(first).toMatchObject({ enabled: true, traffic: 5, audience: 'beta' });
    expect(lastInstructions()).toEqual([
      { kind: 'turnFlagOn' },
      {
        kind: 'addRule',
        clauses: [
          {
            contextKind: 'user',
            attribute: 'segmentMatch',
            op: 'segmentMatch',
            values: ['beta-testers'],
            negate: false,
          },
        ],
        description: 'rollout:checkout:beta',
        rolloutWeights: { [`${FLAG}-true-id`]: 5000, [`${FLAG}-false-id`]: 95000 },
        rolloutContextKind: 'user',
      },
      // the flag starts with fallthrough {variation: 1}, already the off variation: no change needed
    ]);
    const env = fake.env(FLAG);
    expect(env.fallthrough).toEqual({ variation: 1 });
    const ruleId = env.rules[0]!._id;

    const second = await ld.setTraffic({ flag: FLAG, traffic: 25, audience: beta, comment: 'beta 25' });
    expect(second).toMatchObject({ traffic: 25, detail: { ruleId } });
    expect(lastInstructions()).toEqual([
      { kind: 'turnFlagOn' },
      {
        kind: 'updateRuleVariationOrRollout',
        ruleId,
        rolloutWeights: { [`${FLAG}-true-id`]: 25000, [`${FLAG}-false-id`]: 75000 },
        rolloutContextKind: 'user',
      },
    ]);
    expect(fake.env(FLAG).rules).toHaveLength(1);

    const everyone = await ld.setTraffic({ flag: FLAG, traffic: 50, comment: 'everyone 50' });
    expect(everyone).toMatchObject({ traffic: 50, audience: undefined });
    expect(lastInstructions().map((i) => i.kind)).toEqual([
      'turnFlagOn',
      'removeRule',
      'updateFallthroughVariationOrRollout',
    ]);
    expect(fake.env(FLAG).rules).toHaveLength(0);
  });

  it('makes the fallthrough serve the off variation when it was rolling out to everyone', async () => {
    fake.setFlag(
      booleanFlag({
        key: FLAG,
        on: true,
        fallthrough: {
          rollout: {
            variations: [
              { variation: 0, weight: 30000 },
              { variation: 1, weight: 70000 },
            ],
          },
        },
      }),
    );
    await (await provider()).setTraffic({ flag: FLAG, traffic: 10, audience: countries, comment: 'x' });
    const env = fake.env(FLAG);
    expect(env.fallthrough).toEqual({ variation: 1 });
    expect(env.rules[0]!.clauses).toEqual([
      expect.objectContaining({ attribute: 'country', op: 'in', values: ['SE', 'NO'], contextKind: 'user' }),
    ]);
    expect(patches()).toHaveLength(1);
  });

  it('adopts an existing rule with the same clause and restores its description', async () => {
    fake.setFlag(
      booleanFlag({
        key: FLAG,
        on: true,
        rules: [
          {
            _id: 'manual',
            clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta-testers'], contextKind: 'user' }],
            variation: 1,
          },
        ],
      }),
    );
    const state = await (await provider()).setTraffic({ flag: FLAG, traffic: 1, audience: beta, comment: 'x' });
    expect(state).toMatchObject({ traffic: 1, audience: 'beta', detail: { ruleId: 'manual' } });
    expect(lastInstructions().map((i) => i.kind)).toEqual([
      'turnFlagOn',
      'updateRuleVariationOrRollout',
      'updateRuleDescription',
    ]);
    expect(fake.env(FLAG).rules).toHaveLength(1);
  });
});

describe('disable', () => {
  it('turns the flag off, and does nothing when it is already off', async () => {
    const ld = await provider();
    await ld.setTraffic({ flag: FLAG, traffic: 20, comment: 'on' });
    const off = await ld.disable({ flag: FLAG, comment: 'rollback' });
    expect(off).toMatchObject({ enabled: false, traffic: 0, detail: { trafficWhenOn: 20 } });
    expect(lastInstructions()).toEqual([{ kind: 'turnFlagOff' }]);
    expect(fake.env(FLAG).on).toBe(false);
    await ld.disable({ flag: FLAG, comment: 'again' });
    expect(patches()).toHaveLength(2);
  });
});

describe('failures', () => {
  it('names the env var of a rejected token, never the token', async () => {
    const settings = launchDarklySettings.parse({
      type: 'launchdarkly',
      project: 'default',
      environment: 'production',
      token: 'wrong-token-value',
      url: fake.url,
    });
    const e = await caught((await createLaunchDarklyFlags(settings, ctx)).read({ flag: FLAG }));
    expect(e.message).toBe('LaunchDarkly rejected the token in LD_API_TOKEN (401)');
    expect(e.status).toBe(401);
  });

  it('says which flag is unknown', async () => {
    const e = await caught((await provider()).read({ flag: 'nope' }));
    expect(e.message).toBe('LaunchDarkly has no flag "nope" in project "default" (404)');
  });

  it('says which environment is missing', async () => {
    const e = await caught((await provider({ environment: 'staging' })).read({ flag: FLAG }));
    expect(e.message).toBe('LaunchDarkly flag "new-checkout" has no environment "staging"');
  });

  it('retries a 409 optimistic-locking conflict', async () => {
    fake.conflictOnce();
    const state = await (await provider()).setTraffic({ flag: FLAG, traffic: 5, comment: 'x' });
    expect(state.traffic).toBe(5);
    expect(patches()).toHaveLength(2);
    expect(fake.applied).toHaveLength(1);
  });

  it('explains a 405 approval requirement and changes nothing', async () => {
    fake.requireApproval = true;
    const before = fake.flag(FLAG);
    const e = await caught((await provider()).setTraffic({ flag: FLAG, traffic: 5, comment: 'x' }));
    expect(e.message).toBe(
      'LaunchDarkly requires an approval to change flag "new-checkout" in "production" (405); nothing was changed',
    );
    expect(fake.flag(FLAG)).toEqual(before);
  });

  it('a failed write leaves the flag as it was', async () => {
    const ld = await provider({ retries: 1 });
    await ld.setTraffic({ flag: FLAG, traffic: 5, audience: beta, comment: 'first' });
    const before = fake.flag(FLAG);
    fake.faults.inject(
      { kind: 'status', status: 503, body: { code: 'service_unavailable', message: 'try later' } },
      { times: 5, method: 'PATCH' },
    );
    const e = await caught(ld.setTraffic({ flag: FLAG, traffic: 25, audience: beta, comment: 'second' }));
    expect(e.message).toMatch(
      /^LaunchDarkly answered 503 for PATCH \/api\/v2\/flags\/default\/new-checkout after 2 attempts over .*: service_unavailable: try later$/,
    );
    expect(fake.flag(FLAG)).toEqual(before);
  });

  it('the fake rejects a JSON-patch content type and unbalanced weights (all-or-nothing)', async () => {
    const headers = { Authorization: TOKEN, 'Content-Type': 'application/json' };
    const url = `${fake.url}/api/v2/flags/default/${FLAG}`;
    const plain = await fetch(url, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] }),
    });
    expect(plain.status).toBe(400);
    const bad = await fetch(url, {
      method: 'PATCH',
      headers: { ...headers, 'Content-Type': 'application/json; domain-model=launchdarkly.semanticpatch' },
      body: JSON.stringify({
        environmentKey: 'production',
        instructions: [
          { kind: 'turnFlagOn' },
          { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [`${FLAG}-true-id`]: 5000 } },
        ],
      }),
    });
    expect(bad.status).toBe(400);
    expect(fake.env(FLAG).on).toBe(false);
  });

  it('waits for X-Ratelimit-Reset before retrying a 429', async () => {
    fake.rateLimit({ resetInMs: 300 });
    const started = Date.now();
    await (await provider()).read({ flag: FLAG });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - started).toBeGreaterThanOrEqual(300);
  });

  it('throws when the read-back does not match what was written', async () => {
    const stale = booleanFlag({
      key: FLAG,
      on: true,
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 1000 },
            { variation: 1, weight: 99000 },
          ],
        },
      },
    });
    // the first GET passes through; the read-back GET answers a stale flag
    fake.faults.inject({ kind: 'delay', ms: 0 }, { method: 'GET' });
    fake.faults.inject({ kind: 'body', body: stale }, { method: 'GET' });
    const e = await caught((await provider()).setTraffic({ flag: FLAG, traffic: 5, comment: 'x' }));
    expect(e.message).toBe(
      'LaunchDarkly accepted the change to flag "new-checkout" but it reads back 1 % instead of 5 %',
    );
  });

  test.each([
    ['an HTML page', { kind: 'html' } as const, /malformed body \(expected JSON\)/],
    ['truncated JSON', { kind: 'truncated' } as const, /malformed body \(expected JSON\)/],
    ['the wrong shape', { kind: 'body', body: { items: [] } } as const, /malformed flag for "new-checkout"/],
  ])('%s is a ProviderError, never a state', async (_name, fault, message) => {
    fake.faults.inject(fault);
    const e = await caught((await provider()).read({ flag: FLAG }));
    expect(e.message).toMatch(message);
  });

  it('a slow answer is a timeout error', async () => {
    fake.faults.inject({ kind: 'delay', ms: 800 }, { times: 5 });
    const e = await caught((await provider({ timeout: '100ms', retries: 1 })).read({ flag: FLAG }));
    expect(e.message).toMatch(
      /^LaunchDarkly did not answer within 100 ms \(GET \/api\/v2\/flags\/default\/new-checkout\) after 2 attempts/,
    );
  });
});
