/**
 * Exposure only grows on Unleash: the walk technical-users 5 % → active-users 25 % (technical-users kept
 * at 5 % by a keep strategy) → 100 %, against the real server. Who gets the flag is told by Unleash's own
 * evaluator (the advanced playground) over 4000 users per audience mix, and by Unleash's hashing locally
 * over 100 000 users once the local evaluation is shown to agree with the playground on every one of the
 * 4000. The same walk without keep strategies loses users, so the check can fail.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createUnleashFlags } from '../../../src/providers/flags/unleash/index.js';
import type { FlagProvider, FlagState } from '../../../src/providers/types.js';
import { adapterContext } from '../../helpers/providers.js';
import { unleash } from '../../helpers/servers.js';
import { admin, ENV, lost, playground, servedLocally, storedEnv } from '../../helpers/unleash-eval.js';

const PLAN = 'recs-keep';
const { ctx } = adapterContext({ name: 'flags', plan: PLAN });
const technical = { name: 'technical-users', attribute: 'profile', in: ['technical'] };
const active = { name: 'active-users', attribute: 'activity', in: ['active'] };
const PG_USERS = Array.from({ length: 4000 }, (_, i) => `user-${i}`);
const LOCAL_USERS = Array.from({ length: 100_000 }, (_, i) => `local-${i}`);
/** technical users who are not active are the ones canary-25's audience leaves out */
const MIXES: Record<string, string>[] = [
  { profile: 'technical', activity: 'dormant' },
  { profile: 'technical', activity: 'active' },
  { profile: 'business', activity: 'active' },
  { profile: 'business', activity: 'dormant' },
];
const KEEP_TITLE = `rollout:${PLAN}:keep:technical-users`;

const created: string[] = [];
let seq = 0;
function newFlag(): string {
  const name = `rt-keep-${Date.now().toString(36)}-${process.pid}-${seq++}`;
  created.push(name);
  return name;
}
afterEach(async () => {
  // archive only (see unleash.test.ts)
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

interface Step {
  state: FlagState;
  env: { enabled: boolean; strategies: any[] };
  /** per mix: the playground's users who get it */
  pg: Set<string>[];
}

async function step(flag: string, set: () => Promise<FlagState>): Promise<Step> {
  const state = await set();
  const env = await storedEnv(flag);
  const pg: Set<string>[] = [];
  for (const fields of MIXES) {
    const answers = await playground(flag, PG_USERS, fields);
    const on = new Set(PG_USERS.filter((u) => answers.get(u)!.on));
    // the local evaluation agrees with Unleash's on every user
    expect({ fields, local: [...servedLocally(env, PG_USERS, fields)].sort() }).toEqual({
      fields,
      local: [...on].sort(),
    });
    pg.push(on);
  }
  return { state, env, pg };
}

async function walk(flag: string, keep: boolean): Promise<Step[]> {
  const k5 = { audience: technical, traffic: 5 };
  const k25 = { audience: active, traffic: 25 };
  return [
    await step(flag, () => flags.setTraffic({ flag, traffic: 5, audience: technical, comment: 'canary-5' })),
    await step(flag, () =>
      flags.setTraffic({ flag, traffic: 25, audience: active, keep: keep ? [k5] : [], comment: 'canary-25' }),
    ),
    await step(flag, () => flags.setTraffic({ flag, traffic: 100, keep: keep ? [k5, k25] : [], comment: 'full' })),
  ];
}

/** Users lost from each step to the next, per mix: [playground, local 100k]. */
function losses(steps: Step[]): { mix: string; step: number; playground: number; local: number }[] {
  const out = [];
  for (let i = 1; i < steps.length; i++)
    for (const [m, fields] of MIXES.entries()) {
      const before = servedLocally(steps[i - 1]!.env, LOCAL_USERS, fields);
      const after = servedLocally(steps[i]!.env, LOCAL_USERS, fields);
      out.push({
        mix: JSON.stringify(fields),
        step: i,
        playground: lost(steps[i - 1]!.pg[m]!, steps[i]!.pg[m]!).length,
        local: lost(before, after).length,
      });
    }
  return out;
}

describe('exposure only grows on Unleash (keep strategies)', () => {
  it('5 % technical → 25 % active keeping technical at 5 % → 100 %: 0 users lose it (4000 by the playground, 100 000 locally)', async () => {
    const flag = newFlag();
    const steps = await walk(flag, true);
    const [at5, at25, at100] = steps as [Step, Step, Step];
    expect(losses(steps).filter((l) => l.playground > 0 || l.local > 0)).toEqual([]);

    // canary-25: the main strategy serves 25 % of active users; one keep strategy keeps 5 % of technical users
    const main = at25.env.strategies.find((s) => s.title === `rollout:${PLAN}:active-users`);
    const kept = at25.env.strategies.find((s) => s.title === KEEP_TITLE);
    expect(at25.env.strategies).toHaveLength(2);
    expect(main.parameters).toEqual({ rollout: '25', stickiness: 'default', groupId: flag });
    expect(kept).toMatchObject({
      name: 'flexibleRollout',
      parameters: { rollout: '5', stickiness: main.parameters.stickiness, groupId: main.parameters.groupId },
      constraints: [expect.objectContaining({ contextName: 'profile', operator: 'IN', values: ['technical'] })],
    });
    // the state is the main strategy's, and the journal detail names the keep strategy
    expect(at25.state).toMatchObject({ enabled: true, traffic: 25, audience: 'active-users' });
    expect(at25.state.detail).toMatchObject({
      strategyId: main.id,
      restriction: 'activity IN [active]',
      kept: [{ id: kept.id, title: KEEP_TITLE, rollout: 5, audience: 'profile IN [technical]' }],
    });
    expect(at25.state.detail?.['unmanagedStrategies']).toBeUndefined();

    // technical users who are not active keep exactly their canary-5 share (~5 %), nobody new joins them
    expect(at25.pg[0]).toEqual(at5.pg[0]);
    expect(at5.pg[0]!.size).toBeGreaterThan(4000 * 0.03);
    expect(at5.pg[0]!.size).toBeLessThan(4000 * 0.07);
    // ~25 % of active business users; dormant business users never
    expect(at25.pg[2]!.size).toBeGreaterThan(4000 * 0.22);
    expect(at25.pg[2]!.size).toBeLessThan(4000 * 0.28);
    expect(at25.pg[3]!.size).toBe(0);
    // full: everyone, and no keep strategy is left (nobody can lose anything at 100 % of everyone)
    for (const s of at100.pg) expect(s.size).toBe(4000);
    expect(at100.env.strategies.map((s) => s.title)).toEqual([`rollout:${PLAN}`]);
    expect(at100.state.detail?.['kept']).toBeUndefined();
  });

  it('without keep strategies the same walk loses users (the check can fail)', async () => {
    const flag = newFlag();
    const l = losses(await walk(flag, false));
    const dormantTech = l.find((x) => x.step === 1 && x.mix === JSON.stringify(MIXES[0]))!;
    expect(dormantTech.playground).toBeGreaterThan(4000 * 0.03);
    expect(dormantTech.local).toBeGreaterThan(100_000 * 0.04);
    expect(dormantTech.local).toBeLessThan(100_000 * 0.06);
  });
});

describe('keep strategies are managed idempotently and never taken for the main one', () => {
  const at25 = (flag: string) =>
    flags.setTraffic({
      flag,
      traffic: 25,
      audience: active,
      keep: [{ audience: technical, traffic: 5 }],
      comment: 'canary-25',
    });

  it('setting the same phase again changes nothing; a reduce removes the keep strategy and takes exposure away', async () => {
    const flag = newFlag();
    await flags.setTraffic({ flag, traffic: 5, audience: technical, comment: 'canary-5' });
    const first = await at25(flag);
    const stored = await storedEnv(flag);
    expect(await at25(flag)).toEqual(first);
    expect(await storedEnv(flag)).toEqual(stored);

    const activeBusiness = MIXES[2]!;
    expect(servedLocally(stored, LOCAL_USERS, activeBusiness).size).toBeGreaterThan(20_000);
    const back = await flags.setTraffic({ flag, traffic: 5, audience: technical, keep: [], comment: 'reduce' });
    const after = await storedEnv(flag);
    expect(after.strategies.map((s) => s.title)).toEqual([`rollout:${PLAN}:technical-users`]);
    expect(back).toMatchObject({ traffic: 5, audience: 'technical-users' });
    expect(back.detail?.['kept']).toBeUndefined();
    expect(servedLocally(after, LOCAL_USERS, activeBusiness).size).toBe(0);
    // technical users keep what they had: the keep strategy's 5 % is the main strategy's 5 % again
    const tech = { profile: 'technical', activity: 'dormant' };
    expect(servedLocally(after, LOCAL_USERS, tech)).toEqual(servedLocally(stored, LOCAL_USERS, tech));
  });

  it('a keep strategy left alone (the main one deleted by hand) is not adopted as the main one', async () => {
    const flag = newFlag();
    await flags.setTraffic({ flag, traffic: 5, audience: technical, comment: 'canary-5' });
    const state = await at25(flag);
    const mainId = state.detail?.['strategyId'] as string;
    const keepId = (state.detail!['kept'] as { id: string }[])[0]!.id;
    expect(
      (await admin('DELETE', `/api/admin/projects/default/features/${flag}/environments/${ENV}/strategies/${mainId}`))
        .status,
    ).toBe(200);
    // read: no main strategy; the keep strategy is an exposure it does not manage, never "our 5 %"
    const read = await flags.read({ flag });
    expect(read.detail).toMatchObject({
      strategyId: undefined,
      unmanagedStrategies: [{ id: keepId, title: KEEP_TITLE }],
    });
    expect(read.traffic).toBe(5);
    // the next change creates a new main strategy and keeps the keep strategy as it is
    const again = await at25(flag);
    expect(again.detail?.['strategyId']).not.toBe(keepId);
    expect(again.detail).toMatchObject({ kept: [{ id: keepId }] });
    expect((await storedEnv(flag)).strategies.map((s) => s.title).sort()).toEqual([
      `rollout:${PLAN}:active-users`,
      KEEP_TITLE,
    ]);
  });

  it('keep strategies bucket like an adopted strategy: its stickiness and groupId', async () => {
    const flag = newFlag();
    await admin('POST', '/api/admin/projects/default/features', { name: flag, type: 'release' });
    await admin('POST', `/api/admin/projects/default/features/${flag}/environments/${ENV}/strategies`, {
      name: 'flexibleRollout',
      constraints: [],
      parameters: { rollout: '5', stickiness: 'userId', groupId: flag },
    });
    await at25(flag);
    const stored = await storedEnv(flag);
    expect(stored.strategies.map((s) => s.parameters)).toEqual([
      { rollout: '25', stickiness: 'userId', groupId: flag },
      { rollout: '5', stickiness: 'userId', groupId: flag },
    ]);
  });

  it('a kept share out of range is refused before anything is sent', async () => {
    const flag = newFlag();
    await flags.setTraffic({ flag, traffic: 5, audience: technical, comment: 'canary-5' });
    const before = await storedEnv(flag);
    await expect(
      flags.setTraffic({
        flag,
        traffic: 25,
        audience: active,
        keep: [{ audience: technical, traffic: 5.5 }],
        comment: 'x',
      }),
    ).rejects.toThrow(/5\.5 % \(kept for technical-users\): traffic must be a whole number.*nothing was sent/);
    expect(await storedEnv(flag)).toEqual(before);
  });
});
