/**
 * The seed's whole plan (issue 10 "done means"): plans/recommendations-full.yaml, with pt-BR texts,
 * walks from pre-deploy to completed on the embedded providers through the built binary, with the
 * schedule shown, a per-component rollback (only the ML model) that pauses the rollout until the
 * operator resumes it, a light contingency that serves the conservative parameters by flag, the
 * blue-green switch of the search index at canary-25, the full phase's validation soak, notes and the
 * reports in pt-BR.
 *
 * The bundled data's cohort shares follow the data's own schedule (25 % from T.canary25 on); this
 * walk enters phases minutes later (resume and the contingency restart the soak), so the sample-ratio
 * check (`analysis.exposure`) is left out of the sandbox's copy.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, explain, removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';

afterAll(removeSandboxes);

const PLAN = 'plans/recommendations-full.yaml';
const NAME = 'recomendacoes-completo';

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

describe('the seed plan, whole (plans/recommendations-full.yaml)', () => {
  const sb = Sandbox.create({ now: '2026-06-17T09:00:00Z' });
  const full = sb.path(PLAN);
  writeFileSync(full, readFileSync(full, 'utf8').replace(/\n {2}exposure: users\n/, '\n'));
  const run = (args: string[], now?: string) => sb.run([args[0]!, PLAN, ...args.slice(1)], now ? { now } : {});
  const status = async (now?: string) => {
    const r = await run(['status', '--json'], now);
    expectCode(r, 0);
    return r.json();
  };

  it('validates, and shows the two-week schedule', async () => {
    expectCode(await run(['validate']), 0);
    const s = await status();
    expect(s.schedule).not.toBeNull();
    const text = (await run(['status'])).stdout;
    expect(text).toMatch(/canary-5: planned 2026-06-18 → 2026-06-19/);
    expect(text).toMatch(/Monitoramento intensivo/);
  });

  it('pre-deploy: checklist, the committee, a note, then canary-5 (5 % of technical-users)', async () => {
    expectCode(await run(['checklist', '--yes']), 0);
    expectCode(await run(['note', 'Ambiente de staging validado pela equipe de plantão']), 0);
    expectCode(await run(['approve', '--by', 'tech-lead']), 0);
    const r = await run(['advance', '--json'], T.canary5);
    expectCode(r, 0);
    expect(r.json()).toMatchObject({ decision: 'advanced', from: 'pre-deploy', to: 'canary-5', traffic: 5 });
  });

  it('a per-component rollback reverts only the ML model, pauses the rollout, and resume goes on', async () => {
    // early in the phase: resume enters canary-5 anew, and the bundled data's canary share changes
    // on the data's own schedule (25 % from T.canary25 on)
    const at = after(T.canary5, '1m');
    const r = await run(['rollback', '--component', 'Modelos ML', '--yes'], at);
    expectCode(r, 0);
    const s = await status(at);
    expect(s.phase).toBe('canary-5');
    expect(s.traffic).toBe(5); // the flag was not touched
    expect(s.state).not.toBe('rolled-back');
    // paused: advance holds until the operator acknowledges
    expectCode(await run(['advance'], after(T.canary5, '2m')), 3);
    expectCode(await run(['resume', '--yes'], after(T.canary5, '2m')), 0);
    const journal = readFileSync(sb.path('plans', '.rollout-full', `${NAME}.journal.jsonl`), 'utf8');
    expect(journal).toMatch(/rollout\.component-rolled-back/);
    expect(journal).toMatch(/Modelos ML/);
  });

  it('a light breach: the contingency serves the conservative parameters to the canary, and the soak restarts', async () => {
    sb.setMetric(after(T.canary5, '15m'), 'cpu_utilization', 'canary', 95);
    const at = after(T.canary5, '16m');
    const r = await run(['advance', '--apply-contingency', '--json'], at);
    expectCode(r, 4);
    const d = r.json();
    expect(d.contingency).toMatchObject({ level: 'light', action: 'adjust-flags', applied: true });
    const flag = JSON.parse(readFileSync(sb.path('plans', '.rollout-full', 'flags.json'), 'utf8')).flags[
      'recomendacoes-completo'
    ];
    expect(flag.variants.conservador).toEqual({ modelo: 'v2', maxItens: 5 });
    expect(JSON.stringify(flag.targeting)).toContain('conservador');
    const s = await status(at);
    expect(s.served?.variant ?? s.flag?.variant).toBe('conservador');
    // the soak counts from the adjustment: 48h after it, not after the phase's entry
    expectCode(await run(['advance'], after(after(T.canary5, '48h'), '10m')), 3);
  });

  it('canary-5 → canary-25 (the search index switched to green) → full → completed after the validation soak', async () => {
    // the light contingency restarted canary-5's 48h soak at +16m
    const leave5 = after(after(T.canary5, '48h'), '16m');
    expectCode(await run(['approve', '--by', 'head-of-engineering'], leave5), 0);
    const to25 = await run(['advance', '--json'], leave5);
    expectCode(to25, 0);
    expect(to25.json()).toMatchObject({ to: 'canary-25', traffic: 25 });
    // blue-green: the search index was switched whole, after its pre-switch check
    expect(readFileSync(sb.path('plans', '.rollout-full', 'indice-de-busca'), 'utf8').trim()).toBe('verde');
    const components = (await status(leave5)).components;
    expect(components.find((c: { name: string }) => c.name === 'indice-de-busca').side).toBe('green');
    const leave25 = after(leave5, '72h');
    expectCode(await run(['approve', '--by', 'product-manager'], leave25), 0);
    const toFull = await run(['advance', '--json'], leave25);
    expectCode(toFull, 0);
    expect(toFull.json()).toMatchObject({ to: 'full', traffic: 100 });
    // the full phase's validation soak (24h) holds, then the rollout completes
    expectCode(await run(['advance'], after(leave25, '12h')), 3);
    expectCode(await run(['approve', '--by', 'tech-lead'], after(leave25, '24h')), 0);
    const done = await run(['advance', '--json'], after(leave25, '24h'));
    expectCode(done, 0);
    expect(done.json().decision).toBe('completed');
    expect((await status(after(leave25, '24h'))).state).toBe('completed');
  });

  it('wrote every phase report in pt-BR, the release notes and the lessons learned', () => {
    const dir = sb.path('plans', 'reports', NAME);
    for (const phase of ['pre-deploy', 'canary-5', 'canary-25', 'full']) {
      expect(existsSync(`${dir}/${phase}.md`)).toBe(true);
      expect(existsSync(`${dir}/${phase}.html`)).toBe(true);
    }
    const pre = readFileSync(`${dir}/pre-deploy.md`, 'utf8');
    expect(pre).toMatch(/Plano de comunicação|comunicação/i);
    expect(pre).toMatch(/Staging validado|staging validado/i);
    const c5 = readFileSync(`${dir}/canary-5.md`, 'utf8');
    expect(c5).toMatch(/Modelos ML/);
    expect(existsSync(`${dir}/release-notes.md`)).toBe(true);
    expect(existsSync(`${dir}/lessons-learned.md`)).toBe(true);
  });
});
