/** Renders a phase report as Markdown for people to read. Pure. */
import { localizeReport } from './localize.js';
import type { Criterion } from '../gates/types.js';
import { formatDuration } from '../plan/duration.js';
import type { ExecutiveSummary } from './executive.js';
import { componentsTable } from './components-section.js';
import { ranAs } from './format.js';
import { formatDate, formatNumber, type Language, type Messages, messages } from './i18n.js';
import type { Block, PhaseReport } from './model.js';
import { servedWords } from './served.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '_none_\n';
  return `${[
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => esc(c)).join(' | ')} |`),
  ].join('\n')}\n`;
}

const ICON: Record<string, string> = { pass: '✅', fail: '❌', hold: '⏸' };

function block(b: Block, m: Messages): string {
  if (b.type === 'text') return `${b.text}\n`;
  if (b.type === 'todo') return `> **${m.toBeWritten}** ${b.text}\n`;
  return table(b.head, b.untrusted ? b.rows.map((r) => r.map(escapeMarkdown)) : b.rows);
}

/** People's free text in Markdown: its markup and HTML shown as typed, never rendered. */
export const escapeMarkdown = (s: string) => s.replace(/[\\`*_{}[\]()<>#!~&]/g, (c) => `\\${c}`);

function criteriaTable(criteria: Criterion[], lang: Language): string {
  const m = messages(lang);
  return table(
    [m.cols.criterion, m.cols.verdict, m.cols.observed, m.cols.slo, m.cols.window, m.cols.points, m.cols.detail],
    criteria.map((c) => [
      c.name,
      `${ICON[c.verdict] ?? ''} ${m.verdicts[c.verdict] ?? c.verdict}`.trim(),
      c.metric?.worst
        ? `${formatNumber(lang, c.metric.worst.value, c.metric.unit)} (${m.worst})`
        : c.metric?.last
          ? formatNumber(lang, c.metric.last.value)
          : '-',
      c.metric?.slo ?? '-',
      c.metric ? c.metric.window.label : '-',
      c.metric ? String(c.metric.points) : '-',
      c.detail + (c.level ? ` [${c.level}]` : ''),
    ]),
  );
}

/** With a `schedule:` in the plan, the calendar and how late against it join the earliest dates. */
export function scheduleTable(
  rows: ExecutiveSummary['schedule'],
  m: ReturnType<typeof messages>,
  d: (iso: string | undefined) => string,
): [string[], string[][]] {
  const withCalendar = rows.some((s) => s.calendar);
  const head = [m.phase, m.labels.traffic, m.planned, m.actual, m.labels.left];
  if (!withCalendar)
    return [
      head,
      rows.map((s) => [
        s.phase,
        m.ofAudience(`${s.traffic}%`, s.audience),
        d(s.plannedStart),
        d(s.actualStart),
        d(s.actualEnd),
      ]),
    ];
  return [
    [m.phase, m.labels.traffic, m.calendar, m.planned, m.actual, m.labels.left, m.lateByCol],
    rows.map((s) => [
      s.phase,
      m.ofAudience(`${s.traffic}%`, s.audience),
      s.calendar ? `${d(s.calendar.from)} → ${d(s.calendar.to)}` : '-',
      d(s.plannedStart),
      d(s.actualStart),
      d(s.actualEnd),
      s.calendarLateMs ? formatDuration(s.calendarLateMs) : '-',
    ]),
  ];
}

/** The executive summary and the schedule: the one screen leadership reads. */
export function executiveMarkdown(r: PhaseReport): string {
  const m = messages(r.language);
  const e = r.executive;
  if (!e) return '';
  const d = (iso: string | undefined) => formatDate(r.language, iso);
  return [
    `## ${m.executive}\n`,
    `- **${m.where}:** ${e.where}`,
    `- **${m.decided}:** ${e.decided}`,
    `- **${m.risk}:** ${e.risks.length ? e.risks.join('; ') : m.noRisk}`,
    `- **${m.next}:** ${e.next}\n`,
    `**${m.schedule}**\n`,
    table(...scheduleTable(e.schedule, m, d)),
  ].join('\n');
}

export function renderMarkdown(report: PhaseReport): string {
  const r = localizeReport(report);
  const lang = r.language;
  const m = messages(lang);
  const d = (iso: string | undefined) => formatDate(lang, iso);
  const out: string[] = [];
  out.push(`# ${r.plan.title}: ${m.phaseOf(r.phase.index + 1, r.phase.of, r.phase.name)}\n`);
  if (r.simulatedClock) out.push(`> **${m.simulatedLabel}** ${m.simulated}\n`);
  out.push(executiveMarkdown(r));
  out.push(`## ${m.facts}\n`);
  out.push(table(['', ''], factRows(r)));
  out.push(`## ${m.gate}\n`);
  if (r.gate) {
    out.push(`${m.lastEvaluated} ${d(r.gate.evaluatedAt)}: **${m.verdicts[r.gate.verdict] ?? r.gate.verdict}**.\n`);
    out.push(criteriaTable(r.gate.criteria, lang));
    if (r.gate.reported.length) {
      out.push(`\n${m.reportedMetrics}\n`);
      out.push(
        table(
          [m.cols.metric, m.cols.data, m.cols.last, m.cols.mean, m.cols.window, m.cols.points],
          r.gate.reported.map((c) => [
            c.name,
            c.verdict === 'pass' ? m.ok : `${m.missing}: ${c.detail}`,
            formatNumber(lang, c.metric?.last?.value, c.metric?.unit),
            formatNumber(lang, c.metric?.mean, c.metric?.unit),
            c.metric?.window.label ?? '-',
            String(c.metric?.points ?? 0),
          ]),
        ),
      );
    }
  } else out.push(`_${m.gateNotEvaluated}_\n`);
  out.push(`## ${m.decision}\n`);
  if (r.decision) {
    out.push(`**${r.decision.decision}**${r.decision.to ? ` → ${r.decision.to}` : ''}\n`);
    out.push(`${r.decision.reasons.map((x) => `- ${x}`).join('\n')}\n`);
    const c = r.decision.contingency as { level: string; action: string; applied: boolean; advice: string } | undefined;
    if (c)
      out.push(
        `\n**${m.contingency}** (${c.level}): ${c.action} — ${c.applied ? m.applied : m.notApplied}. ${c.advice}\n`,
      );
  } else out.push(`_${m.noDecision}_\n`);
  out.push(`## ${m.checklist}\n`);
  out.push(
    table(
      [m.cols.item, m.cols.status, m.cols.by, m.cols.at, m.cols.note],
      r.checklist.map((c) => [
        c.text,
        c.status,
        c.by ?? '-',
        d(c.at),
        [c.reason, c.command ? `\`${c.command.trim()}\` exit ${c.exitCode ?? '-'}` : ''].filter(Boolean).join('; '),
      ]),
    ),
  );
  out.push(`## ${m.approvals}\n`);
  out.push(
    r.approvals.required
      ? `${m.approvalsOf(r.approvals.given.length, r.approvals.required, r.approvals.approvers.join(', '))}\n\n`
      : `${m.noneRequired}\n\n`,
  );
  if (r.approvals.given.length)
    out.push(
      table(
        [m.cols.by, m.cols.at, m.cols.note, m.cols.ranAs],
        r.approvals.given.map((a) => [a.by, d(a.at), a.note ?? '', ranAs(a)]),
      ),
    );
  out.push(`## ${m.flagSection}\n`);
  out.push(
    r.flag
      ? table(
          ['', m.cols.enabled, m.labels.traffic, m.cols.audience],
          [flagRow(m.before, r.flag.before, m.everyone), flagRow(m.after, r.flag.after, m.everyone)],
        )
      : `_${m.flagUnchanged}_\n`,
  );
  if (r.served) out.push(`${m.served(r.served.variant, JSON.stringify(r.served.value ?? null), d(r.served.at))}\n`);
  if (r.rollback) {
    out.push(`## ${m.rollback}\n`);
    out.push(
      table(
        [m.cols.component, m.cols.procedure, m.cols.how, m.cols.status, m.cols.took, m.cols.estimate, m.cols.detail],
        r.rollback.map((s) => [
          s.component,
          s.procedure,
          s.kind,
          s.status,
          `${formatNumber(lang, s.durationMs / 1000)} s`,
          `${s.estimate ?? '-'}${s.overEstimate ? ` (${m.over})` : ''}`,
          s.detail,
        ]),
      ),
    );
  }
  if (r.components?.length) {
    const c = componentsTable(r.components, lang);
    out.push(`## ${c.title}\n`, table(c.head, c.rows));
  }
  for (const doc of r.documents) {
    out.push(`## ${doc.title}\n`);
    if (doc.source === 'people') out.push(`_${m.peopleSection}_\n`);
    out.push(doc.blocks.map((b) => block(b, m)).join('\n'));
  }
  out.push(`## ${m.events}\n`);
  out.push(
    table(
      [m.cols.at, m.cols.event],
      r.events.map((e) => [e.count && e.lastAt ? m.repeated(d(e.at), d(e.lastAt), e.count) : d(e.at), e.summary]),
    ),
  );
  return out.join('\n');
}

export function flagRow(label: string, s: unknown, everyone: string): string[] {
  const f = (s ?? {}) as { enabled?: boolean; traffic?: number; audience?: string; variant?: string };
  const traffic = f.traffic === undefined ? '-' : `${f.traffic}%${f.variant ? ` (${f.variant})` : ''}`;
  return [label, String(f.enabled ?? '-'), traffic, f.audience ?? everyone];
}

/** The phase's facts (plan, flag, traffic, dates, status) as label/value rows, in the report's language; plain text. */
export function factRows(r: PhaseReport): string[][] {
  const m = messages(r.language);
  const L = m.labels;
  const d = (iso: string | undefined) => formatDate(r.language, iso);
  return [
    [L.plan, r.plan.name],
    [L.service, r.plan.service ?? '-'],
    [L.owner, r.plan.owner ?? '-'],
    [L.flag, r.plan.flag],
    [L.traffic, servedWords(m, r.phase.traffic, r.phase.audience, r.phase.allUsers)],
    [L.phaseStatus, m.phaseStatus[r.phase.status] ?? r.phase.status],
    [L.entered, d(r.phase.enteredAt)],
    [L.left, d(r.phase.leftAt)],
    [
      L.timeInPhase,
      `${r.phase.timeInPhase ?? '-'}${r.phase.minDuration ? ` (${L.minimum} ${r.phase.minDuration})` : ''}`,
    ],
    [L.rolloutStatus, m.statusWord[r.rolloutStatus] ?? r.rolloutStatus],
    [L.generated, d(r.generatedAt)],
  ];
}
