/**
 * A run killed between a LaunchDarkly change landing and its record (ROLLOUT_TEST_CRASH_AT), through the
 * built binary on the LaunchDarkly fake: the next run reads the flag back, sees that the change landed
 * (the audience reads back by the plan's name, from the main rule's description, never from a kept
 * rule's) and records the phase at the time it landed, never changing the flag twice; also when the
 * change brought a keep rule.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { after, explain, removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';
import { startLaunchDarklyFake, type LaunchDarklyFake } from '../helpers/fakes/launchdarkly.js';
import { fullPlanFlag, fullPlanOnLaunchDarkly } from '../helpers/launchdarkly-plan.js';

const PLAN = 'plans/recommendations-full.yaml';
const NAME = 'recomendacoes-completo';
const FLAG = 'recs-crash-ld';
const TOKEN = 'api-crash-ld-0123456789abcdef0123';

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

describe('a run killed after a LaunchDarkly change landed', () => {
  const sb = Sandbox.create({ now: '2026-06-17T09:00:00Z' });
  writeFileSync(sb.path(PLAN), fullPlanOnLaunchDarkly(readFileSync(sb.path(PLAN), 'utf8'), FLAG));
  const run = (args: string[], now: string, extra: Record<string, string> = {}) =>
    sb.run([args[0]!, PLAN, ...args.slice(1)], {
      env: { LD_URL: fake.url, LD_API_TOKEN: TOKEN, ...extra },
      timeoutMs: 60_000,
      now,
    });
  const starts = () =>
    sb
      .journal(sb.path('plans', '.rollout-full', `${NAME}.journal.jsonl`))
      .filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic');

  it('entering canary-5: the next run records it as landed at the time it landed', async () => {
    expectCode(await run(['checklist', '--yes'], '2026-06-17T09:00:00Z'), 0);
    expectCode(await run(['approve', '--by', 'tech-lead'], '2026-06-17T09:00:00Z'), 0);
    const crashed = await run(['advance', '--json'], T.canary5, { ROLLOUT_TEST_CRASH_AT: 'landed:flag.set-traffic' });
    expect(crashed.signal).toBe('SIGKILL');
    const landed = fake.flag(FLAG);
    expect(landed.environments.production!.rules.map((r) => r.description)).toEqual([
      `rollout:${NAME}:technical-users`,
    ]);

    const st = await run(['status', '--json'], after(T.canary5, '5m'));
    expectCode(st, 0);
    expect(st.stderr).toContain('it landed: the flag serves 5% of technical-users; recorded as pre-deploy → canary-5');
    expect(st.stderr).not.toMatch(/neither what it asked/);
    expectCode(await run(['advance'], after(T.canary5, '5m')), 3);
    const after5 = await run(['status', '--json'], after(T.canary5, '5m'));
    expect(after5.json()).toMatchObject({ phase: 'canary-5', traffic: 5, enteredAt: '2026-06-18T09:00:00.000Z' });
    expect(fake.flag(FLAG)).toEqual(landed);
    expect(starts()).toHaveLength(1);
  });

  it('entering canary-25 (with the technical-users keep rule): recorded, never applied twice', async () => {
    const leave5 = after(T.canary5, '48h');
    expectCode(await run(['approve', '--by', 'head-of-engineering'], leave5), 0);
    const crashed = await run(['advance', '--json'], leave5, { ROLLOUT_TEST_CRASH_AT: 'landed:flag.set-traffic' });
    expect(crashed.signal).toBe('SIGKILL');
    const landed = fake.flag(FLAG);
    expect(landed.environments.production!.rules.map((r) => r.description)).toEqual([
      `rollout:${NAME}:active-users`,
      `rollout:${NAME}:keep:technical-users`,
    ]);
    const again = await run(['advance', '--json'], after(leave5, '10m'));
    expect(again.stderr).toContain('a previous run stopped before it finished: set the flag to 25% of active-users');
    expect(again.stderr).not.toMatch(/neither what it asked/);
    expect(again.stderr).toContain('it landed');
    const st = await run(['status', '--json'], after(leave5, '10m'));
    expect(st.json()).toMatchObject({ phase: 'canary-25', traffic: 25, enteredAt: new Date(leave5).toISOString() });
    expect(fake.flag(FLAG)).toEqual(landed);
    expect(starts()).toHaveLength(2);
  });
});
