/** Writes the reports of some phases: `<plan>/<phase>.md` and `.json` in the plan's reports folder. */
import type { Plan } from '../plan/schema.js';
import { buildPhaseReport } from '../reports/model.js';
import { renderHtml } from '../reports/html.js';
import { renderJunit } from '../reports/junit.js';
import { renderMarkdown } from '../reports/markdown.js';
import type { PhaseReport } from '../reports/model.js';
import { redact } from '../redact.js';
import type { RolloutState } from '../state/types.js';
import type { Services } from './services.js';

/** Every format the plan may ask for, rendered from the one report model. */
const RENDERERS: Record<Plan['reports']['formats'][number], { ext: string; render: (m: PhaseReport) => string }> = {
  md: { ext: 'md', render: renderMarkdown },
  json: { ext: 'json', render: (m) => JSON.stringify(m, null, 2) + '\n' },
  html: { ext: 'html', render: renderHtml },
  junit: { ext: 'junit.xml', render: renderJunit },
};

export async function writeReports(args: { plan: Plan; state: RolloutState; services: Services; phases: string[] }): Promise<string[]> {
  const { plan, state, services } = args;
  const journal = await services.store.journal();
  const now = new Date(services.clock.now()).toISOString();
  const written: string[] = [];
  for (const phase of args.phases) {
    const model = buildPhaseReport({ plan, state, journal, phase, now, simulated: services.clock.simulated });
    for (const format of plan.reports.formats) {
      const { ext, render } = RENDERERS[format];
      written.push(await services.reports.write(`${plan.name}/${phase}.${ext}`, redact(render(model))));
    }
  }
  return written;
}
