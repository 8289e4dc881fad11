/**
 * The seed's whole plan (plans/recommendations-full.yaml) on LaunchDarkly: the walk of
 * test/e2e/full-plan-unleash.test.ts through the built binary, with the flag in the loopback LaunchDarkly
 * fake, a JSON flag with the plan's `on` and `off` parameters. The fake's evaluator (LaunchDarkly's
 * bucketing) shows who gets which parameters: the light contingency's `conservador` (a variation
 * rollout adds, after the off one, so LaunchDarkly buckets it from the top of the range: the same
 * share, other users, and rollout says so), kept technical users at canary-25, everyone at full.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { after, explain, removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';
import { startLaunchDarklyFake, type LaunchDarklyFake } from '../helpers/fakes/launchdarkly.js';
import { FULL_OFF, FULL_ON, fullPlanFlag, fullPlanOnLaunchDarkly } from '../helpers/launchdarkly-plan.js';

const PLAN = 'plans/recommendations-full.yaml';
const NAME = 'recomendacoes-completo';
const FLAG = 'recs-full-ld';
const TOKEN = 'api-full-plan-ld-0123456789abcdef';
const KEYS = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
const ON = FULL_ON;
const CONSERVADOR = { modelo: 'v2', maxItens: 5 };
const OFF = FULL_OFF;
const TECH_IDLE = { profile: 'technical', activity: 'idle' };

let fake: LaunchDarklyFake;
beforeAll(async () => {
  fake = await startLaunchDarklyFake({ token: TOKEN, flags: [fullPlanFlag(FLAG)] });
});
afterAll(async () => {
  removeSandboxes();
  await fake.close();
});

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

/** key → the JSON the flag serves a context with these attributes */
function served(attrs: Record<string, string>): Map<string, string> {
  return new Map(KEYS.map((key) => [key, JSON.stringify(fake.evaluate(FLAG, { key, ...attrs }).value)]));
}
const having = (m: Map<string, string>, v: unknown) =>
  [...m].filter(([, x]) => x === JSON.stringify(v)).map(([k]) => k);

describe('the seed plan, whole, on LaunchDarkly (fake)', () => {
  const sb = Sandbox.create({ now: '2026-06-17T09:00:00Z' });
  const file = sb.path(PLAN);
  writeFileSync(file, fullPlanOnLaunchDarkly(readFileSync(file, 'utf8'), FLAG));
  const env = () => ({ LD_URL: fake.url, LD_API_TOKEN: TOKEN });
  const run = (args: string[], now?: string) =>
    sb.run([args[0]!, PLAN, ...args.slice(1)], { env: env(), timeoutMs: 60_000, ...(now ? { now } : {}) });
  const status = async (now?: string) => {
    const r = await run(['status', '--json'], now);
    expectCode(r, 0);
    return r.json();
  };
  let techAt5: string[] = [];

  it('pre-deploy → canary-5: ~5 % of technical users get `on`, nobody else', async () => {
    expectCode(await run(['validate']), 0);
    expectCode(await run(['checklist', '--yes']), 0);
    expectCode(await run(['approve', '--by', 'tech-lead']), 0);
    const r = await run(['advance', '--json'], T.canary5);
    expectCode(r, 0);
    techAt5 = having(served(TECH_IDLE), ON);
    expect(Math.abs(techAt5.length / KEYS.length - 0.05)).toBeLessThan(0.01);
    expect(having(served({ profile: 'business', activity: 'active' }), OFF)).toHaveLength(KEYS.length);
  });

  it('a light breach: LaunchDarkly serves the conservador parameters to the canary share', async () => {
    sb.setMetric(after(T.canary5, '15m'), 'cpu_utilization', 'canary', 95);
    const at = after(T.canary5, '16m');
    const r = await run(['advance', '--apply-contingency', '--json'], at);
    expectCode(r, 4);
    expect(r.json().contingency).toMatchObject({ level: 'light', action: 'adjust-flags', applied: true });
    expect(r.stderr).toMatch(/comes after the off variation/);
    const s = await status(at);
    expect(s).toMatchObject({ served: { variant: 'conservador' }, flag: { traffic: 5, variant: 'conservador' } });
    expect(s.flagMatchesState).toBe(true);
    const stored = fake.flag(FLAG);
    expect(stored.variations.map((v) => v.name)).toEqual(['on', 'off', 'conservador']);
    expect(stored.environments.production!.offVariation).toBe(1);
    const tech = served(TECH_IDLE);
    expect(having(tech, ON)).toEqual([]);
    expect(Math.abs(having(tech, CONSERVADOR).length / KEYS.length - 0.05)).toBeLessThan(0.01);
    techAt5 = having(tech, CONSERVADOR);
  });

  it('canary-25 keeps the technical users (with conservador), full serves everyone `on`, then completed', async () => {
    expectCode(await run(['advance'], after(after(T.canary5, '48h'), '10m')), 3);
    const leave5 = after(after(T.canary5, '48h'), '16m');
    expectCode(await run(['approve', '--by', 'head-of-engineering'], leave5), 0);
    const to25 = await run(['advance', '--json'], leave5);
    expectCode(to25, 0);
    expect(to25.json()).toMatchObject({ to: 'canary-25', traffic: 25 });
    expect(fake.env(FLAG).rules.map((r) => r.description)).toEqual([
      `rollout:${NAME}:active-users`,
      `rollout:${NAME}:keep:technical-users`,
    ]);
    expect(having(served(TECH_IDLE), CONSERVADOR)).toEqual(techAt5); // nobody lost it, nobody new
    const act = having(served({ profile: 'business', activity: 'active' }), CONSERVADOR);
    expect(Math.abs(act.length / KEYS.length - 0.25)).toBeLessThan(0.01);

    const leave25 = after(leave5, '72h');
    expectCode(await run(['approve', '--by', 'product-manager'], leave25), 0);
    const toFull = await run(['advance', '--json'], leave25);
    expectCode(toFull, 0);
    expect(toFull.json()).toMatchObject({ to: 'full', traffic: 100 });
    expect(fake.env(FLAG).rules).toEqual([]);
    const all = served({ profile: 'business', activity: 'idle' });
    expect(having(all, ON).length + having(all, CONSERVADOR).length).toBe(KEYS.length);
    expectCode(await run(['advance'], after(leave25, '12h')), 3);
    expectCode(await run(['approve', '--by', 'tech-lead'], after(leave25, '24h')), 0);
    const done = await run(['advance', '--json'], after(leave25, '24h'));
    expectCode(done, 0);
    expect(done.json().decision).toBe('completed');
  });
});
