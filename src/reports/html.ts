/**
 * Renders a phase report as one self-contained HTML page (no scripts, no external assets, system fonts):
 * the executive summary, a chart per gating metric, every section the Markdown has, light, dark and
 * print. Pure.
 */
import { localizeReport } from './localize.js';
import type { Criterion } from '../gates/types.js';
import { type ComparisonData, comparisonChart, metricChart } from './chart.js';
import { ranAs } from './format.js';
import { componentsTable } from './components-section.js';
import { esc, htmlTable, page } from './html-page.js';
import { formatDate, formatNumber, type Messages, messages } from './i18n.js';
import { factRows, flagRow, scheduleTable } from './markdown.js';
import type { Block, PhaseReport } from './model.js';

export { esc, htmlTable, page } from './html-page.js';

const verdict = (v: string, m: Messages) => `<span class="v ${esc(v)}">${esc(m.verdicts[v] ?? v)}</span>`;

function executive(r: PhaseReport, m: Messages): string {
  const e = r.executive;
  if (!e) return '';
  const [head, body] = scheduleTable(e.schedule, m, (iso) => formatDate(r.language, iso));
  const risks = e.risks.length ? `<ul>${e.risks.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : esc(m.noRisk);
  return `<section class="exec"><h2>${esc(m.executive)}</h2><dl>
<dt>${esc(m.where)}</dt><dd>${esc(e.where)}</dd><dt>${esc(m.decided)}</dt><dd>${esc(e.decided)}</dd>
<dt>${esc(m.risk)}</dt><dd>${risks}</dd><dt>${esc(m.next)}</dt><dd>${esc(e.next)}</dd></dl>
<strong>${esc(m.schedule)}</strong>${htmlTable(
    head,
    body.map(([phase, ...rest]) => [
      phase === r.phase.name ? `<strong>${esc(phase ?? '')}</strong>` : esc(phase ?? ''),
      ...rest.map((c) => esc(c)),
    ]),
    m.none,
  )}</section>`;
}

function charts(r: PhaseReport, m: Messages): string {
  const metrics = (r.gate?.criteria ?? []).filter((c) => c.kind === 'metric');
  if (!r.phase.enteredAt || (!metrics.length && !r.series)) return '';
  const phase = { from: r.phase.enteredAt, to: r.phase.leftAt ?? r.generatedAt, leftAt: r.phase.leftAt };
  const draw = (name: string, f: Criterion['metric']) =>
    metricChart({
      name,
      unit: f?.unit,
      series: r.series?.[name],
      bound: parseBound(f?.slo),
      phase,
      judged: f ? { from: f.window.from, to: f.window.to } : undefined,
      lang: r.language,
    });
  // A value metric has its series; a comparison (counts since the phase was entered) has its estimate
  // and interval; a criterion with neither (the sample-ratio check) is in the gate table only.
  const figs = metrics.length
    ? metrics.flatMap((c) => {
        const cmp = (c as { comparison?: ComparisonData }).comparison;
        return [
          ...(c.metric ? [draw(c.name, c.metric)] : []),
          ...(cmp ? [comparisonChart(c.name, cmp, r.language)] : []),
        ];
      })
    : Object.keys(r.series ?? {}).map((name) => draw(name, undefined));
  return figs.length ? `<h2>${esc(m.charts)}</h2><div class="charts">${figs.join('')}</div>` : '';
}

/** `< 500 ms`, `> 10 %` or both, as the gate describes an SLO, back into numbers for the chart. */
function parseBound(slo: string | undefined): { below?: number; above?: number } | undefined {
  if (!slo) return undefined;
  const below = slo.match(/< (-?[\d.]+(?:e-?\d+)?)/)?.[1];
  const above = slo.match(/> (-?[\d.]+(?:e-?\d+)?)/)?.[1];
  const b: { below?: number; above?: number } = {};
  if (below !== undefined) b.below = Number(below);
  if (above !== undefined) b.above = Number(above);
  return below === undefined && above === undefined ? undefined : b;
}

function block(b: Block, m: Messages): string {
  if (b.type === 'text') return `<p>${esc(b.text)}</p>`;
  if (b.type === 'todo') return `<p class="todo"><strong>${esc(m.toBeWritten)}</strong> ${esc(b.text)}</p>`;
  return htmlTable(
    b.head,
    b.rows.map((r) => r.map(esc)),
    m.none,
  );
}

export function renderHtml(report: PhaseReport): string {
  const r = localizeReport(report);
  const lang = r.language;
  const m = messages(lang);
  const L = m.labels;
  const d = (iso: string | undefined) => formatDate(lang, iso);
  const num = (v: number | undefined, unit?: string) => esc(formatNumber(lang, v, unit));
  const title = `${r.plan.title}: ${m.phaseOf(r.phase.index + 1, r.phase.of, r.phase.name)}`;
  const p: string[] = [`<h1>${esc(title)}</h1>`];
  if (r.simulatedClock) p.push(`<p class="sim"><strong>${esc(m.simulatedLabel)}</strong> ${esc(m.simulated)}</p>`);
  p.push(executive(r, m));
  p.push(
    `<h2>${esc(m.facts)}</h2>`,
    htmlTable(
      ['', ''],
      factRows(r).map((row) => row.map(esc)),
      m.none,
      'facts',
    ),
  );
  p.push(charts(r, m));
  p.push(`<h2>${esc(m.gate)}</h2>`);
  if (r.gate) {
    p.push(
      `<p>${esc(m.lastEvaluated)} ${esc(d(r.gate.evaluatedAt))}: ${verdict(r.gate.verdict, m)}</p>`,
      htmlTable(
        [m.cols.criterion, m.cols.verdict, m.worst, m.cols.slo, m.cols.window, m.cols.points, m.cols.detail],
        r.gate.criteria.map((c) => [
          esc(c.name),
          verdict(c.verdict, m),
          num(c.metric?.worst?.value ?? c.metric?.last?.value, c.metric?.unit),
          esc(c.metric?.slo ?? '-'),
          esc(c.metric?.window.label ?? '-'),
          c.metric ? String(c.metric.points) : '-',
          esc(c.detail + (c.level ? ` [${c.level}]` : '')),
        ]),
        m.none,
        'gate',
      ),
    );
    if (r.gate.reported.length)
      p.push(
        `<p>${esc(m.reportedMetrics)}</p>`,
        htmlTable(
          [m.cols.metric, m.cols.data, m.cols.last, m.cols.mean, m.cols.points],
          r.gate.reported.map((c) => [
            esc(c.name),
            esc(c.verdict === 'pass' ? m.ok : `${m.missing}: ${c.detail}`),
            num(c.metric?.last?.value, c.metric?.unit),
            num(c.metric?.mean, c.metric?.unit),
            String(c.metric?.points ?? 0),
          ]),
          m.none,
        ),
      );
  } else p.push(`<p class="none">${esc(m.gateNotEvaluated)}</p>`);
  p.push(`<h2>${esc(m.decision)}</h2>`);
  if (r.decision) {
    p.push(
      `<p><strong>${esc(r.decision.decision)}</strong>${r.decision.to ? ` → ${esc(r.decision.to)}` : ''}</p><ul>${r.decision.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`,
    );
    const c = r.decision.contingency as { level: string; action: string; applied: boolean; advice: string } | undefined;
    if (c)
      p.push(
        `<p><strong>${esc(m.contingency)}</strong> (${esc(c.level)}): ${esc(c.action)} — ${esc(c.applied ? m.applied : m.notApplied)}. ${esc(c.advice)}</p>`,
      );
  } else p.push(`<p class="none">${esc(m.noDecision)}</p>`);
  p.push(
    `<h2>${esc(m.checklist)}</h2>`,
    htmlTable(
      [m.cols.item, m.cols.status, m.cols.by, m.cols.at, m.cols.note],
      r.checklist.map((c) =>
        [
          c.text,
          c.status,
          c.by ?? '-',
          d(c.at),
          [c.reason, c.command ? `${c.command.trim()} → exit ${c.exitCode ?? '-'}` : ''].filter(Boolean).join('; '),
        ].map(esc),
      ),
      m.none,
    ),
  );
  p.push(
    `<h2>${esc(m.approvals)}</h2><p>${esc(
      r.approvals.required
        ? m.approvalsOf(r.approvals.given.length, r.approvals.required, r.approvals.approvers.join(', '))
        : m.noneRequired,
    )}</p>`,
  );
  if (r.approvals.given.length)
    p.push(
      htmlTable(
        [m.cols.by, m.cols.at, m.cols.note, m.cols.ranAs],
        r.approvals.given.map((a) => [a.by, d(a.at), a.note ?? '', ranAs(a)].map(esc)),
        m.none,
      ),
    );
  p.push(
    `<h2>${esc(m.flagSection)}</h2>`,
    r.flag
      ? htmlTable(
          ['', m.cols.enabled, L.traffic, m.cols.audience],
          [flagRow(m.before, r.flag.before, m.everyone), flagRow(m.after, r.flag.after, m.everyone)].map((row) =>
            row.map(esc),
          ),
          m.none,
        )
      : `<p class="none">${esc(m.flagUnchanged)}</p>`,
    r.served ? `<p>${esc(m.served(r.served.variant, JSON.stringify(r.served.value ?? null), d(r.served.at)))}</p>` : '',
  );
  if (r.rollback)
    p.push(
      `<h2>${esc(m.rollback)}</h2>`,
      htmlTable(
        [m.cols.component, m.cols.procedure, m.cols.how, m.cols.status, m.cols.took, m.cols.estimate, m.cols.detail],
        r.rollback.map((s) =>
          [
            s.component,
            s.procedure,
            s.kind,
            s.status,
            `${formatNumber(lang, s.durationMs / 1000)} s`,
            `${s.estimate ?? '-'}${s.overEstimate ? ` (${m.over})` : ''}`,
            s.detail,
          ].map(esc),
        ),
        m.none,
      ),
    );
  if (r.components?.length) {
    const c = componentsTable(r.components, lang);
    p.push(
      `<h2>${esc(c.title)}</h2>`,
      htmlTable(
        c.head,
        c.rows.map((row) => row.map(esc)),
        m.none,
      ),
    );
  }
  for (const doc of r.documents) {
    p.push(`<h2>${esc(doc.title)}</h2>`);
    if (doc.source === 'people') p.push(`<p class="none">${esc(m.peopleSection)}</p>`);
    p.push(...doc.blocks.map((b) => block(b, m)));
  }
  p.push(
    `<h2>${esc(m.events)}</h2>`,
    htmlTable(
      [m.cols.at, m.cols.event],
      r.events.map((e) =>
        [e.count && e.lastAt ? m.repeated(d(e.at), d(e.lastAt), e.count) : d(e.at), e.summary].map(esc),
      ),
      m.none,
    ),
  );
  return page(lang, title, p.filter(Boolean).join('\n'));
}
