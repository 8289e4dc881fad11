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
import type { JournalEntry, RolloutState } from '../state/types.js';
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

/** Entries the documents count over the whole rollout; only their type matters, so a slim copy is kept. */
const COUNTED = /^(rollout\.(held|failed|reduced|rolled-back)|effect\.failed|rollback\.)/;

export async function writeReports(args: {
  plan: Plan;
  state: RolloutState;
  services: Services;
  phases: string[];
}): Promise<string[]> {
  const { plan, state, services } = args;
  const journal = await reportJournal(services, args.phases);
  const now = new Date(services.clock.now()).toISOString();
  const written: string[] = [];
  for (const phase of args.phases) {
    const model = stripControlsValue(
      services.redactor.value(
        buildPhaseReport({
          plan,
          state,
          journal: journal.entries,
          phase,
          now,
          simulated: services.clock.simulated || journal.simulated,
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
  const simulated = services.clock.simulated || journal.simulated;
  written.push(...(await writeReportExtras({ plan, state, services, now, simulated })));
  return written;
}

/**
 * What the reports of some phases need from the journal, read as a stream: every entry of those
 * phases, the last gate of every other phase, and slim copies of the entries the documents count.
 * A long rollout's journal is never held whole.
 */
async function reportJournal(
  services: Services,
  phases: string[],
): Promise<{ entries: JournalEntry[]; simulated: boolean }> {
  const wanted = new Set(phases);
  const lastGates = new Map<string, JournalEntry>();
  const counted: JournalEntry[] = [];
  let simulated = false;
  const kept = await services.store.journal((e) => {
    if (e.clock === 'ROLLOUT_NOW') simulated = true;
    if (e.phase !== undefined && wanted.has(e.phase)) return true;
    if (e.type === 'gate.evaluated' && e.phase !== undefined) lastGates.set(e.phase, e);
    else if (COUNTED.test(e.type))
      counted.push({ seq: e.seq, at: e.at, clock: e.clock, type: e.type, phase: e.phase, data: {} });
    return false;
  });
  return { entries: [...kept, ...lastGates.values(), ...counted].sort((a, b) => a.seq - b.seq), simulated };
}
