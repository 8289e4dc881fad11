/**
 * Writes the reports of some phases: `<plan>/<phase>.md` and `.json` in the plan's reports folder. The
 * model is redacted and stripped of control characters before any renderer escapes or serialises it
 * (a secret holding `"` would no longer be found once escaped); the rendered text is redacted again.
 */
import type { Plan } from '../plan/schema.js';
import { buildPhaseReport } from '../reports/model.js';
import { renderHtml } from '../reports/html.js';
import { renderJunit } from '../reports/junit.js';
import { renderMarkdown } from '../reports/markdown.js';
import type { PhaseReport } from '../reports/model.js';
import { stripControlsValue } from '../sanitize.js';
import type { RolloutState } from '../state/types.js';
import { writeReportExtras } from './report-extras.js';
import { phaseLatency } from './report-latency.js';
import { phaseSeries } from './report-series.js';
import type { Services } from './services.js';

/** Every format the plan may ask for, rendered from the one report model. */
const RENDERERS: Record<Plan['reports']['formats'][number], { ext: string; render: (m: PhaseReport) => string }> = {
  md: { ext: 'md', render: renderMarkdown },
  json: { ext: 'json', render: ({ series: _charts, latency: _values, ...m }) => `${JSON.stringify(m, null, 2)}\n` },
  html: { ext: 'html', render: renderHtml },
  junit: { ext: 'junit.xml', render: renderJunit },
};

export async function writeReports(args: {
  plan: Plan;
  state: RolloutState;
  services: Services;
  phases: string[];
}): Promise<string[]> {
  const { plan, state, services } = args;
  // the journal's digest (the file store folds only what was appended since its checkpoint)
  const digest = await services.store.digest();
  const now = new Date(services.clock.now()).toISOString();
  const written: string[] = [];
  for (const phase of args.phases) {
    const model = stripControlsValue(
      services.redactor.value(
        buildPhaseReport({
          plan,
          state,
          journal: digest,
          phase,
          now,
          simulated: services.clock.simulated || digest.simulated,
          series: plan.reports.formats.includes('html')
            ? await phaseSeries({ plan, state, services, phase, now: services.clock.now() })
            : undefined,
          latency: await phaseLatency({ plan, state, services, phase, now: services.clock.now() }),
        }),
      ),
    );
    for (const format of plan.reports.formats) {
      const { ext, render } = RENDERERS[format];
      // JSON is complete once its values are redacted: a text pass could only break its numbers
      const text = format === 'json' ? render(model) : services.redactor.text(render(model));
      // a recording sink (a dry run) writes nothing, and says so
      const file = await services.reports.write(`${plan.name}/${phase}.${ext}`, text);
      if (file !== undefined) written.push(file);
    }
  }
  const simulated = services.clock.simulated || digest.simulated;
  written.push(...(await writeReportExtras({ plan, state, services, now, simulated, digest })));
  return written;
}
