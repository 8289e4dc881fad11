/**
 * Renders a phase report as one self-contained HTML page (no scripts, no external assets), for
 * people who read reports in a browser or attach them to a change ticket. Pure.
 */
import type { Criterion } from '../gates/types.js';
import { stripControls } from '../sanitize.js';
import { formatValue, ranAs } from './format.js';
import type { Block, PhaseReport } from './model.js';

const esc = (s: string) =>
  stripControls(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function table(head: string[], rows: string[][], cls = ''): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const verdict = (v: string) => `<span class="v ${esc(v)}">${esc(v)}</span>`;
const num = (v: number | undefined, unit?: string) => esc(formatValue(v, unit));

/** A bar showing where the worst value sits against the SLO bound: the number, drawn. */
function gauge(c: Criterion): string {
  const m = c.metric;
  const below = m?.slo.match(/< (-?[\d.]+)/)?.[1];
  const above = m?.slo.match(/> (-?[\d.]+)/)?.[1];
  if (!m?.worst || (below === undefined && above === undefined)) return '';
  // The bar is the share of the bound used up: past the line is past the SLO, whichever side it is on.
  const v = Math.abs(m.worst.value);
  const ratio = Math.min(
    1.5,
    below !== undefined
      ? Number(below) === 0
        ? 1.5
        : v / Math.abs(Number(below))
      : v === 0
        ? 1.5
        : Math.abs(Number(above)) / v,
  );
  const pct = Math.round((ratio / 1.5) * 100);
  const line = Math.round((1 / 1.5) * 100);
  return `<svg class="gauge" width="120" height="10" role="img" aria-label="worst ${esc(String(m.worst.value))} against ${esc(m.slo)}"><rect width="120" height="10" fill="#eee"/><rect width="${(pct * 1.2).toFixed(0)}" height="10" fill="${c.verdict === 'fail' ? '#c0392b' : '#2e86c1'}"/><line x1="${(line * 1.2).toFixed(0)}" x2="${(line * 1.2).toFixed(0)}" y1="0" y2="10" stroke="#000" stroke-width="2"/></svg>`;
}

function criteriaTable(criteria: Criterion[]): string {
  return table(
    ['criterion', 'verdict', 'worst', 'SLO', '', 'window', 'points', 'detail'],
    criteria.map((c) => [
      esc(c.name),
      verdict(c.verdict),
      num(c.metric?.worst?.value, c.metric?.unit),
      esc(c.metric?.slo ?? '-'),
      gauge(c),
      esc(c.metric?.window.label ?? '-'),
      c.metric ? String(c.metric.points) : '-',
      esc(c.detail + (c.level ? ` [${c.level}]` : '')),
    ]),
    'gate',
  );
}

function block(b: Block): string {
  if (b.type === 'text') return `<p>${esc(b.text)}</p>`;
  if (b.type === 'todo') return `<p class="todo"><strong>To be written by people:</strong> ${esc(b.text)}</p>`;
  return table(
    b.head,
    b.rows.map((r) => r.map(esc)),
  );
}

export function renderHtml(r: PhaseReport): string {
  const title = `${r.plan.title}: phase ${r.phase.index + 1}/${r.phase.of} "${r.phase.name}"`;
  const parts: string[] = [];
  parts.push(`<h1>${esc(title)}</h1>`);
  if (r.simulatedClock)
    parts.push(
      '<p class="sim"><strong>Simulated clock:</strong> times in this report come from ROLLOUT_NOW (a test, replay or drill), not the wall clock.</p>',
    );
  parts.push(
    table(
      ['', 'phase'],
      [
        ['plan', r.plan.name],
        ['flag', r.plan.flag],
        ['traffic', `${r.phase.traffic}%${r.phase.audience ? ` of ${r.phase.audience}` : ''}`],
        ['phase status', r.phase.status],
        ['entered', r.phase.enteredAt ?? '-'],
        ['left', r.phase.leftAt ?? '-'],
        ['time in phase', r.phase.timeInPhase ?? '-'],
        ['rollout status', r.rolloutStatus],
        ['generated', r.generatedAt],
      ].map((row) => row.map(esc)),
      'facts',
    ),
  );
  parts.push('<h2>Gate</h2>');
  if (r.gate) {
    parts.push(
      `<p>Last evaluated ${esc(r.gate.evaluatedAt)}: ${verdict(r.gate.verdict)}</p>`,
      criteriaTable(r.gate.criteria),
    );
    if (r.gate.reported.length)
      parts.push(
        '<p>Reported metrics (no SLO, never gating):</p>',
        table(
          ['metric', 'last', 'mean', 'points'],
          r.gate.reported.map((c) => [
            esc(c.name),
            num(c.metric?.last?.value, c.metric?.unit),
            num(c.metric?.mean, c.metric?.unit),
            String(c.metric?.points ?? 0),
          ]),
        ),
      );
  } else parts.push('<p class="none">The gate of this phase has not been evaluated yet.</p>');
  parts.push('<h2>Decision</h2>');
  if (r.decision) {
    parts.push(
      `<p><strong>${esc(r.decision.decision)}</strong>${r.decision.to ? ` → ${esc(r.decision.to)}` : ''}</p><ul>${r.decision.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`,
    );
    const c = r.decision.contingency as { level: string; action: string; applied: boolean; advice: string } | undefined;
    if (c)
      parts.push(
        `<p><strong>Contingency</strong> (${esc(c.level)}): ${esc(c.action)}${c.applied ? ' — applied' : ' — not applied'}. ${esc(c.advice)}</p>`,
      );
  } else parts.push('<p class="none">No decision recorded yet.</p>');
  parts.push(
    '<h2>Checklist</h2>',
    table(
      ['item', 'status', 'by', 'at', 'note'],
      r.checklist.map((c) =>
        [
          c.text,
          c.status,
          c.by ?? '-',
          c.at ?? '-',
          c.reason ?? (c.command ? `${c.command.trim()} → exit ${c.exitCode ?? '-'}` : ''),
        ].map(esc),
      ),
    ),
  );
  parts.push(
    '<h2>Approvals</h2>',
    table(
      ['by', 'at', 'note', 'ran as'],
      r.approvals.given.map((a) => [a.by, a.at, a.note ?? '', ranAs(a)].map(esc)),
    ),
  );
  if (r.rollback)
    parts.push(
      '<h2>Rollback</h2>',
      table(
        ['component', 'how', 'status', 'took', 'estimate', 'detail'],
        r.rollback.map((s) =>
          [
            s.component,
            s.kind,
            s.status,
            `${(s.durationMs / 1000).toFixed(1)}s`,
            `${s.estimate ?? '-'}${s.overEstimate ? ' (over)' : ''}`,
            s.detail,
          ].map(esc),
        ),
      ),
    );
  for (const d of r.documents) parts.push(`<h2>${esc(d.title)}</h2>`, ...d.blocks.map(block));
  parts.push(
    '<h2>Events</h2>',
    table(
      ['at', 'event'],
      r.events.map((e) => [e.at, e.summary].map(esc)),
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}.v{font-weight:600;padding:0 4px;border-radius:3px}.v.pass{color:#1e8449}.v.fail{color:#fff;background:#c0392b}.v.hold{color:#9a7d0a}
.todo{background:#fff8e1;border-left:4px solid #f1c40f;padding:6px 10px}.sim{background:#eef;padding:6px 10px}.none{color:#777}
</style></head><body>
${parts.join('\n')}
</body></html>
`;
}
