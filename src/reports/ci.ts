/**
 * What CI systems read from `check` and `advance`: a Markdown summary for GitHub's job summary
 * (`GITHUB_STEP_SUMMARY`) and workflow-command annotations (`::error::`, `::warning::`) for failed and
 * held criteria. Pure: the CLI edge decides where they go.
 */
import type { Criterion } from '../gates/types.js';
import { stripControls } from '../sanitize.js';
import { formatNumber, type Language, messages } from './i18n.js';
import { table } from './markdown.js';

export interface GateSummaryInput {
  plan: string;
  phase: string;
  traffic: number;
  /** what the phase serves, said with its audience ("5% of technical-users"); the bare share when absent */
  served?: string | undefined;
  decision: string;
  to?: string | null | undefined;
  reasons: string[];
  criteria: Criterion[];
  lang: Language;
  dryRun?: boolean | undefined;
}

const ICON: Record<string, string> = { pass: '✅', fail: '❌', hold: '⏸' };

export function stepSummary(g: GateSummaryInput): string {
  const m = messages(g.lang);
  const head = `### rollout ${g.plan}: ${g.phase} (${g.served ?? `${g.traffic}%`}) → **${g.decision}**${g.to && (g.decision === 'advanced' || g.decision === 'reduced') ? ` → ${g.to}` : ''}${g.dryRun ? ' (dry run)' : ''}\n`;
  const rows = g.criteria.map((c) => [
    c.name,
    `${ICON[c.verdict] ?? ''} ${m.verdicts[c.verdict] ?? c.verdict}`,
    c.metric?.worst ? formatNumber(g.lang, c.metric.worst.value, c.metric.unit) : '-',
    c.metric?.slo ?? '-',
    stripControls(c.detail),
  ]);
  return `${head}\n${table([m.cols.criterion, m.cols.verdict, m.worst, m.cols.slo, m.cols.detail], rows)}\n${g.reasons
    .map((r) => `- ${stripControls(r)}`)
    .join('\n')}\n\n`;
}

/** GitHub's escaping of a workflow command's data: `%`, CR and LF (in that order: `%` first). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values (title=...) escape `:` and `,` too. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::error::` per failed criterion and one `::warning::` per held one. */
export function annotations(g: GateSummaryInput, file?: string): string[] {
  return g.criteria
    .filter((c) => c.verdict !== 'pass')
    .map((c) => {
      const kind = c.verdict === 'fail' ? 'error' : 'warning';
      const title = `rollout ${g.plan} ${g.phase}: ${c.name} ${c.verdict}`;
      const props = [file ? `file=${escapeProperty(file)}` : '', `title=${escapeProperty(title)}`].filter(Boolean);
      return `::${kind} ${props.join(',')}::${escapeData(stripControls(c.detail))}`;
    });
}
