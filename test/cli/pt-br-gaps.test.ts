/**
 * pt-BR reports leave no generated sentence in English: gate details, decision reasons and word,
 * checklist statuses, the event list and the document sections of the pt-BR example plan (the JSON
 * report keeps the words tools read). Through the built binary, on a simulated clock.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expectCode, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(() => removeSandboxes());

const ENGLISH = [
  'items answered',
  'expected points',
  'every criterion passed',
  'any of ',
  ' can run ',
  'no open incident',
  'Only people can write',
  'Phases and the gate',
  'Rollout plan',
  'Test cases',
  'approved by',
  ' within ',
  '| done |',
  '**advanced**',
  '**held**',
];

describe('pt-BR reports', () => {
  it('translate the gate details, decisions, statuses, events and documents', async () => {
    const plan = 'plans/recommendations-pt-BR.yaml';
    const sb = Sandbox.create({ now: T.canary5 });
    const run = (args: string[]) => sb.run([args[0]!, plan, ...args.slice(1)]);
    expectCode(await run(['checklist', '--yes']), 0);
    expectCode(await run(['approve', '--by', 'tech-lead']), 0);
    expectCode(await run(['advance']), 0);
    sb.clock.set(T.canary25);
    expectCode(await run(['advance']), 3); // held: approvals
    const dir = sb.path('plans', 'reports', 'recomendacoes-v2');
    const pre = readFileSync(path.join(dir, 'pre-deploy.md'), 'utf8');
    const c5 = readFileSync(path.join(dir, 'canary-5.md'), 'utf8');
    for (const md of [pre, c5])
      for (const phrase of ENGLISH) expect({ phrase, found: md.includes(phrase) }).toEqual({ phrase, found: false });
    expect(pre).toContain('| checklist | ✅ passou | - | - | - | - | 7/7 itens respondidos |');
    expect(pre).toMatch(/pior \d+ ms dentro de < 500 ms em 24h; 97 de 97 pontos esperados \(a cada 15m\)/);
    expect(pre).toContain('**avançou** → canary-5');
    expect(pre).toContain('- todos os critérios passaram; 0% → 5% de technical-users');
    expect(pre).toContain('## Plano de rollout');
    expect(pre).toContain('## Plano de comunicação');
    expect(pre).toContain('| Equipe Técnica | Slack/Email | Tech Lead | diária | técnico | - |');
    expect(c5).toContain('**retido** → canary-25');
    expect(c5).toContain(
      '0/1 aprovações; qualquer um de tech-lead, head-of-engineering, product-manager pode executar',
    );
    expect(c5).toContain('## Relatório de métricas iniciais');
    const html = readFileSync(path.join(dir, 'canary-5.html'), 'utf8');
    expect(html).toContain('pontos esperados');
    expect(html).not.toContain('expected points');
    // the JSON report keeps the words tools read
    const json = JSON.parse(readFileSync(path.join(dir, 'canary-5.json'), 'utf8'));
    expect(json.decision.decision).toBe('held');
  });
});
