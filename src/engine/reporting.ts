/** Writes the reports of some phases: `<plan>/<phase>.md` and `.json` in the plan's reports folder. */
import type { Plan } from '../plan/schema.js';
import { buildPhaseReport } from '../reports/model.js';
import { renderMarkdown } from '../reports/markdown.js';
import { redact } from '../redact.js';
import type { RolloutState } from '../state/types.js';
import type { Services } from './services.js';

export async function writeReports(args: { plan: Plan; state: RolloutState; services: Services; phases: string[] }): Promise<string[]> {
  const { plan, state, services } = args;
  const journal = await services.store.journal();
  const now = new Date(services.clock.now()).toISOString();
  const written: string[] = [];
  for (const phase of args.phases) {
    const model = buildPhaseReport({ plan, state, journal, phase, now, simulated: services.clock.simulated });
    for (const format of plan.reports.formats) {
      const content = format === 'md' ? renderMarkdown(model) : JSON.stringify(model, null, 2) + '\n';
      written.push(await services.reports.write(`${plan.name}/${phase}.${format}`, redact(content)));
    }
  }
  return written;
}
