/**
 * A run killed between an Unleash change landing and its record (ROLLOUT_TEST_CRASH_AT), through the
 * built binary on the real server: the next run reads the flag back, sees that the change landed (the
 * audience reads back by the plan's name, from the strategy's title) and records the phase at the time
 * it landed, never changing the flag twice; also when the change brought a keep strategy.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, explain, removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';
import { unleash } from '../helpers/servers.js';
import { admin, fullPlanOnUnleash, storedEnv } from '../helpers/unleash-eval.js';

const PLAN = 'plans/recommendations-full.yaml';
const NAME = 'recomendacoes-completo';
const flag = `recs-crash-${process.pid}-${Date.now().toString(36)}`;

afterAll(async () => {
  removeSandboxes();
  await admin('DELETE', `/api/admin/projects/default/features/${flag}`).catch(() => undefined);
});

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

describe('a run killed after an Unleash change landed', () => {
  const sb = Sandbox.create({ now: '2026-06-17T09:00:00Z' });
  writeFileSync(sb.path(PLAN), fullPlanOnUnleash(readFileSync(sb.path(PLAN), 'utf8'), flag));
  const env = { UNLEASH_URL: unleash().url, UNLEASH_TOKEN: unleash().token };
  const run = (args: string[], now: string, extra: Record<string, string> = {}) =>
    sb.run([args[0]!, PLAN, ...args.slice(1)], { env: { ...env, ...extra }, timeoutMs: 60_000, now });
  const starts = () =>
    sb
      .journal(sb.path('plans', '.rollout-full', `${NAME}.journal.jsonl`))
      .filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic');

  it('entering canary-5: the next run records it as landed at the time it landed', async () => {
    expectCode(await run(['checklist', '--yes'], '2026-06-17T09:00:00Z'), 0);
    expectCode(await run(['approve', '--by', 'tech-lead'], '2026-06-17T09:00:00Z'), 0);
    const crashed = await run(['advance', '--json'], T.canary5, { ROLLOUT_TEST_CRASH_AT: 'landed:flag.set-traffic' });
    expect(crashed.signal).toBe('SIGKILL');
    const landed = await storedEnv(flag);
    expect(landed.strategies.map((s) => s.title)).toEqual([`rollout:${NAME}:technical-users`]);

    // status only reads; the next advance records it (entered when it landed) and holds for the soak
    const st = await run(['status', '--json'], after(T.canary5, '5m'));
    expectCode(st, 0);
    expect(st.stderr).toContain('it landed: the flag serves 5% of technical-users; recorded as pre-deploy → canary-5');
    expect(st.stderr).not.toMatch(/neither what it asked/);
    expectCode(await run(['advance'], after(T.canary5, '5m')), 3);
    const after5 = await run(['status', '--json'], after(T.canary5, '5m'));
    expect(after5.json()).toMatchObject({ phase: 'canary-5', traffic: 5, enteredAt: '2026-06-18T09:00:00.000Z' });
    expect(after5.stderr).not.toContain('a previous run stopped');
    expect(await storedEnv(flag)).toEqual(landed);
    expect(starts()).toHaveLength(1);
  });

  it('entering canary-25 (with the technical-users keep strategy): recorded, never applied twice', async () => {
    const leave5 = after(T.canary5, '48h');
    expectCode(await run(['approve', '--by', 'head-of-engineering'], leave5), 0);
    const crashed = await run(['advance', '--json'], leave5, { ROLLOUT_TEST_CRASH_AT: 'landed:flag.set-traffic' });
    expect(crashed.signal).toBe('SIGKILL');
    const landed = await storedEnv(flag);
    expect(landed.strategies.map((s) => s.title).sort()).toEqual([
      `rollout:${NAME}:active-users`,
      `rollout:${NAME}:keep:technical-users`,
    ]);
    const again = await run(['advance', '--json'], after(leave5, '10m'));
    expect(again.stderr).toContain('a previous run stopped before it finished: set the flag to 25% of active-users');
    expect(again.stderr).not.toMatch(/neither what it asked/);
    expect(again.stderr).toContain('it landed');
    const st = await run(['status', '--json'], after(leave5, '10m'));
    expect(st.json()).toMatchObject({ phase: 'canary-25', traffic: 25, enteredAt: new Date(leave5).toISOString() });
    expect(st.stderr).not.toContain('a previous run stopped');
    expect(await storedEnv(flag)).toEqual(landed);
    expect(starts()).toHaveLength(2);
  });
});
