/**
 * The files written beside the phase reports: the rollout's index page (with `html`) and, once the
 * rollout has ended (completed or rolled back), the release-notes draft and the lessons-learned
 * document, prefilled from the whole journal. Redacted like every report.
 */
import type { Plan } from '../plan/schema.js';
import { redact, redactValue } from '../redact.js';
import { renderLessonsLearned, renderReleaseNotes } from '../reports/closing.js';
import { renderIndex } from '../reports/index-page.js';
import { buildPhaseReport } from '../reports/model.js';
import { stripControlsValue } from '../sanitize.js';
import type { JournalDigest } from '../state/journal-digest.js';
import type { RolloutState } from '../state/types.js';
import type { Services } from './services.js';

export async function writeReportExtras(args: {
  plan: Plan;
  state: RolloutState;
  services: Services;
  now: string;
  simulated: boolean;
  digest: JournalDigest;
}): Promise<string[]> {
  const { plan, state, services, now } = args;
  const ended = state.status === 'completed' || state.status === 'rolled-back';
  const html = plan.reports.formats.includes('html');
  if (!html && !ended) return [];
  const written: string[] = [];
  const extras: { href: string; title: string }[] = [];
  // a dry run's sink only records (undefined): nothing was written
  const put = async (rel: string, text: string): Promise<void> => {
    const file = await services.reports.write(rel, text);
    if (file !== undefined) written.push(file);
  };
  if (ended) {
    // written once, when the rollout ends: these read every entry
    const ctx = { plan, state, journal: await services.store.journal(), now };
    await put(`${plan.name}/release-notes.md`, redact(renderReleaseNotes(ctx)));
    await put(`${plan.name}/lessons-learned.md`, redact(renderLessonsLearned(ctx)));
    extras.push(
      { href: 'release-notes.md', title: 'release-notes.md' },
      { href: 'lessons-learned.md', title: 'lessons-learned.md' },
    );
  }
  if (html) {
    const reports = plan.phases
      .filter((p) => state.phases[p.name])
      .map((p) =>
        stripControlsValue(
          redactValue(
            buildPhaseReport({ plan, state, journal: args.digest, phase: p.name, now, simulated: args.simulated }),
          ),
        ),
      );
    await put(`${plan.name}/index.html`, redact(renderIndex({ plan, state, reports, extras })));
  }
  return written;
}
