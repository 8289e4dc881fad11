/**
 * Checklist ids keep their words (issue 10 item 7): "Validar métricas baseline" is
 * `validar-metricas-baseline`, not `validar-m-tricas-baseline`. Ids from before diacritics were folded
 * are still accepted, for one release, in answers files and in a recorded state.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { expectCode, removeSandboxes, Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

const PT = (y: string) =>
  y
    .replace('      - Validate baseline metrics\n', '      - Validar métricas baseline\n')
    .replace('      - Configure feature flags\n', '      - Configurar as flags de funcionalidade (ação única)\n');

const ids = (doc: { items: { id: string }[] }) => doc.items.map((i) => i.id);

describe('checklist ids fold diacritics', () => {
  it('"Validar métricas baseline" is validar-metricas-baseline in checklist --json and in the report', async () => {
    const sb = Sandbox.create({ editPlan: PT });
    const c = await sb.json('checklist', ['--yes'], 0);
    expect(ids(c).slice(0, 2)).toEqual([
      'validar-metricas-baseline',
      'configurar-as-flags-de-funcionalidade-acao-unica',
    ]);
    expect(JSON.stringify(sb.state())).not.toContain('m-tricas');
  });

  it('an answers file using the old id (validar-m-tricas-baseline) is still accepted', async () => {
    const sb = Sandbox.create({ editPlan: PT });
    const answers = [
      'validar-m-tricas-baseline: done',
      'configurar-as-flags-de-funcionalidade-a-o-nica: done',
      'prepare-a-staging-environment-identical-to-production: done',
      'load-tests-completed: done',
      'database-backups-taken: done',
      'monitoring-active: done',
      'on-call-team-notified: done',
    ].join('\n');
    sb.writeFile('answers.yaml', `${answers}\n`);
    const c = await sb.json('checklist', ['--answers', 'answers.yaml'], 0);
    expect(c.complete).toBe(true);
    expect(c.items.find((i: { id: string }) => i.id === 'validar-metricas-baseline')).toMatchObject({ status: 'done' });
  });

  it('a state recorded under the old ids still counts: the checklist criterion passes and nothing is asked again', async () => {
    const sb = Sandbox.create({ editPlan: PT });
    expectCode(await sb.cmd('checklist', ['--yes']), 0);
    // as a build from before the fold recorded it
    const text = readFileSync(sb.stateFile, 'utf8')
      .replaceAll('"validar-metricas-baseline"', '"validar-m-tricas-baseline"')
      .replaceAll(
        '"configurar-as-flags-de-funcionalidade-acao-unica"',
        '"configurar-as-flags-de-funcionalidade-a-o-nica"',
      );
    expect(text).toContain('validar-m-tricas-baseline');
    writeFileSync(sb.stateFile, text);
    const d = await sb.json('check', [], 3);
    expect(d.criteria.find((c: { name: string }) => c.name === 'checklist')).toMatchObject({ verdict: 'pass' });
    const again = await sb.json('checklist', ['--yes'], 0);
    expect(again.complete).toBe(true);
    expect(sb.journal().filter((e) => e.type === 'checklist.answered')).toHaveLength(7);
  });
});
