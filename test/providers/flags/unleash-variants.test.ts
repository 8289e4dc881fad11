/**
 * serveVariant on Unleash (a light contingency's adjust-flags), against the real server: the main
 * strategy and the keep strategies serve the variant with its JSON value as the payload, Unleash's
 * evaluator (the advanced playground) hands it to exactly the users who have the flag, it reads back as
 * the FlagState's variant, and a plain setTraffic clears it.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createUnleashFlags } from '../../../src/providers/flags/unleash/index.js';
import type { FlagProvider } from '../../../src/providers/types.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';
import { unleash } from '../../helpers/servers.js';
import { admin, ENV, playground, servedLocally, storedEnv } from '../../helpers/unleash-eval.js';

const PLAN = 'recs-variants';
const { ctx } = adapterContext({ name: 'flags', plan: PLAN });
const technical = { name: 'technical-users', attribute: 'profile', in: ['technical'] };
const active = { name: 'active-users', attribute: 'activity', in: ['active'] };
const VALUES = { on: { model: 'v2', maxItems: 10 }, conservative: { model: 'v2', maxItems: 5 }, off: { model: 'v1' } };
const USERS = Array.from({ length: 2000 }, (_, i) => `user-${i}`);

const created: string[] = [];
let seq = 0;
function newFlag(): string {
  const name = `rt-var-${Date.now().toString(36)}-${process.pid}-${seq++}`;
  created.push(name);
  return name;
}
afterEach(async () => {
  for (const flag of created.splice(0)) await admin('DELETE', `/api/admin/projects/default/features/${flag}`);
});

let flags: FlagProvider;
beforeAll(async () => {
  flags = await createUnleashFlags(
    {
      type: 'unleash',
      url: unleash().url,
      token: unleash().token,
      project: 'default',
      environment: ENV,
      stickiness: 'default',
    },
    ctx,
  );
});

/** Counts of what Unleash serves these users: `off`, or the variant name with its payload. */
async function served(flag: string, fields: Record<string, string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of (await playground(flag, USERS, fields)).values()) {
    const k = r.on ? `${r.variant} ${r.payload ?? ''}`.trim() : 'off';
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

const CONSERVATIVE = `conservative ${JSON.stringify(VALUES.conservative)}`;

describe('serveVariant on Unleash', () => {
  it('serves the variant with its parameters to the canary share, keeps it at the next phase, and a plain setTraffic clears it', async () => {
    const flag = newFlag();
    await flags.setTraffic({ flag, traffic: 5, audience: technical, comment: 'canary-5', variants: VALUES });
    const plain = await served(flag, { profile: 'technical' });
    // on without a variant: Unleash's "disabled" variant for everyone who has the flag
    expect([...plain.keys()].sort()).toEqual(['disabled', 'off']);

    const state = await flags.serveVariant!({
      flag,
      traffic: 5,
      audience: technical,
      comment: 'light contingency',
      variant: 'conservative',
      variants: VALUES,
    });
    expect(state).toMatchObject({ enabled: true, traffic: 5, variant: 'conservative' });
    expect(await flags.read({ flag })).toMatchObject({ variant: 'conservative' });
    const main = (await storedEnv(flag)).strategies[0];
    expect(main.variants).toEqual([
      {
        name: 'conservative',
        weight: 1000,
        weightType: 'variable',
        stickiness: 'default',
        payload: { type: 'json', value: JSON.stringify(VALUES.conservative) },
      },
    ]);
    // the same users as before get the flag, now with the conservative parameters
    const adjusted = await served(flag, { profile: 'technical' });
    expect([...adjusted.keys()].sort()).toEqual([CONSERVATIVE, 'off']);
    expect(adjusted.get(CONSERVATIVE)).toBe(plain.get('disabled'));

    // the next phase keeps serving it, in the keep strategy too
    const at25 = await flags.serveVariant!({
      flag,
      traffic: 25,
      audience: active,
      keep: [{ audience: technical, traffic: 5 }],
      comment: 'canary-25',
      variant: 'conservative',
      variants: VALUES,
    });
    expect(at25).toMatchObject({
      traffic: 25,
      variant: 'conservative',
      detail: { kept: [{ variant: 'conservative' }] },
    });
    const dormantTech = await served(flag, { profile: 'technical', activity: 'dormant' });
    expect([...dormantTech.keys()].sort()).toEqual([CONSERVATIVE, 'off']);
    expect(dormantTech.get(CONSERVATIVE)).toBe(adjusted.get(CONSERVATIVE)); // kept: the same share
    const activeBiz = await served(flag, { profile: 'business', activity: 'active' });
    expect([...activeBiz.keys()].sort()).toEqual([CONSERVATIVE, 'off']);
    // serving it again changes nothing
    const stored = await storedEnv(flag);
    await flags.serveVariant!({
      flag,
      traffic: 25,
      audience: active,
      keep: [{ audience: technical, traffic: 5 }],
      comment: 'again',
      variant: 'conservative',
      variants: VALUES,
    });
    expect(await storedEnv(flag)).toEqual(stored);

    // back to plain on: no strategy serves a variant any more
    const cleared = await flags.setTraffic({
      flag,
      traffic: 25,
      audience: active,
      keep: [{ audience: technical, traffic: 5 }],
      comment: 'adjustment over',
    });
    expect(cleared.variant).toBeUndefined();
    expect((await storedEnv(flag)).strategies.map((s) => s.variants)).toEqual([[], []]);
    expect([...(await served(flag, { profile: 'business', activity: 'active' })).keys()].sort()).toEqual([
      'disabled',
      'off',
    ]);
  });

  it('a rollback turns it off for everyone: nobody gets the variant', async () => {
    const flag = newFlag();
    const args = { flag, traffic: 5, audience: technical, comment: 'c', variant: 'conservative', variants: VALUES };
    await flags.serveVariant!(args);
    const off = await flags.disable({ flag, comment: 'rollback', variants: VALUES });
    expect(off).toMatchObject({ enabled: false, traffic: 0 });
    expect(off.variant).toBeUndefined();
    expect([...(await served(flag, { profile: 'technical' })).keys()]).toEqual(['off']);
    expect(servedLocally(await storedEnv(flag), USERS, { profile: 'technical' }).size).toBe(0);
  });

  it('a variant the plan gives no value for is refused before anything is sent', async () => {
    const flag = newFlag();
    await flags.setTraffic({ flag, traffic: 5, audience: technical, comment: 'c' });
    const before = await storedEnv(flag);
    const err = await expectProviderError(
      flags.serveVariant!({ flag, traffic: 5, audience: technical, comment: 'c', variant: 'bold', variants: VALUES }),
    );
    expect(err.message).toMatch(/no value for the variant bold; nothing was sent/);
    expect(await storedEnv(flag)).toEqual(before);
  });
});
