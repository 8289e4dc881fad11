/** Renders a phase report as Markdown for people to read. Pure. */
import type { Criterion } from '../gates/types.js';
import { formatValue, ranAs } from './format.js';
import type { Block, PhaseReport } from './model.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '_none_\n';
  return `${[
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => esc(c)).join(' | ')} |`),
  ].join('\n')}\n`;
}

const VERDICT: Record<string, string> = { pass: '✅ pass', fail: '❌ fail', hold: '⏸ hold' };

function block(b: Block): string {
  if (b.type === 'text') return `${b.text}\n`;
  if (b.type === 'todo') return `> **To be written by people:** ${b.text}\n`;
  return table(b.head, b.rows);
}

function criteriaTable(criteria: Criterion[]): string {
  return table(
    ['criterion', 'verdict', 'observed', 'SLO', 'window', 'points', 'detail'],
    criteria.map((c) => [
      c.name,
      VERDICT[c.verdict] ?? c.verdict,
      c.metric?.worst
        ? `${formatValue(c.metric.worst.value, c.metric.unit)} (worst)`
        : c.metric?.last
          ? formatValue(c.metric.last.value)
          : '-',
      c.metric?.slo ?? '-',
      c.metric ? c.metric.window.label : '-',
      c.metric ? String(c.metric.points) : '-',
      c.detail + (c.level ? ` [${c.level}]` : ''),
    ]),
  );
}

export function renderMarkdown(r: PhaseReport): string {
  const out: string[] = [];
  out.push(`# ${r.plan.title}: phase ${r.phase.index + 1}/${r.phase.of} "${r.phase.name}"\n`);
  if (r.simulatedClock)
    out.push(
      '> **Simulated clock:** times in this report come from ROLLOUT_NOW (a test, replay or drill), not the wall clock.\n',
    );
  out.push(
    table(
      ['', ''],
      [
        ['plan', r.plan.name],
        ['service', r.plan.service ?? '-'],
        ['owner', r.plan.owner ?? '-'],
        ['flag', r.plan.flag],
        ['traffic', `${r.phase.traffic}%${r.phase.audience ? ` of ${r.phase.audience}` : ''}`],
        ['phase status', r.phase.status],
        ['entered', r.phase.enteredAt ?? '-'],
        ['left', r.phase.leftAt ?? '-'],
        [
          'time in phase',
          `${r.phase.timeInPhase ?? '-'}${r.phase.minDuration ? ` (minimum ${r.phase.minDuration})` : ''}`,
        ],
        ['rollout status', r.rolloutStatus],
        ['report generated', r.generatedAt],
      ],
    ),
  );
  out.push(`**Summary:** ${summary(r)}\n`);
  out.push('## Gate\n');
  if (r.gate) {
    out.push(`Last evaluated ${r.gate.evaluatedAt}: **${r.gate.verdict}**.\n`);
    out.push(criteriaTable(r.gate.criteria));
    if (r.gate.reported.length) {
      out.push('\nReported metrics (no SLO, never gating):\n');
      out.push(
        table(
          ['metric', 'data', 'last', 'mean', 'window', 'points'],
          r.gate.reported.map((c) => [
            c.name,
            c.verdict === 'pass' ? 'ok' : `missing: ${c.detail}`,
            formatValue(c.metric?.last?.value, c.metric?.unit),
            formatValue(c.metric?.mean, c.metric?.unit),
            c.metric?.window.label ?? '-',
            String(c.metric?.points ?? 0),
          ]),
        ),
      );
    }
  } else out.push('_The gate of this phase has not been evaluated yet._\n');
  out.push('## Decision\n');
  if (r.decision) {
    out.push(`**${r.decision.decision}**${r.decision.to ? ` → ${r.decision.to}` : ''}\n`);
    out.push(`${r.decision.reasons.map((x) => `- ${x}`).join('\n')}\n`);
    const c = r.decision.contingency as { level: string; action: string; applied: boolean; advice: string } | undefined;
    if (c)
      out.push(
        `\n**Contingency** (${c.level}): ${c.action}${c.applied ? ' — applied' : ' — not applied'}. ${c.advice}\n`,
      );
  } else out.push('_No decision recorded yet._\n');
  out.push('## Checklist\n');
  out.push(
    table(
      ['item', 'status', 'by', 'at', 'note'],
      r.checklist.map((c) => [
        c.text,
        c.status,
        c.by ?? '-',
        c.at ?? '-',
        [c.reason, c.command ? `\`${c.command.trim()}\` exit ${c.exitCode ?? '-'}` : ''].filter(Boolean).join('; '),
      ]),
    ),
  );
  out.push('## Approvals\n');
  out.push(
    r.approvals.required
      ? `${r.approvals.given.length}/${r.approvals.required} required, from: ${r.approvals.approvers.join(', ')}\n\n`
      : 'None required.\n\n',
  );
  if (r.approvals.given.length)
    out.push(
      table(
        ['by', 'at', 'note', 'ran as'],
        r.approvals.given.map((a) => [a.by, a.at, a.note ?? '', ranAs(a)]),
      ),
    );
  out.push('## Flag\n');
  out.push(
    r.flag
      ? table(
          ['', 'enabled', 'traffic', 'audience'],
          [flagRow('before', r.flag.before), flagRow('after', r.flag.after)],
        )
      : '_The flag was not changed on leaving this phase._\n',
  );
  if (r.rollback) {
    out.push('## Rollback\n');
    out.push(
      table(
        ['component', 'procedure', 'how', 'status', 'took', 'estimate', 'detail'],
        r.rollback.map((s) => [
          s.component,
          s.procedure,
          s.kind,
          s.status,
          `${(s.durationMs / 1000).toFixed(1)}s`,
          `${s.estimate ?? '-'}${s.overEstimate ? ' (over)' : ''}`,
          s.detail,
        ]),
      ),
    );
  }
  for (const d of r.documents) {
    out.push(`## ${d.title}\n`);
    if (d.source === 'people') out.push('_This section is for people to write; rollout fills in the facts it has._\n');
    out.push(d.blocks.map(block).join('\n'));
  }
  out.push('## Events\n');
  out.push(
    table(
      ['at', 'event'],
      r.events.map((e) => [e.at, e.summary]),
    ),
  );
  return out.join('\n');
}

/** One sentence a reader can stop at: where the phase stands and why. */
function summary(r: PhaseReport): string {
  const where = `${r.phase.traffic}%${r.phase.audience ? ` of ${r.phase.audience}` : ''}`;
  const d = r.decision;
  const failed = r.gate?.criteria.filter((c) => c.verdict === 'fail').map((c) => c.name) ?? [];
  const held = r.gate?.criteria.filter((c) => c.verdict === 'hold').map((c) => c.name) ?? [];
  if (r.phase.status === 'not-reached') return `phase "${r.phase.name}" (${where}) has not been reached.`;
  if (!d)
    return `phase "${r.phase.name}" (${where}) was entered ${r.phase.enteredAt}; its gate has not been evaluated yet.`;
  switch (d.decision) {
    case 'advanced':
      return `after ${r.phase.timeInPhase} at ${where}, every criterion passed and the rollout moved on to "${d.to}".`;
    case 'completed':
      return `after ${r.phase.timeInPhase} at ${where}, every criterion passed and the rollout completed.`;
    case 'held':
      return `at ${where} for ${r.phase.timeInPhase}; the gate holds on ${held.join(', ')}.`;
    case 'reduced':
      return `the gate failed on ${failed.join(', ')}; traffic went back to "${d.to}".`;
    case 'rolled-back':
      return `the gate failed on ${failed.join(', ')}; the rollout was rolled back.`;
    default:
      return `the gate failed on ${failed.join(', ')}; the contingency is below.`;
  }
}

function flagRow(label: string, s: unknown): string[] {
  const f = (s ?? {}) as { enabled?: boolean; traffic?: number; audience?: string };
  return [label, String(f.enabled ?? '-'), f.traffic === undefined ? '-' : `${f.traffic}%`, f.audience ?? 'everyone'];
}
