/**
 * The light contingency's adjust-flags through the built binary: the plan's flag variants with values,
 * `serve: conservative` served to the canary share of the flagd file (evaluated by flagd-core),
 * journaled, the phase's soak restarted, and a rollback turning it all off.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '@openfeature/core';
import { FlagdCore } from '@openfeature/flagd-core';
import { atStage, expectCode, FLAG_KEY, removeSandboxes, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

const logger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ON = { model: 'v2', maxItems: 10 };
const CONSERVATIVE = { model: 'v2', maxItems: 5 };
const OFF = { model: 'v1', maxItems: 10 };

function withVariants(sb: Sandbox, light = '{ action: adjust-flags, serve: conservative }'): void {
  sb.editPlan((y) =>
    y
      .replace(
        '  key: recommendations-v2\n',
        '  key: recommendations-v2\n  variants:\n    on: { model: v2, maxItems: 10 }\n    conservative: { model: v2, maxItems: 5 }\n    off: { model: v1, maxItems: 10 }\n',
      )
      .replace('  light: { action: hold }', `  light: ${light}`),
  );
}

/** What flagd serves N technical users from the sandbox's flag file, counted by value. */
function served(sb: Sandbox, n = 20_000): Map<string, number> {
  const core = new FlagdCore(undefined, logger);
  core.setConfigurations(readFileSync(sb.flagFile, 'utf8'));
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = core.resolveObjectEvaluation(FLAG_KEY, {}, { targetingKey: randomUUID(), profile: 'technical' }, logger);
    const k = JSON.stringify(r.value);
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

async function lightBreach(): Promise<Sandbox> {
  const sb = await atStage('canary-5-approved');
  withVariants(sb);
  sb.setMetric('2026-06-19T22:00:00Z', 'cpu_utilization', 'canary', 85);
  return sb;
}

describe('adjust-flags serving a variant (light contingency)', () => {
  it('serves the variant to the canary share, journaled, and the soak restarts from the adjustment', async () => {
    const sb = await lightBreach();
    const r = await sb.cmd('advance', ['--apply-contingency', '--json']);
    expectCode(r, 4);
    const d = r.json<any>();
    expect(d.contingency).toMatchObject({ level: 'light', action: 'adjust-flags', applied: true });
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5, served: { variant: 'conservative' } });

    // flagd serves ~5% of technical users the conservative parameters, the rest the old version
    const by = served(sb);
    const share = (by.get(JSON.stringify(CONSERVATIVE)) ?? 0) / 20_000;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
    expect((by.get(JSON.stringify(OFF)) ?? 0) + (by.get(JSON.stringify(CONSERVATIVE)) ?? 0)).toBe(20_000);
    expect(by.has(JSON.stringify(ON))).toBe(false);

    // journaled before and after
    const effects = sb.journal().filter((e: any) => e.data?.action === 'flag.serve-variant');
    expect(effects.map((e: any) => e.type)).toEqual(['effect.start', 'effect.done']);
    expect(effects[0]!.data.target).toMatchObject({ traffic: 5, variant: 'conservative' });

    // the soak counts from the adjustment: 48h from now, and the flag does not move again
    const before = readFileSync(sb.flagFile, 'utf8');
    const again = await sb.cmd('advance', ['--apply-contingency', '--json']);
    const d2 = again.json<any>();
    const soak = d2.criteria.find((c: any) => c.name === 'minDuration');
    expect(soak).toMatchObject({ verdict: 'hold', eligibleAt: '2026-06-22T09:00:00.000Z' });
    expect(d2.contingency.applied).toBe(false);
    expect(d2.contingency.advice).toContain('already');
    expect(readFileSync(sb.flagFile, 'utf8')).toBe(before);

    // status and the phase report say what is served
    const status = await sb.json('status', [], 0);
    expect(status).toMatchObject({
      served: { variant: 'conservative', value: CONSERVATIVE },
      flag: { traffic: 5, variant: 'conservative' },
      flagMatchesState: true,
    });
    const text = await sb.cmd('status', []);
    expect(text.stdout).toContain('of technical-users the variant conservative');
    expect(text.stdout).toContain(
      'the canary gets the variant conservative {"model":"v2","maxItems":5} since 2026-06-20T09:00:00.000Z',
    );
    const md = readFileSync(sb.reportFile('canary-5', 'md'), 'utf8');
    expect(md).toContain('Served conservative {"model":"v2","maxItems":5} to the canary (light contingency)');
    expect(md).toContain('served conservative to the canary (light contingency)');

    // a rollback turns it all off; the variants keep their values, off is served to everyone
    expectCode(await sb.cmd('rollback', ['--yes', '--json']), 0);
    const after = served(sb, 2000);
    expect([...after.keys()]).toEqual([JSON.stringify(OFF)]);
    expect(sb.state()?.served).toBeUndefined();
  });

  it('adjust-flags without serve stays advice only and says so', async () => {
    const sb = await atStage('canary-5-approved');
    withVariants(sb, '{ action: adjust-flags }');
    sb.setMetric('2026-06-19T22:00:00Z', 'cpu_utilization', 'canary', 85);
    const before = readFileSync(sb.flagFile, 'utf8');
    const r = await sb.cmd('advance', ['--apply-contingency', '--json']);
    expectCode(r, 4);
    const d = r.json<any>();
    expect(d.contingency).toMatchObject({ action: 'adjust-flags', applied: false });
    expect(d.contingency.advice).toContain('serve: VARIANT');
    expect(readFileSync(sb.flagFile, 'utf8')).toBe(before);
  });

  it('validate refuses a serve that names no variant, with its place in the file', async () => {
    const sb = await atStage('start');
    withVariants(sb, '{ action: adjust-flags, serve: conservativ }');
    const r = await sb.cmd('validate', []);
    expectCode(r, 2);
    expect(r.stderr + r.stdout).toMatch(/no flag variant named "conservativ"/);
    expect(r.stderr + r.stdout).toMatch(/did you mean "?conservative/i);
    expect(r.stderr + r.stdout).toMatch(/recommendations\.yaml:\d+:\d+/);
  });

  it.each([['landed:flag.serve-variant'], ['append:effect.done']])(
    'killed at %s: the next advance records the adjustment from the flag, never serves it twice',
    async (point) => {
      const sb = await lightBreach();
      const crashed = await sb.cmd('advance', ['--apply-contingency', '--json'], {
        env: { ROLLOUT_TEST_CRASH_AT: point },
      });
      expect(crashed.signal).toBe('SIGKILL');
      expect(sb.flag()?.metadata?.['variant']).toBe('conservative'); // it landed before the kill
      // killed between the flag landing and its record: the state does not know yet
      if (point.startsWith('landed:')) expect(sb.state()?.served).toBeUndefined();
      sb.clock.set('2026-06-20T10:00:00Z');
      const again = await sb.cmd('advance', ['--apply-contingency', '--json']);
      expectCode(again, 4);
      expect(again.stderr).toContain('a previous run stopped before it finished: serve the variant conservative');
      // recorded at the time it landed: the soak counts from the adjustment, not from this run
      expect(sb.state()?.served).toMatchObject({ variant: 'conservative', at: '2026-06-20T09:00:00.000Z' });
      const soak = again.json<any>().criteria.find((c: any) => c.name === 'minDuration');
      expect(soak.eligibleAt).toBe('2026-06-22T09:00:00.000Z');
      const starts = sb
        .journal()
        .filter((e: any) => e.type === 'effect.start' && e.data?.action === 'flag.serve-variant');
      expect(starts).toHaveLength(1);
      expect(sb.journal().filter((e: any) => e.type === 'effect.interrupted')).toHaveLength(1);
    },
    120_000,
  );

  it('a later advance keeps serving the adjusted variant at the next phase', async () => {
    // without a soak in canary-5 (its restart is the first test's), so the gate can pass right after
    const sb = await lightBreach();
    sb.editPlan((y) => y.replace('    minDuration: 48h\n', ''));
    expectCode(await sb.cmd('advance', ['--apply-contingency', '--json']), 4);
    // the breach is over
    sb.setMetric('2026-06-19T22:00:00Z', 'cpu_utilization', 'canary', 50);
    const r = await sb.cmd('advance', ['--json']);
    const d = r.json<any>();
    if (d.decision !== 'advanced') throw new Error(JSON.stringify(d.criteria.filter((c: any) => c.verdict !== 'pass')));
    expect(sb.state()).toMatchObject({ phase: 'canary-25', traffic: 25, served: { variant: 'conservative' } });
    expect(sb.flag()?.metadata?.['variant']).toBe('conservative');
    const starts = sb
      .journal()
      .filter((e: any) => e.type === 'effect.start' && e.data?.action === 'flag.serve-variant');
    expect(starts.at(-1)!.data.target).toMatchObject({ traffic: 25, variant: 'conservative' });
  });

  it('the phase report in pt-BR says what was served to the canary', async () => {
    const sb = await lightBreach();
    sb.editPlan((y) => y.replace('  formats: [md, json]\n', '  formats: [md, json]\n  language: pt-BR\n'));
    expectCode(await sb.cmd('advance', ['--apply-contingency', '--json']), 4);
    const md = readFileSync(sb.reportFile('canary-5', 'md'), 'utf8');
    expect(md).toContain('Servida a variante conservative {"model":"v2","maxItems":5} ao canário (contingência leve)');
  });
});
