/** Text rendering for the terminal: aligned tables and the gate, with numbers. */
import { redact } from '../redact.js';
import type { Criterion, GateResult } from '../gates/types.js';
import type { Decision } from '../engine/decide.js';
import type { RolloutState } from '../state/types.js';
import type { Style } from './io.js';
import { terminalColumns } from './std-write.js';

const ANSI = /\u001b\[[0-9;]*m/g;
export const textWidth = (s: string) => [...s.replace(ANSI, '')].length;
const width = textWidth;

export function renderTable(head: string[], rows: string[][], style: Style, opts: { maxWidth?: number } = {}): string {
  // masked before wrapping: a secret holding spaces could otherwise be split over two lines and missed
  const all = [head, ...rows].map((r) => r.map(redact));
  // a reduce, not Math.max(...): a table (the journal's history) may have more rows than a call has room for arguments
  const t = tableLines(
    head,
    head.map((_, i) => all.reduce((w, r) => Math.max(w, width(r[i] ?? '')), 0)),
    style,
    opts,
  );
  return [t.head, ...all.slice(1).map(t.row)].join('\n');
}

/** A table printed line by line (for output too long to hold at once), given its column widths. */
export function tableLines(
  head: string[],
  widths: number[],
  style: Style,
  opts: { maxWidth?: number } = {},
): { head: string; row: (r: string[]) => string } {
  const max = opts.maxWidth ?? 200;
  // The last column wraps: it carries the long detail.
  const fixed = widths.slice(0, -1).reduce((a, b) => a + b + 2, 0);
  const lastWidth = Math.max(20, Math.min(widths.at(-1) ?? 20, max - fixed));
  const line = (r: string[], st?: (s: string) => string) => {
    const cells = r.slice(0, -1).map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - textWidth(c))));
    const last = r.at(-1) ?? '';
    const chunks = wrap(last, lastWidth);
    const pad = ' '.repeat(fixed);
    return [cells.concat(chunks[0] ?? '').join('  '), ...chunks.slice(1).map((c) => pad + c)]
      .map((l) => (st ? st(l) : l))
      .join('\n');
  };
  return { head: line(head, style.bold), row: (r) => line(r) };
}

function wrap(text: string, w: number): string[] {
  if (width(text) <= w) return [text];
  const words = text.split(' ');
  const out: string[] = [];
  let cur = '';
  for (const word of words) {
    if (cur && width(cur) + 1 + width(word) > w) {
      out.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  return out;
}

export function verdictText(v: string, style: Style): string {
  if (v === 'pass') return style.green('pass');
  if (v === 'fail') return style.red('FAIL');
  if (v === 'hold') return style.yellow('hold');
  return v;
}

export function renderCriteria(criteria: Criterion[], style: Style, termWidth: number): string {
  return renderTable(
    ['criterion', 'verdict', 'detail'],
    criteria.map((c) => [c.name, verdictText(c.verdict, style), c.detail + (c.level ? ` [${c.level}]` : '')]),
    style,
    { maxWidth: termWidth },
  );
}

export function renderGate(args: {
  gate: GateResult;
  decision: Decision;
  style: Style;
  termWidth: number;
  headline: string;
  planFile?: string;
}): string {
  const { gate, decision, style } = args;
  const lines = [style.bold(args.headline), '', renderCriteria(gate.criteria, style, args.termWidth)];
  if (gate.reported.length) {
    lines.push(
      '',
      style.dim('reported (no SLO, never gating):'),
      renderTable(
        ['metric', 'data', 'detail'],
        gate.reported.map((c) => [
          c.name,
          c.verdict === 'pass' ? 'ok' : style.yellow('missing'),
          c.detail.replace(/ \(no SLO: reported only\)$/, ''),
        ]),
        style,
        { maxWidth: args.termWidth },
      ),
    );
  }
  if (decision.contingency) {
    const c = decision.contingency;
    lines.push(
      '',
      `${style.red('contingency')} (${c.level}): ${c.action}${c.applied ? ' — applied' : c.automatic ? ' — automatic' : ' — not applied'}. ${c.advice}`,
    );
  }
  const next = nextSteps(gate, args.planFile);
  if (decision.decision === 'held' && next.length) lines.push('', `${style.bold('next:')} ${next.join(' · ')}`);
  return lines.join('\n');
}

/** What a JSON consumer needs from a criterion: name, verdict, detail, and the numbers. */
export function criterionJson(c: Criterion): Record<string, unknown> {
  const out: Record<string, unknown> = { name: c.name, kind: c.kind, verdict: c.verdict, detail: c.detail };
  if (c.level) out['level'] = c.level;
  if (c.eligibleAt) out['eligibleAt'] = c.eligibleAt;
  if (c.metric) {
    const m = c.metric;
    Object.assign(out, {
      cohort: m.cohort,
      slo: m.slo,
      unit: m.unit,
      window: m.window,
      points: m.points,
      observed: m.worst?.value ?? m.last?.value ?? null,
      worst: m.worst ?? null,
      last: m.last ?? null,
      mean: m.mean ?? null,
      breaches: m.breaches,
      invalid: m.invalid,
    });
  }
  // canary-vs-control comparisons: contract §4's estimate, interval, pValue, samples, needed (and the rest)
  if (c.comparison) Object.assign(out, c.comparison);
  return out;
}

export function termWidth(): number {
  return Math.max(60, Math.min(terminalColumns() || 120, 160));
}

/** What a person can do about each criterion that holds, in the order the gate lists them. */
export function nextSteps(gate: GateResult, planFile = 'PLAN'): string[] {
  const out: string[] = [];
  for (const c of gate.criteria) {
    if (c.verdict !== 'hold') continue;
    if (c.kind === 'checklist') out.push(`\`rollout checklist ${planFile}\``);
    else if (c.kind === 'approvals') out.push(`\`rollout approve ${planFile} --by NAME\``);
    else if ((c.kind === 'minDuration' || c.kind === 'metric') && c.eligibleAt)
      out.push(`run again after ${c.eligibleAt}`);
    else if (c.kind === 'paused') out.push(`\`rollout resume ${planFile}\``);
    else if (c.comparison?.needed) out.push(`${c.name}: ${c.comparison.needed.text}`);
    else if (c.comparison?.status === 'inconclusive')
      out.push(`run again later: ${c.name} is not proven either way yet`);
    else if (c.kind === 'metric' || c.kind === 'incidents')
      out.push(`check the data of ${c.name} (\`rollout doctor ${planFile}\`)`);
  }
  return [...new Set(out)];
}

/** The decision document that `check --json` and `advance --json` share (contract §3). */
export function decisionJson(args: {
  plan: string;
  decision: Decision;
  gate: GateResult;
  state: RolloutState;
  at: string;
  clock: string;
}): Record<string, unknown> {
  const { decision, gate, state } = args;
  return {
    plan: args.plan,
    decision: decision.decision,
    from: decision.from,
    to: decision.to,
    state: state.status,
    phase: state.phase,
    traffic: state.traffic,
    verdict: gate.verdict,
    criteria: gate.criteria.map(criterionJson),
    reported: gate.reported.map(criterionJson),
    reasons: decision.reasons,
    contingency: decision.contingency ?? null,
    eligibleAt: gate.eligibleAt ?? null,
    at: args.at,
    clock: args.clock,
  };
}
