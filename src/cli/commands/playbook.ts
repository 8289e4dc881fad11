/**
 * `rollout playbook PLAN`: the support playbook written from the plan (src/reports/playbook.ts).
 * Markdown on stdout; `--format html` for the HTML page; `--write` puts both into the plan's reports
 * folder (`<plan>/playbook.md` and `.html`). Reads no state and no provider.
 */
import { RolloutError } from '../../errors.js';
import { renderHtml, renderMarkdown } from '../../reports/doc-model.js';
import { buildPlaybook } from '../../reports/playbook.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

export async function playbookCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const format = String(opts['format'] ?? 'md');
  if (format !== 'md' && format !== 'html')
    throw new RolloutError('usage', `--format ${format} is not a playbook format`, { hint: 'use --format md or html' });
  const { io, loaded, services } = await prepare(planFile, global, 'playbook');
  const doc = buildPlaybook(loaded.plan);
  const md = renderMarkdown(doc);
  const html = renderHtml(doc);
  if (opts['write']) {
    const files = [
      await services.reports.write(`${loaded.plan.name}/playbook.md`, md),
      await services.reports.write(`${loaded.plan.name}/playbook.html`, html),
    ];
    if (global.json) io.json({ plan: loaded.plan.name, files });
    else io.out(files.map((f) => `wrote ${f}`).join('\n'));
    return 0;
  }
  if (global.json) io.json({ plan: loaded.plan.name, format, text: format === 'md' ? md : html });
  else io.out((format === 'md' ? md : html).trimEnd());
  return 0;
}
