/**
 * The seed's whole plan (plans/recommendations-full.yaml) on Unleash: the same walk as
 * test/cli/full-plan.test.ts through the built binary, with the flag on the real Unleash server instead
 * of the flagd file. Unleash's own evaluator (the advanced playground) shows who gets the flag and which
 * parameters: the light contingency's `conservador` variant with its JSON payload, kept technical users
 * at canary-25 (a keep strategy), everyone at full. The metrics stay the bundled file.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, explain, removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';
import { unleash } from '../helpers/servers.js';
import { admin, fullPlanOnUnleash, playground, storedEnv } from '../helpers/unleash-eval.js';

const PLAN = 'plans/recommendations-full.yaml';
const NAME = 'recomendacoes-completo';
const flag = `recs-full-${process.pid}-${Date.now().toString(36)}`;
const USERS = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
const CONSERVADOR = JSON.stringify({ modelo: 'v2', maxItens: 5 });
const TECH_IDLE = { profile: 'technical', activity: 'idle' };

afterAll(async () => {
  removeSandboxes();
  await admin('DELETE', `/api/admin/projects/default/features/${flag}`).catch(() => undefined);
});

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

/** What Unleash serves 2000 users with these fields: user → `off` or the variant (with its payload). */
async function served(fields: Record<string, string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [u, r] of await playground(flag, USERS, fields))
    out.set(u, r.on ? `${r.variant}${r.payload ? ` ${r.payload}` : ''}` : 'off');
  return out;
}
const count = (m: Map<string, string>, what: string) => [...m.values()].filter((v) => v === what).length;
const onUsers = (m: Map<string, string>) => [...m].filter(([, v]) => v !== 'off').map(([u]) => u);

describe('the seed plan, whole, on Unleash', () => {
  const sb = Sandbox.create({ now: '2026-06-17T09:00:00Z' });
  const file = sb.path(PLAN);
  writeFileSync(file, fullPlanOnUnleash(readFileSync(file, 'utf8'), flag));
  const env = { UNLEASH_URL: unleash().url, UNLEASH_TOKEN: unleash().token };
  const run = (args: string[], now?: string) =>
    sb.run([args[0]!, PLAN, ...args.slice(1)], { env, timeoutMs: 60_000, ...(now ? { now } : {}) });
  const status = async (now?: string) => {
    const r = await run(['status', '--json'], now);
    expectCode(r, 0);
    return r.json();
  };
  let techIdleAt5: string[] = [];

  it('validates against the Unleash provider', async () => {
    expectCode(await run(['validate']), 0);
  });

  it('pre-deploy → canary-5: ~5 % of technical users on Unleash, nobody else', async () => {
    expectCode(await run(['checklist', '--yes']), 0);
    expectCode(await run(['approve', '--by', 'tech-lead']), 0);
    const r = await run(['advance', '--json'], T.canary5);
    expectCode(r, 0);
    expect(r.json()).toMatchObject({ decision: 'advanced', to: 'canary-5', traffic: 5 });
    const tech = await served(TECH_IDLE);
    techIdleAt5 = onUsers(tech);
    expect(techIdleAt5.length).toBeGreaterThan(2000 * 0.025);
    expect(techIdleAt5.length).toBeLessThan(2000 * 0.08);
    expect(count(tech, 'disabled')).toBe(techIdleAt5.length); // the plain `on`: no strategy variant
    expect(onUsers(await served({ profile: 'business', activity: 'active' }))).toEqual([]);
  });

  it('a per-component rollback reverts only the ML model: the Unleash flag is not touched', async () => {
    const at = after(T.canary5, '1m');
    const before = await storedEnv(flag);
    expectCode(await run(['rollback', '--component', 'Modelos ML', '--yes'], at), 0);
    expect(await status(at)).toMatchObject({ phase: 'canary-5', traffic: 5 });
    expect(await storedEnv(flag)).toEqual(before);
    expectCode(await run(['advance'], after(T.canary5, '2m')), 3);
    expectCode(await run(['resume', '--yes'], after(T.canary5, '2m')), 0);
  });

  it('a light breach: Unleash serves the conservador parameters to the same canary users', async () => {
    sb.setMetric(after(T.canary5, '15m'), 'cpu_utilization', 'canary', 95);
    const at = after(T.canary5, '16m');
    const r = await run(['advance', '--apply-contingency', '--json'], at);
    expectCode(r, 4);
    expect(r.json().contingency).toMatchObject({ level: 'light', action: 'adjust-flags', applied: true });
    const s = await status(at);
    expect(s).toMatchObject({ served: { variant: 'conservador' }, flag: { traffic: 5, variant: 'conservador' } });
    expect(s.flagMatchesState).toBe(true);
    const tech = await served(TECH_IDLE);
    expect(onUsers(tech)).toEqual(techIdleAt5);
    expect(count(tech, `conservador ${CONSERVADOR}`)).toBe(techIdleAt5.length);
    expectCode(await run(['advance'], after(after(T.canary5, '48h'), '10m')), 3);
  });

  it('canary-25 keeps the technical users (with conservador), full serves everyone, then completed', async () => {
    const leave5 = after(after(T.canary5, '48h'), '16m');
    expectCode(await run(['approve', '--by', 'head-of-engineering'], leave5), 0);
    const to25 = await run(['advance', '--json'], leave5);
    expectCode(to25, 0);
    expect(to25.json()).toMatchObject({ to: 'canary-25', traffic: 25 });
    const titles = (await storedEnv(flag)).strategies.map((x) => [x.title, x.parameters.rollout, x.variants[0]?.name]);
    expect(titles.sort()).toEqual([
      [`rollout:${NAME}:active-users`, '25', 'conservador'],
      [`rollout:${NAME}:keep:technical-users`, '5', 'conservador'],
    ]);
    const tech = await served(TECH_IDLE);
    expect(onUsers(tech)).toEqual(techIdleAt5); // nobody lost it, nobody new
    expect(count(tech, `conservador ${CONSERVADOR}`)).toBe(techIdleAt5.length);
    const act = onUsers(await served({ profile: 'business', activity: 'active' }));
    expect(act.length).toBeGreaterThan(2000 * 0.2);
    expect(act.length).toBeLessThan(2000 * 0.3);

    const leave25 = after(leave5, '72h');
    expectCode(await run(['approve', '--by', 'product-manager'], leave25), 0);
    const toFull = await run(['advance', '--json'], leave25);
    expectCode(toFull, 0);
    expect(toFull.json()).toMatchObject({ to: 'full', traffic: 100 });
    expect(onUsers(await served({ profile: 'business', activity: 'idle' }))).toHaveLength(2000);
    expect((await storedEnv(flag)).strategies.map((x) => x.title)).toEqual([`rollout:${NAME}`]);
    expectCode(await run(['advance'], after(leave25, '12h')), 3);
    expectCode(await run(['approve', '--by', 'tech-lead'], after(leave25, '24h')), 0);
    const done = await run(['advance', '--json'], after(leave25, '24h'));
    expectCode(done, 0);
    expect(done.json().decision).toBe('completed');
    expect((await status(after(leave25, '24h'))).state).toBe('completed');
  });
});
